import test from 'ava';
import type { Application } from '../../lib/protocol/types.js';
import { accessLogLine, logTimestamp } from '../../lib/server/access-log.js';
import { fetchResult, rawExchange, withServer } from './http-helpers.js';

const at = new Date(2026, 10, 24, 19, 40, 1);

test('logTimestamp(date) is wsgiref\'s day/month/year hour:minute:second in local time', (t) => {
  t.is(logTimestamp(at), '24/Nov/2026 19:40:01');
  t.is(logTimestamp(new Date(2027, 0, 5, 3, 4, 5)), '05/Jan/2027 03:04:05');
});

test('accessLogLine() is a wsgiref-style line', (t) => {
  const line = accessLogLine(
    { remoteAddress: '127.0.0.1', method: 'GET', target: '/', protocol: 'HTTP/1.1', status: 200, bytesSent: 11 },
    at,
  );
  t.is(line, '127.0.0.1 - - [24/Nov/2026 19:40:01] "GET / HTTP/1.1" 200 11');
});

const lines: Array<[label: string, fields: Partial<Parameters<typeof accessLogLine>[0]>, expected: string]> = [
  ['no response head', { status: 0, bytesSent: 0 }, '127.0.0.1 - - [24/Nov/2026 19:40:01] "GET / HTTP/1.1" - 0'],
  ['an unknown peer', { remoteAddress: undefined }, '- - - [24/Nov/2026 19:40:01] "GET / HTTP/1.1" 200 11'],
  [
    'control characters in the target',
    { target: '/a\x1b[31m\x00' },
    '127.0.0.1 - - [24/Nov/2026 19:40:01] "GET /a\\x1b[31m\\x00 HTTP/1.1" 200 11',
  ],
  ['a quote in the target', { target: '/"x"' }, '127.0.0.1 - - [24/Nov/2026 19:40:01] "GET /\\"x\\" HTTP/1.1" 200 11'],
];

for (const [label, fields, expected] of lines) {
  test(`accessLogLine() with ${label}`, (t) => {
    const entry = { remoteAddress: '127.0.0.1', method: 'GET', target: '/', protocol: 'HTTP/1.1', status: 200, bytesSent: 11 };
    t.is(accessLogLine({ ...entry, ...fields }, at), expected);
  });
}

test('the server logs one line per answered request through options.log', async (t) => {
  const logged: string[] = [];
  const app: Application = (_environ, startResponse) => {
    startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
    return [Buffer.from('nothing')];
  };
  await withServer(
    app,
    async (server) => {
      await fetchResult(server.port, { path: '/missing?x=1' });
      await rawExchange(server.port, 'HEAD /h HTTP/1.0\r\n\r\n');
    },
    { log: (line) => logged.push(line) },
  );
  t.is(logged.length, 2);
  t.regex(logged[0] ?? '', /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4} \d\d:\d\d:\d\d\] "GET \/missing\?x=1 HTTP\/1\.1" 404 7$/);
  t.regex(logged[1] ?? '', /"HEAD \/h HTTP\/1\.0" 404 0$/);
});

test('a log function that throws is reported to tsgi.errors and the server keeps serving', async (t) => {
  let written = '';
  const errors = { write: (text: string) => void (written += text), writelines() {}, flush() {} };
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from('ok')];
  };
  await withServer(
    app,
    async (server) => {
      t.is((await fetchResult(server.port)).status, 200);
      t.is((await fetchResult(server.port)).status, 200);
    },
    {
      errors,
      log: () => {
        throw new Error('log is broken');
      },
    },
  );
  t.true(written.includes('tsgi server: the access log function threw: Error: log is broken'), written);
});
