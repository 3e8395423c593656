/**
 * The examples of docs/testing.md, run as they are written there, so the
 * documentation cannot drift from the code.
 */
import test from 'ava';
import type { Application, Middleware } from '../../lib/protocol/types.js';
import { Client, createEnviron, recordingApp } from '../../lib/testing/index.js';

const app: Application = async (environ, startResponse) => {
  if (environ.PATH_INFO === '/login' && environ.REQUEST_METHOD === 'POST') {
    const form = new URLSearchParams(Buffer.from(await environ['tsgi.input'].read()).toString());
    startResponse('303 See Other', [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Location', '/account'],
      ['Set-Cookie', `user=${form.get('user')}; Path=/; HttpOnly`],
    ]);
    return [];
  }
  if (environ.PATH_INFO === '/account') {
    const user = /(?:^|; )user=([^;]*)/.exec(String(environ.HTTP_COOKIE ?? ''))?.[1];
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return [Buffer.from(JSON.stringify({ user: user ?? null }))];
  }
  startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from('Not Found')];
};

test('docs/testing.md: POST /login redirects to the account page with a session cookie', async (t) => {
  const client = new Client(app);
  const response = await client.post('/login', { form: { user: 'ada' }, followRedirects: true });

  t.is(response.status, 200);
  t.deepEqual(response.json(), { user: 'ada' });
  t.deepEqual(response.history.map((hop) => hop.status), [303]);
  t.is(client.cookies.get('user')?.value, 'ada');
  t.is(response.errors, '', 'nothing was written to tsgi.errors');
});

test('docs/testing.md: createEnviron() example', async (t) => {
  const environ = createEnviron('/search?q=tsgi', {
    method: 'POST',
    json: { page: 2 },
    headers: { 'X-Request-Id': 'abc' },
    baseUrl: 'https://example.com/shop',
  });
  t.is(environ.SCRIPT_NAME, '/shop');
  t.is(environ.PATH_INFO, '/search');
  t.is(environ.QUERY_STRING, 'q=tsgi');
  t.is(environ.CONTENT_TYPE, 'application/json');
  t.is(environ.HTTP_X_REQUEST_ID, 'abc');
  t.is(environ['tsgi.url_scheme'], 'https');
  t.is(Buffer.from(await environ['tsgi.input'].read()).toString(), '{"page":2}');
});

/** Adds `X-Request-Id` to the request (if missing) and echoes it on the response. */
const requestId: Middleware = (app) =>
  function requestIdApp(environ, startResponse) {
    const id = typeof environ.HTTP_X_REQUEST_ID === 'string' ? environ.HTTP_X_REQUEST_ID : 'generated-1';
    environ.HTTP_X_REQUEST_ID = id;
    return app(environ, (status, headers, excInfo) => startResponse(status, [...headers, ['X-Request-Id', id]], excInfo));
  };

test('docs/testing.md: requestId passes the id down and sends it back', async (t) => {
  const recorder = recordingApp({ body: ['hello'] });
  const client = new Client(recorder, { middleware: requestId });

  const response = await client.get('/x', { headers: { 'X-Request-Id': 'abc' } });

  t.is(recorder.lastEnviron?.HTTP_X_REQUEST_ID, 'abc');
  t.is(response.headers.get('X-Request-Id'), 'abc');
  t.is(response.text(), 'hello');
  t.is(recorder.lastCall?.closeCount, 1);
});

test('docs/testing.md: requestId still closes the body when the app fails mid-stream', async (t) => {
  const recorder = recordingApp({ stream: true, body: ['a', 'b'], fail: 'after-first-chunk' });
  const response = await new Client(recorder, { middleware: requestId }).get('/x');
  t.true(response.aborted);
  t.is(recorder.lastCall?.closeCount, 1);
});

test('docs/testing.md: a slow client and a client that goes away', async (t) => {
  const client = new Client(recordingApp({ stream: true, body: ['x', 'y', 'z'] }));
  let received = 0;
  const response = await client.get('/export', {
    onBodyChunk: async (chunk) => {
      received += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
    },
  });
  t.is(received, 3);
  t.is(response.status, 200);

  const recorder = recordingApp({ stream: true, delayMs: 5, body: ['a', 'b', 'c', 'd'] });
  const cut = await new Client(recorder).get('/', { disconnectAfter: 1 });
  t.true(cut.aborted);
  t.is(recorder.lastCall?.closeCount, 1);
});
