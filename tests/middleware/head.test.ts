import test from 'ava';
import { head } from '../../middleware/head.js';
import { Client, recordingApp } from '../../lib/testing/index.js';
import { compose } from '../../lib/protocol/compose.js';
import type { Application, Body, HeaderList, Middleware } from '../../lib/protocol/types.js';

/** A middleware above the one under test that records the headers passed up to it. */
function spy(): { middleware: Middleware; headers: HeaderList[] } {
  const headers: HeaderList[] = [];
  const middleware: Middleware = (app) => (environ, startResponse) =>
    app(environ, (status, list, excInfo) => {
      headers.push(list.map(([name, value]) => [name, value]));
      return excInfo === undefined ? startResponse(status, list) : startResponse(status, list, excInfo);
    });
  return { middleware, headers };
}

/** An application returning a real array body (the recorder's body is an iterable), counting close(). */
function arrayApp(headers: Array<[string, string]> = [['Content-Type', 'text/plain']], chunks = ['hello ', 'world']): Application & { closed: number } {
  const app = ((_environ, startResponse) => {
    startResponse('200 OK', headers.map(([name, value]) => [name, value]));
    return Object.assign(chunks.map((chunk) => Buffer.from(chunk)), { close: () => void (app.closed += 1) }) as Body;
  }) as Application & { closed: number };
  app.closed = 0;
  return app;
}

test('head() passes a GET through untouched', async (t) => {
  const recorder = recordingApp({ body: ['a', 'b'], stream: true });
  const client = new Client(recorder, { middleware: head() });
  const response = await client.get('/x');
  t.is(response.text(), 'ab');
  t.is(recorder.lastCall?.chunksSent, 2);
  t.true(recorder.lastCall?.closed);
});

test('head() keeps REQUEST_METHOD HEAD for the application', async (t) => {
  const recorder = recordingApp();
  const client = new Client(recorder, { middleware: head() });
  await client.head('/x');
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'HEAD');
});

test('head() computes Content-Length for an array body and drops the body', async (t) => {
  const app = arrayApp();
  const client = new Client(app, { middleware: head() });
  const response = await client.head('/x');
  t.is(response.status, 200);
  t.is(response.headers.get('Content-Length'), '11');
  t.is(response.headers.get('Content-Type'), 'text/plain');
  t.is(response.bodyLength, 0);
  t.is(app.closed, 1);
});

test('head() keeps a declared Content-Length', async (t) => {
  const app = arrayApp([['Content-Type', 'text/plain'], ['Content-Length', '11']]);
  const client = new Client(app, { middleware: head() });
  const response = await client.head('/x');
  t.deepEqual(response.headers.getAll('Content-Length'), ['11']);
  t.is(app.closed, 1);
});

test('head({ contentLength: false }) adds no Content-Length', async (t) => {
  // Checked on the way up: the gateway itself answers an empty HEAD body with Content-Length: 0.
  const app = arrayApp();
  const seen = spy();
  const client = new Client(app, { middleware: compose(seen.middleware, head({ contentLength: false })) });
  await client.head('/x');
  t.deepEqual(seen.headers, [[['Content-Type', 'text/plain']]]);
  t.is(app.closed, 1);
});

test('head() does not iterate a streamed body when startResponse came first', async (t) => {
  const recorder = recordingApp({ body: ['a', 'b', 'c'], stream: true, headers: [['Content-Type', 'text/plain'], ['X-Kept', 'yes']] });
  const client = new Client(recorder, { middleware: head() });
  const response = await client.head('/x');
  t.is(response.headers.get('X-Kept'), 'yes');
  t.is(response.bodyLength, 0);
  t.is(recorder.lastCall?.chunksSent, 0);
  t.true(recorder.lastCall?.closed);
});

test('head() iterates a body only until it calls startResponse', async (t) => {
  const recorder = recordingApp({ body: ['a', 'b', 'c'], stream: true, startInBody: true });
  const client = new Client(recorder, { middleware: head() });
  const response = await client.head('/x');
  t.is(response.status, 200);
  t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
  t.is(response.bodyLength, 0);
  t.is(recorder.lastCall?.chunksSent, 1);
  t.false(recorder.lastCall?.finished);
  t.is(recorder.lastCall?.closeCount, 1);
});

test('head() drops data passed to write()', async (t) => {
  const recorder = recordingApp({ write: ['written'], body: ['body'] });
  const client = new Client(recorder, { middleware: head() });
  const response = await client.head('/x');
  t.is(response.status, 200);
  t.is(response.bodyLength, 0);
  t.true(recorder.lastCall?.closed);
});

test('head() closes the body when the client goes away', async (t) => {
  const recorder = recordingApp({ body: ['a', 'b'], stream: true, startInBody: true });
  const client = new Client(recorder, { middleware: head() });
  await client.head('/x', { disconnectAfter: 0 });
  t.is(recorder.lastCall?.closeCount, 1);
});

test('head() adds no Content-Length to a 204', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('204 No Content', []);
    return [];
  };
  const client = new Client(app, { middleware: head() });
  const response = await client.head('/x');
  t.is(response.status, 204);
  t.is(response.headers.get('Content-Length'), undefined);
});

test('head() rejects options that are not an object', (t) => {
  t.throws(() => head('yes' as never), { instanceOf: TypeError, message: "head() options must be an object; got 'yes'." });
});

test('head() rejects an unknown option', (t) => {
  t.throws(() => head({ length: true } as never), { message: "head() got an unknown option 'length'. Known options: contentLength." });
});

test('head() rejects a contentLength that is not a boolean', (t) => {
  t.throws(() => head({ contentLength: 'no' as never }), {
    instanceOf: TypeError,
    message: "head() option contentLength must be true or false; got 'no'.",
  });
});
