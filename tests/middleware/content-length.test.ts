import test from 'ava';
import { contentLength } from '../../middleware/content-length.js';
import { Client, recordingApp } from '../../lib/testing/index.js';
import { compose } from '../../lib/protocol/compose.js';
import type { Application, Body, HeaderList, Middleware } from '../../lib/protocol/types.js';

/** A middleware above the one under test recording the headers passed up (the gateway adds its own length later). */
function spy(): { middleware: Middleware; headers: HeaderList[] } {
  const headers: HeaderList[] = [];
  const middleware: Middleware = (app) => (environ, startResponse) =>
    app(environ, (status, list, excInfo) => {
      headers.push(list.map(([name, value]) => [name, value]));
      return excInfo === undefined ? startResponse(status, list) : startResponse(status, list, excInfo);
    });
  return { middleware, headers };
}

function arrayApp(status = '200 OK', headers: HeaderList = [['Content-Type', 'text/plain']], chunks = ['hello ', 'world']): Application & { closed: number } {
  const app = ((_environ, startResponse) => {
    startResponse(status, headers.map(([name, value]) => [name, value]));
    return Object.assign(chunks.map((chunk) => Buffer.from(chunk)), { close: () => void (app.closed += 1) }) as Body;
  }) as Application & { closed: number };
  app.closed = 0;
  return app;
}

function run(app: Application, method = 'GET'): Promise<{ seen: HeaderList[]; body: string }> {
  const seen = spy();
  const client = new Client(app, { middleware: compose(seen.middleware, contentLength()) });
  return client.request(method, '/x').then((response) => ({ seen: seen.headers, body: response.text() }));
}

test('contentLength() adds Content-Length for an array body', async (t) => {
  const app = arrayApp();
  const { seen, body } = await run(app);
  t.deepEqual(seen, [[['Content-Type', 'text/plain'], ['Content-Length', '11']]]);
  t.is(body, 'hello world');
  t.is(app.closed, 1);
});

test('contentLength() keeps a declared Content-Length', async (t) => {
  const { seen } = await run(arrayApp('200 OK', [['Content-Type', 'text/plain'], ['content-length', '11']]));
  t.deepEqual(seen, [[['Content-Type', 'text/plain'], ['content-length', '11']]]);
});

const skipped: Array<[label: string, status: string, headers: HeaderList, chunks: string[]]> = [
  ['a 204', '204 No Content', [], []],
  ['a 304', '304 Not Modified', [], []],
];
for (const [label, status, headers, chunks] of skipped) {
  test(`contentLength() adds nothing to ${label}`, async (t) => {
    const { seen } = await run(arrayApp(status, headers, chunks));
    t.deepEqual(seen, [headers]);
  });
}

test('contentLength() adds nothing for a HEAD request', async (t) => {
  const { seen } = await run(arrayApp(), 'HEAD');
  t.deepEqual(seen, [[['Content-Type', 'text/plain']]]);
});

test('contentLength() adds nothing when Transfer-Encoding is present (not validated: apps must not send it)', async (t) => {
  const headers: HeaderList = [];
  const inner: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Transfer-Encoding', 'chunked']]);
    return [Buffer.from('x')];
  };
  await contentLength()(inner)({ REQUEST_METHOD: 'GET' } as never, (_status, list) => {
    headers.push(...list);
    return async () => undefined;
  });
  t.deepEqual(headers, [['Transfer-Encoding', 'chunked']]);
});

test('contentLength() passes a streamed body through chunk by chunk', async (t) => {
  const recorder = recordingApp({ body: ['a', 'b', 'c'], stream: true, startInBody: true });
  const seen = spy();
  const chunks: string[] = [];
  const client = new Client(recorder, { middleware: compose(seen.middleware, contentLength()) });
  await client.get('/x', { onBodyChunk: (chunk) => void chunks.push(Buffer.from(chunk).toString()) });
  t.deepEqual(chunks, ['a', 'b', 'c']);
  t.deepEqual(seen.headers, [[['Content-Type', 'text/plain; charset=utf-8']]]);
  t.true(recorder.lastCall?.closed);
});

test('contentLength() adds nothing when the app used write()', async (t) => {
  const recorder = recordingApp({ write: ['w'], body: ['b'] });
  const seen = spy();
  const client = new Client(recorder, { middleware: compose(seen.middleware, contentLength()) });
  const response = await client.get('/x');
  t.is(response.text(), 'wb');
  t.deepEqual(seen.headers, [[['Content-Type', 'text/plain; charset=utf-8']]]);
});

test('contentLength() forwards a replaced response (excInfo)', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], new Error('boom'));
    return [Buffer.from('oops')];
  };
  const client = new Client(app, { middleware: contentLength() });
  const response = await client.get('/x');
  t.is(response.status, 500);
  t.is(response.headers.get('Content-Length'), '4');
});

test('contentLength() rejects an unknown option', (t) => {
  t.throws(() => contentLength({ max: 1 } as never), { message: "contentLength() got an unknown option 'max'. It takes no options yet." });
});
