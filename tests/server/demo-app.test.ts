import test from 'ava';
import type { Environ, HeaderList } from '../../lib/protocol/types.js';
import { demoApp } from '../../lib/server/index.js';
import { shortRepr } from '../../lib/server/demo-app.js';
import { fetchResult, withServer } from './http-helpers.js';

class InputStream {}

test('demoApp answers Hello world! and the sorted environ as UTF-8 text', async (t) => {
  let status = '';
  let headers: HeaderList = [];
  const environ = {
    REQUEST_METHOD: 'GET',
    PATH_INFO: '/caf\xc3\xa9',
    'tsgi.version': [1, 0],
    'tsgi.multithread': false,
    'tsgi.input': new InputStream(),
    'app.label': 'naïve €',
    A_NUMBER: 3,
  } as unknown as Environ;
  const body = await demoApp(environ, (s, h) => {
    status = s;
    headers = h;
    return async () => undefined;
  });
  t.is(status, '200 OK');
  t.deepEqual(headers, [['Content-Type', 'text/plain; charset=utf-8']]);
  t.true(Array.isArray(body));
  t.is(
    Buffer.concat(body as Buffer[]).toString('utf8'),
    [
      'Hello world!',
      '',
      'A_NUMBER = 3',
      'PATH_INFO = /café',
      'REQUEST_METHOD = GET',
      'app.label = naïve €',
      'tsgi.input = <InputStream>',
      'tsgi.multithread = false',
      'tsgi.version = [1, 0]',
      '',
    ].join('\n'),
  );
});

const reprs: Array<[label: string, value: unknown, expected: string]> = [
  ['true', true, 'true'],
  ['a number', 1.5, '1.5'],
  ['null', null, 'null'],
  ['undefined', undefined, 'undefined'],
  ['an array', [1, 'a', [2]], '[1, "a", […]]'],
  ['a named function', function wrap() {}, '[Function: wrap]'],
  ['an anonymous function', (() => () => undefined)(), '[Function: anonymous]'],
  ['a plain object', { a: 1 }, '<Object>'],
  ['a prototype-less object', Object.create(null), '<Object>'],
  ['a class instance', new Map(), '<Map>'],
];

for (const [label, value, expected] of reprs) {
  test(`shortRepr() describes ${label} as ${expected}`, (t) => {
    t.is(shortRepr(value, 0), expected);
  });
}

test('demoApp served by makeServer shows the request environ', async (t) => {
  await withServer(demoApp, async (server) => {
    const result = await fetchResult(server.port, { path: '/x?y=1' });
    t.is(result.headers['content-type'], 'text/plain; charset=utf-8');
    const text = result.body.toString('utf8');
    t.true(text.startsWith('Hello world!\n\n'));
    t.true(text.includes('\nPATH_INFO = /x\n'));
    t.true(text.includes('\nQUERY_STRING = y=1\n'));
    t.true(text.includes('\ntsgi.url_scheme = http\n'));
  });
});
