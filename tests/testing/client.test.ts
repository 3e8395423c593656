import test from 'ava';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { ImproperlyConfigured, ProtocolError, TsgiError } from '../../lib/protocol/errors.js';
import type { Application, Body, Middleware } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp } from '../../lib/testing/recording-app.js';
import { closeTracker, echoBodyApp, echoEnvironApp, helloApp, streamingApp } from '../helpers/fixtures.js';

const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

/** Answers each path with a scripted status and headers (for redirects and cookies). */
function routes(table: Record<string, { status: string; headers?: Array<[string, string]>; body?: string }>): Application {
  return (environ, startResponse) => {
    const route = table[environ.PATH_INFO] ?? { status: '404 Not Found', body: 'Not Found' };
    startResponse(route.status, [TEXT, ...(route.headers ?? [])]);
    return [Buffer.from(route.body ?? `${environ.REQUEST_METHOD} ${environ.PATH_INFO}?${environ.QUERY_STRING}`)];
  };
}

test('client.get() returns the response as the gateway produced it', async (t) => {
  const response = await new Client(helloApp).get('/');
  t.is(response.status, 200);
  t.is(response.statusLine, '200 OK');
  t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
  t.is(response.headers.get('Content-Length'), '12');
  t.truthy(response.headers.get('Date'));
  t.regex(response.headers.get('Server') ?? '', /^tsgi\//);
  t.deepEqual(response.framing, { kind: 'length', length: 12 });
  t.is(response.text(), 'Hello world!');
  t.is(response.bodyLength, 12);
  t.false(response.aborted);
  t.is(response.errors, '');
  t.false(response.continueSent);
  t.deepEqual(response.history, []);
  t.is(String(response), '<TestResponse GET / -> 200 OK>');
});

test('client.get() describes the request it sent', async (t) => {
  const response = await new Client(helloApp).get('/a b', { query: { q: '1' } });
  t.deepEqual(response.request, {
    method: 'GET',
    url: 'http://localhost/a%20b?q=1',
    target: '/a%20b?q=1',
    headers: [['Host', 'localhost']],
    body: null,
  });
});

test('client.post() sends json the app can read', async (t) => {
  const response = await new Client(echoBodyApp).post('/echo', { json: { a: [1, 2] } });
  t.is(response.headers.get('Content-Type'), 'application/json');
  t.deepEqual(response.json(), { a: [1, 2] });
});

test('client.put(), patch(), delete() and options() send their methods', async (t) => {
  const client = new Client(echoEnvironApp);
  for (const [call, method] of [
    [() => client.put('/'), 'PUT'],
    [() => client.patch('/'), 'PATCH'],
    [() => client.delete('/'), 'DELETE'],
    [() => client.options('/'), 'OPTIONS'],
    [() => client.request('PROPFIND', '/'), 'PROPFIND'],
  ] as const) {
    t.is((await call()).json<Record<string, string>>().REQUEST_METHOD, method);
  }
});

test('client.head() runs the app and sends no body, with the Content-Length a GET would get', async (t) => {
  const tracker = closeTracker();
  const response = await new Client(tracker.app(helloApp)).head('/');
  t.is(response.status, 200);
  t.is(response.body.length, 0);
  t.is(response.framing.kind, 'none');
  t.is(response.headers.get('Content-Length'), '12');
  t.is(tracker.count, 1);
});

test('TestResponse.json() on a body that is not JSON throws a SyntaxError quoting it', async (t) => {
  const response = await new Client(helloApp).get('/');
  t.throws(() => response.json(), {
    instanceOf: SyntaxError,
    message: "TestResponse.json(): the body of 200 OK (text/plain; charset=utf-8) is not JSON: 'Hello world!'.",
  });
});

test('new Client() sends its default headers, which a request header replaces', async (t) => {
  const client = new Client(echoEnvironApp, { headers: { Accept: 'application/json', 'X-Team': 'core' } });
  const first = (await client.get('/')).json<Record<string, string>>();
  t.is(first.HTTP_ACCEPT, 'application/json');
  t.is(first.HTTP_X_TEAM, 'core');
  const second = (await client.get('/', { headers: { accept: 'text/html' } })).json<Record<string, string>>();
  t.is(second.HTTP_ACCEPT, 'text/html');
});

test('new Client() validates the app by default: a broken app gets a 500 naming the rule', async (t) => {
  const noContentType: Application = (_environ, startResponse) => {
    startResponse('200 OK', []);
    return [Buffer.from('x')];
  };
  const validated = await new Client(noContentType).get('/');
  t.is(validated.status, 500);
  t.regex(validated.errors, /ProtocolError: validate: .*Content-Type/);
  const unvalidated = await new Client(noContentType, { validate: false }).get('/');
  t.is(unvalidated.status, 200);
  t.is(unvalidated.errors, '');
});

test('response.errors holds what the app wrote to tsgi.errors during that request only', async (t) => {
  const copy = new MemoryErrorStream();
  const client = new Client((environ, startResponse) => {
    environ['tsgi.errors'].write(`seen ${environ.PATH_INFO}\n`);
    return helloApp(environ, startResponse);
  }, { errors: copy });
  t.is((await client.get('/one')).errors, 'seen /one\n');
  t.is((await client.get('/two')).errors, 'seen /two\n');
  t.is(copy.text, 'seen /one\nseen /two\n', 'the errors option gets a copy');
});

test('a failing app gets a 500 and its traceback in response.errors', async (t) => {
  const response = await new Client(recordingApp({ fail: 'before-start' })).get('/');
  t.is(response.status, 500);
  t.is(response.text(), 'A server error occurred. Please contact the administrator.');
  t.regex(response.errors, /recordingApp failed before-start, as scripted\.\n\s+at /);
});

test('an app failing after the first chunk gives an aborted response', async (t) => {
  const recorder = recordingApp({ stream: true, body: ['a', 'b'], fail: 'after-first-chunk' });
  const response = await new Client(recorder).get('/');
  t.true(response.aborted);
  t.is(response.text(), 'a');
  t.is(recorder.lastCall?.closeCount, 1);
});

test('the client keeps cookies and sends them back on matching paths', async (t) => {
  const app = routes({
    '/login': { status: '200 OK', headers: [['Set-Cookie', 'session=abc; Path=/'], ['Set-Cookie', 'cart=1; Path=/shop']] },
    '/logout': { status: '200 OK', headers: [['Set-Cookie', 'session=; Max-Age=0; Path=/']] },
  });
  const recorder = recordingApp();
  const client = new Client((environ, startResponse) => (environ.PATH_INFO.startsWith('/log') ? app : recorder)(environ, startResponse));
  await client.get('/login');
  t.is(client.cookies.get('session')?.value, 'abc');
  await client.get('/account');
  t.is(recorder.lastEnviron?.HTTP_COOKIE, 'session=abc');
  await client.get('/shop/item');
  t.is(recorder.lastEnviron?.HTTP_COOKIE, 'cart=1; session=abc');
  await client.get('/logout');
  await client.get('/account');
  t.false('HTTP_COOKIE' in (recorder.lastEnviron ?? {}));
});

test('the client sends cookies set by hand and keeps none with useCookies: false', async (t) => {
  const recorder = recordingApp();
  const client = new Client(recorder);
  client.cookies.set('theme', 'dark');
  await client.get('/');
  t.is(recorder.lastEnviron?.HTTP_COOKIE, 'theme=dark');
  const forgetful = new Client(routes({ '/': { status: '200 OK', headers: [['Set-Cookie', 'a=1']] } }), { useCookies: false });
  await forgetful.get('/');
  t.is(forgetful.cookies.size, 0);
});

test('the client follows a 302 when asked, keeping the history', async (t) => {
  const client = new Client(routes({ '/old': { status: '302 Found', headers: [['Location', '/new?x=1']] }, '/new': { status: '200 OK' } }));
  const unfollowed = await client.get('/old');
  t.is(unfollowed.status, 302);
  const response = await client.get('/old', { followRedirects: true });
  t.is(response.status, 200);
  t.is(response.text(), 'GET /new?x=1');
  t.deepEqual(response.history.map((hop) => `${hop.status} ${hop.request.url}`), ['302 http://localhost/old']);
  t.is(response.request.url, 'http://localhost/new?x=1');
});

test('the client turns POST into GET without a body after a 303', async (t) => {
  const recorder = recordingApp();
  const client = new Client((environ, startResponse) =>
    environ.PATH_INFO === '/form' ? routes({ '/form': { status: '303 See Other', headers: [['Location', '/done']] } })(environ, startResponse) : recorder(environ, startResponse),
  { followRedirects: true });
  await client.post('/form', { form: { a: '1' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'GET');
  t.false('CONTENT_LENGTH' in (recorder.lastEnviron ?? {}));
  t.false('CONTENT_TYPE' in (recorder.lastEnviron ?? {}));
  t.is(recorder.lastCall?.input.length, 0);
});

test('the client repeats method and body after a 307', async (t) => {
  const recorder = recordingApp();
  const client = new Client((environ, startResponse) =>
    environ.PATH_INFO === '/a' ? routes({ '/a': { status: '307 Temporary Redirect', headers: [['Location', '/b']] } })(environ, startResponse) : recorder(environ, startResponse),
  { followRedirects: true });
  await client.post('/a', { json: { x: 1 } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'POST');
  t.is(recorder.lastEnviron?.CONTENT_TYPE, 'application/json');
  t.is(recorder.lastCall?.input.toString(), '{"x":1}');
});

test('the client detects a redirect loop', async (t) => {
  const client = new Client(routes({
    '/a': { status: '302 Found', headers: [['Location', '/b']] },
    '/b': { status: '302 Found', headers: [['Location', '/a']] },
  }), { followRedirects: true });
  await t.throwsAsync(client.get('/a'), {
    instanceOf: TsgiError,
    message: 'The test client detected a redirect loop: GET http://localhost/a -> GET http://localhost/b -> GET http://localhost/a. Fix the redirects of the application.',
  });
});

test('the client stops after maxRedirects', async (t) => {
  const app: Application = (environ, startResponse) => {
    const n = Number(environ.PATH_INFO.slice(1));
    startResponse('302 Found', [TEXT, ['Location', `/${n + 1}`]]);
    return [];
  };
  await t.throwsAsync(new Client(app, { maxRedirects: 2 }).get('/0', { followRedirects: true }), {
    instanceOf: TsgiError,
    message: 'The test client followed 2 redirects without reaching a final response (last: GET http://localhost/3). Raise maxRedirects or fix the redirects.',
  });
});

test('the client refuses to follow a redirect to another host', async (t) => {
  const client = new Client(routes({ '/': { status: '301 Moved Permanently', headers: [['Location', 'https://elsewhere.example/']] } }));
  await t.throwsAsync(client.get('/', { followRedirects: true }), {
    instanceOf: TsgiError,
    message: "The test client refuses to follow a 301 redirect to an external host: 'https://elsewhere.example/'. It only reaches the application at 'http://localhost'.",
  });
});

test('new Client() mounts the app under the base URL path', async (t) => {
  const client = new Client(echoEnvironApp, { baseUrl: 'https://example.com/app' });
  const environ = (await client.get('/items')).json<Record<string, string>>();
  t.like(environ, { SCRIPT_NAME: '/app', PATH_INFO: '/items', HTTP_HOST: 'example.com', 'tsgi.url_scheme': 'https', HTTPS: 'on', REQUEST_URI: '/app/items' });
  const outside = await client.get('https://example.com/other');
  t.is(outside.status, 404);
  t.is(outside.text(), "Not Found: '/other' is outside the test client's script root '/app'.");
});

test('disconnectAfter makes the client go away; the body is still closed once', async (t) => {
  const recorder = recordingApp({ stream: true, delayMs: 2, body: ['aa', 'bb', 'cc', 'dd'] });
  const response = await new Client(recorder).get('/', { disconnectAfter: 3 });
  t.true(response.aborted);
  t.is(response.text(), 'aabb');
  t.is(recorder.lastCall?.closeCount, 1);
  t.false(recorder.lastCall?.finished);
  t.is(response.errors, '');
});

test('disconnectAfter: 0 goes away as soon as the head arrives', async (t) => {
  const recorder = recordingApp({ stream: true, delayMs: 1, body: ['a', 'b'] });
  const response = await new Client(recorder).get('/', { disconnectAfter: 0 });
  t.true(response.aborted);
  t.is(response.status, 200);
  t.is(recorder.lastCall?.closeCount, 1);
});

test('onBodyChunk consumes the stream with backpressure instead of keeping it', async (t) => {
  const seen: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [TEXT]);
    return (async function* () {
      for (const text of ['a', 'b', 'c']) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        yield Buffer.from(text);
      }
    })();
  };
  const response = await new Client(app).get('/', {
    onBodyChunk: async (chunk) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.push(Buffer.from(chunk).toString());
      inFlight -= 1;
    },
  });
  t.deepEqual(seen, ['a', 'b', 'c']);
  t.is(maxInFlight, 1, 'the app waits for each chunk to be consumed');
  t.is(response.body.length, 0);
  t.is(response.bodyLength, 3);
});

test('the client streams bodyChunks as a chunked upload', async (t) => {
  const recorder = recordingApp();
  await new Client(recorder).post('/', { bodyChunks: [Buffer.from('ab'), Buffer.from('cd')] });
  t.is(recorder.lastCall?.input.toString(), 'abcd');
  t.true(recorder.lastEnviron?.['tsgi.input_terminated']);
});

test('Expect: 100-continue is answered when the app reads the body', async (t) => {
  const client = new Client(echoBodyApp);
  const read = await client.post('/', { body: 'x', headers: { Expect: '100-continue' } });
  t.true(read.continueSent);
  const unread = await new Client(helloApp).post('/', { body: 'x', headers: { Expect: '100-continue' } });
  t.false(unread.continueSent);
});

test('the middleware option validates both sides of the middleware', async (t) => {
  const recorder = recordingApp({ body: ['hi'] });
  const upper: Middleware = (app) => async (environ, startResponse) => {
    const body = await app(environ, startResponse);
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(Buffer.from(chunk).toString().toUpperCase()));
    (body as Body).close?.();
    return chunks;
  };
  const response = await new Client(recorder, { middleware: upper }).get('/');
  t.is(response.text(), 'HI');
  t.is(recorder.lastCall?.closeCount, 1);
});

test('the client throws when a middleware did not close the body below it', async (t) => {
  const leaky: Middleware = (app) => async (environ, startResponse) => {
    const body = await app(environ, startResponse);
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    return chunks; // forgets body.close()
  };
  const error = await t.throwsAsync(new Client(recordingApp(), { middleware: leaky }).get('/leak'), { instanceOf: ProtocolError });
  t.regex(error?.message ?? '', /GET \/leak/);
});

const badConstruction: Array<[label: string, run: () => unknown, message: string]> = [
  ['a non-function app', () => new Client('app' as unknown as Application), "new Client() expects an application (a function); got 'app'."],
  ['options that are not an object', () => new Client(helloApp, 1 as unknown as object), 'new Client() options must be an object; got 1.'],
  ['an unknown option', () => new Client(helloApp, { followRedirect: true } as object), "new Client() got an unknown option 'followRedirect'. Known options: validate, middleware, baseUrl, headers, followRedirects, maxRedirects, useCookies, errors, baseEnviron, serverSoftware, fileWrapper."],
  ['a non-function middleware', () => new Client(helloApp, { middleware: {} as Middleware }), 'new Client() middleware must be a function (app) => app; got an object.'],
  ['a middleware returning nothing', () => new Client(helloApp, { middleware: function broken() { return undefined as unknown as Application; } }), 'new Client() middleware broken must return an application; got undefined.'],
  ['a negative maxRedirects', () => new Client(helloApp, { maxRedirects: -1 }), 'new Client() maxRedirects must be an integer >= 0; got -1.'],
  ['a bad baseUrl', () => new Client(helloApp, { baseUrl: 'localhost' }), "new Client() baseUrl must be an absolute http(s) URL like 'http://localhost/'; got 'localhost'."],
];
for (const [label, run, message] of badConstruction) {
  test(`new Client() rejects ${label} at once`, (t) => {
    t.throws(run, { instanceOf: ImproperlyConfigured, message });
  });
}

test('new Client() rejects a bad default header at once', (t) => {
  t.throws(() => new Client(helloApp, { headers: { 'Bad Name': 'x' } }), {
    instanceOf: TypeError,
    message: "new Client() header name must be an HTTP token like 'X-Token'; got 'Bad Name'.",
  });
});

const badRequests: Array<[label: string, run: (client: Client) => Promise<unknown>, message: string]> = [
  ['a negative disconnectAfter', (client) => client.get('/', { disconnectAfter: -1 }), "Client.get('/') disconnectAfter must be an integer >= 0 (bytes); got -1."],
  ['a non-function onBodyChunk', (client) => client.get('/', { onBodyChunk: 'x' as unknown as () => void }), "Client.get('/') onBodyChunk must be a function; got 'x'."],
  ['an unknown option', (client) => client.post('/', { jsno: {} } as object), "Client.post('/') got an unknown option 'jsno'. Known options: headers, query, body, json, form, bodyChunks, protocol, remoteAddr, remotePort, followRedirects, disconnectAfter, onBodyChunk."],
  ['two bodies', (client) => client.request('PUT', '/', { body: 'a', json: 1 }), "Client.put('/') options body and json cannot be combined; pass only one of body, json, form or bodyChunks."],
  ['an unusual method', (client) => client.request('BREW', '/', { body: 'a', form: {} }), "Client.request('BREW', '/') options body and form cannot be combined; pass only one of body, json, form or bodyChunks."],
];
for (const [label, run, message] of badRequests) {
  test(`client requests reject ${label}`, async (t) => {
    await t.throwsAsync(run(new Client(helloApp)), { instanceOf: TypeError, message });
  });
}

test('a Client describes itself', (t) => {
  t.is(String(new Client(helloApp, { baseUrl: 'http://example.com:8080/app/' })), '<Client http://example.com:8080/app>');
});

test('streamingApp through the client is chunked', async (t) => {
  const response = await new Client(streamingApp(['a', 'b'])).get('/');
  t.is(response.framing.kind, 'chunked');
  t.is(response.text(), 'ab');
});

test('TestResponse.json() quotes only the start of a long body', async (t) => {
  const long = 'x'.repeat(100);
  const response = await new Client(recordingApp({ headers: [], body: [long] }), { validate: false }).get('/');
  t.throws(() => response.json(), {
    instanceOf: SyntaxError,
    message: `TestResponse.json(): the body of 200 OK (no Content-Type) is not JSON: '${'x'.repeat(60)}...'.`,
  });
});

test('a TestResponse describes an aborted response', async (t) => {
  const response = await new Client(recordingApp({ stream: true, body: ['a', 'b'], fail: 'after-first-chunk' })).get('/');
  t.is(String(response), '<TestResponse GET / -> 200 OK (aborted)>');
});

test('the errors option gets flushes too', async (t) => {
  let flushed = 0;
  const copy = { write() {}, writelines() {}, flush() { flushed += 1; } };
  await new Client((environ, startResponse) => {
    environ['tsgi.errors'].writelines(['a\n', 'b\n']);
    environ['tsgi.errors'].flush();
    return helloApp(environ, startResponse);
  }, { errors: copy }).get('/');
  t.is(flushed, 1);
});
