import test from 'ava';
import { etag } from '../../middleware/etag.js';
import { Client, recordingApp } from '../../lib/testing/index.js';
import type { Application, Body, HeaderList } from '../../lib/protocol/types.js';

function arrayApp(status = '200 OK', headers: HeaderList = [['Content-Type', 'text/plain']], chunks = ['hello ', 'world']): Application & { closed: number } {
  const app = ((_environ, startResponse) => {
    startResponse(status, headers.map(([name, value]) => [name, value]));
    return Object.assign(chunks.map((chunk) => Buffer.from(chunk)), { close: () => void (app.closed += 1) }) as Body;
  }) as Application & { closed: number };
  app.closed = 0;
  return app;
}

test('etag() adds a weak tag hashed from an array body', async (t) => {
  const app = arrayApp();
  const client = new Client(app, { middleware: etag() });
  const response = await client.get('/x');
  t.regex(response.headers.get('ETag') ?? '', /^W\/"[A-Za-z0-9_-]{27}"$/);
  t.is(response.text(), 'hello world');
  t.is(response.headers.get('Content-Length'), '11');
  t.is(app.closed, 1);
});

test('etag() gives the same bytes the same tag, however chunked, and other bytes another', async (t) => {
  const client = (chunks: string[]) => new Client(arrayApp('200 OK', [['Content-Type', 'text/plain']], chunks), { middleware: etag() });
  const a = (await client(['hello ', 'world']).get('/')).headers.get('ETag');
  const b = (await client(['hello world']).get('/')).headers.get('ETag');
  const c = (await client(['hello there']).get('/')).headers.get('ETag');
  t.is(a, b);
  t.not(a, c);
});

test('etag({ weak: false }) adds a strong tag', async (t) => {
  const client = new Client(arrayApp(), { middleware: etag({ weak: false }) });
  const response = await client.get('/x');
  t.regex(response.headers.get('ETag') ?? '', /^"[A-Za-z0-9_-]{27}"$/);
});

const untouched: Array<[label: string, status: string, headers: HeaderList]> = [
  ['a response with an ETag', '200 OK', [['Content-Type', 'text/plain'], ['ETag', '"mine"']]],
  ['Cache-Control: no-cache', '200 OK', [['Content-Type', 'text/plain'], ['Cache-Control', 'private, no-cache']]],
  ['Cache-Control: no-store', '200 OK', [['Content-Type', 'text/plain'], ['Cache-Control', 'no-store']]],
  ['a 404', '404 Not Found', [['Content-Type', 'text/plain']]],
];
for (const [label, status, headers] of untouched) {
  test(`etag() leaves ${label} alone`, async (t) => {
    const client = new Client(arrayApp(status, headers), { middleware: etag() });
    const response = await client.get('/x');
    t.deepEqual(response.headers.getAll('ETag'), headers.filter(([name]) => name === 'ETag').map(([, value]) => value));
  });
}

test('etag() passes a streamed body through chunk by chunk, untagged', async (t) => {
  const recorder = recordingApp({ body: ['a', 'b', 'c'], stream: true });
  const client = new Client(recorder, { middleware: etag() });
  const chunks: string[] = [];
  const response = await client.get('/x', { onBodyChunk: (chunk) => void chunks.push(Buffer.from(chunk).toString()) });
  t.deepEqual(chunks, ['a', 'b', 'c']);
  t.is(response.headers.get('ETag'), undefined);
  t.true(recorder.lastCall?.closed);
});

test('etag() does not tag a response that used write()', async (t) => {
  const app: Application = (_environ, startResponse) => {
    const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return write(Buffer.from('w')).then(() => [Buffer.from('b')]);
  };
  const client = new Client(app, { middleware: etag() });
  const response = await client.get('/x');
  t.is(response.text(), 'wb');
  t.is(response.headers.get('ETag'), undefined);
});

test('etag() rejects a weak option that is not a boolean', (t) => {
  t.throws(() => etag({ weak: 1 as never }), { instanceOf: TypeError, message: 'etag() option weak must be true or false; got 1.' });
});
