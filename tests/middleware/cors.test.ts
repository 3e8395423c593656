import test from 'ava';
import { cors, type CorsOptions } from '../../middleware/cors.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp, type RecordingResponse } from '../../lib/testing/recording-app.js';

const SITE = 'https://app.example.com';

function setup(options: CorsOptions, response: RecordingResponse = {}) {
  const recorder = recordingApp(response);
  const client = new Client(recorder, { middleware: cors(options) });
  return { recorder, client };
}

const preflightHeaders = (origin: string, extra: Record<string, string> = {}) => ({
  headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', ...extra },
});

test('cors() with the defaults allows any origin with *', async (t) => {
  const { recorder, client } = setup({});
  const response = await client.get('/x', { headers: { Origin: SITE } });
  t.is(response.status, 200);
  t.is(response.headers.get('Access-Control-Allow-Origin'), '*');
  t.false(response.headers.has('Access-Control-Allow-Credentials'));
  t.false(response.headers.has('Vary'));
  t.is(recorder.calls.length, 1);
  t.true(recorder.lastCall?.closed);
});

test('cors() leaves a request without Origin alone, apart from Vary when the answer depends on it', async (t) => {
  const open = await setup({}).client.get('/x');
  t.false(open.headers.has('Access-Control-Allow-Origin'));
  t.false(open.headers.has('Vary'));
  const listed = await setup({ origins: [SITE] }).client.get('/x');
  t.false(listed.headers.has('Access-Control-Allow-Origin'));
  t.is(listed.headers.get('Vary'), 'Origin');
});

test('cors({ origins: [...] }) reflects a listed origin and adds Vary: Origin', async (t) => {
  const { client } = setup({ origins: [SITE, 'http://localhost:8080'] });
  const response = await client.get('/x', { headers: { Origin: 'http://localhost:8080' } });
  t.is(response.headers.get('Access-Control-Allow-Origin'), 'http://localhost:8080');
  t.is(response.headers.get('Vary'), 'Origin');
});

test('cors() gives a disallowed origin no CORS headers but still calls the app for a simple request', async (t) => {
  const { recorder, client } = setup({ origins: [SITE], credentials: true, exposedHeaders: ['X-Total'] });
  const response = await client.post('/x', { headers: { Origin: 'https://evil.example' }, body: 'data' });
  t.is(response.status, 200);
  t.is(response.text(), 'OK');
  t.is(recorder.lastCall?.input.toString(), 'data');
  t.deepEqual(
    response.headers.keys().filter((name) => name.toLowerCase().startsWith('access-control-')),
    [],
  );
  t.is(response.headers.get('Vary'), 'Origin');
});

test('cors() matches origins exactly: a prefix, another scheme or a port do not match', async (t) => {
  const { client } = setup({ origins: [SITE] });
  for (const origin of [`${SITE}.evil.com`, 'http://app.example.com', `${SITE}:8443`, `${SITE}/`]) {
    const response = await client.get('/x', { headers: { Origin: origin } });
    t.false(response.headers.has('Access-Control-Allow-Origin'), origin);
  }
});

test('cors({ origins: RegExp }) tests the origin, never matches null', async (t) => {
  const { client } = setup({ origins: /^https:\/\/[a-z]+\.example\.com$/ });
  const ok = await client.get('/x', { headers: { Origin: SITE } });
  t.is(ok.headers.get('Access-Control-Allow-Origin'), SITE);
  const no = await client.get('/x', { headers: { Origin: 'https://example.org' } });
  t.false(no.headers.has('Access-Control-Allow-Origin'));
  const nul = await setup({ origins: /.*/ }).client.get('/x', { headers: { Origin: 'null' } });
  t.false(nul.headers.has('Access-Control-Allow-Origin'));
});

test('cors({ origins: fn }) asks the function with the origin and the environ', async (t) => {
  const seen: string[] = [];
  const { client } = setup({
    origins: (origin, environ) => {
      seen.push(`${origin} ${environ.PATH_INFO}`);
      return origin.endsWith('.example.com');
    },
  });
  const ok = await client.get('/p', { headers: { Origin: SITE } });
  t.is(ok.headers.get('Access-Control-Allow-Origin'), SITE);
  const no = await client.get('/q', { headers: { Origin: 'https://other.org' } });
  t.false(no.headers.has('Access-Control-Allow-Origin'));
  t.deepEqual(seen, [`${SITE} /p`, 'https://other.org /q']);
});

test("cors() allows the 'null' origin only when listed", async (t) => {
  const listed = await setup({ origins: ['null'] }).client.get('/x', { headers: { Origin: 'null' } });
  t.is(listed.headers.get('Access-Control-Allow-Origin'), 'null');
  const unlisted = await setup({ origins: [SITE] }).client.get('/x', { headers: { Origin: 'null' } });
  t.false(unlisted.headers.has('Access-Control-Allow-Origin'));
});

test("cors({ origins: '*', credentials: true }) reflects the origin, never sends *, and refuses null", async (t) => {
  const { client } = setup({ credentials: true });
  const response = await client.get('/x', { headers: { Origin: SITE } });
  t.is(response.headers.get('Access-Control-Allow-Origin'), SITE);
  t.is(response.headers.get('Access-Control-Allow-Credentials'), 'true');
  t.is(response.headers.get('Vary'), 'Origin');
  const nul = await client.get('/x', { headers: { Origin: 'null' } });
  t.false(nul.headers.has('Access-Control-Allow-Origin'));
});

test('cors() ignores a malformed Origin with characters it could not echo', async (t) => {
  const { client } = setup({ credentials: true });
  const response = await client.get('/x', { headers: { Origin: 'https://a b.example' } });
  t.false(response.headers.has('Access-Control-Allow-Origin'));
});

test('cors() answers a preflight itself, without calling the app', async (t) => {
  const { recorder, client } = setup({ origins: [SITE], maxAge: 600 });
  const response = await client.options('/x', preflightHeaders(SITE, { 'Access-Control-Request-Headers': 'content-type, x-token' }));
  t.is(response.statusLine, '204 No Content');
  t.is(recorder.calls.length, 0);
  t.is(response.headers.get('Access-Control-Allow-Origin'), SITE);
  t.is(response.headers.get('Access-Control-Allow-Methods'), 'GET, HEAD, PUT, PATCH, POST, DELETE');
  t.is(response.headers.get('Access-Control-Allow-Headers'), 'content-type, x-token');
  t.is(response.headers.get('Access-Control-Max-Age'), '600');
  t.is(response.headers.get('Vary'), 'Origin, Access-Control-Request-Headers');
  t.false(response.headers.has('Content-Type'));
  t.is(response.body.length, 0);
});

test('cors() drops request header names that are not tokens when reflecting them', async (t) => {
  const { client } = setup({});
  const response = await client.options('/x', preflightHeaders(SITE, { 'Access-Control-Request-Headers': 'x-ok, bad name, ,x-two' }));
  t.is(response.headers.get('Access-Control-Allow-Headers'), 'x-ok, x-two');
});

test('cors({ allowedHeaders, methods, credentials }) sends the configured lists on a preflight', async (t) => {
  const { client } = setup({ origins: [SITE], allowedHeaders: ['X-Token'], methods: ['GET', 'PUT'], credentials: true });
  const response = await client.options('/x', preflightHeaders(SITE, { 'Access-Control-Request-Headers': 'x-other' }));
  t.is(response.headers.get('Access-Control-Allow-Headers'), 'X-Token');
  t.is(response.headers.get('Access-Control-Allow-Methods'), 'GET, PUT');
  t.is(response.headers.get('Access-Control-Allow-Credentials'), 'true');
  t.is(response.headers.get('Vary'), 'Origin');
});

test('cors() answers a preflight from a disallowed origin without CORS headers and without the app', async (t) => {
  const { recorder, client } = setup({ origins: [SITE] });
  const response = await client.options('/x', preflightHeaders('https://evil.example'));
  t.is(response.status, 204);
  t.is(recorder.calls.length, 0);
  t.false(response.headers.has('Access-Control-Allow-Origin'));
  t.false(response.headers.has('Access-Control-Allow-Methods'));
});

test('cors({ optionsSuccessStatus: 200 }) answers preflights with 200 and a Content-Type', async (t) => {
  const { client } = setup({ optionsSuccessStatus: 200 });
  const response = await client.options('/x', preflightHeaders(SITE));
  t.is(response.statusLine, '200 OK');
  t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
  t.is(response.headers.get('Content-Length'), '0');
});

test('cors({ preflightContinue: true }) passes the preflight to the app with the headers added', async (t) => {
  const { recorder, client } = setup({ origins: [SITE], preflightContinue: true }, { status: '200 OK' });
  const response = await client.options('/x', preflightHeaders(SITE));
  t.is(recorder.calls.length, 1);
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'OPTIONS');
  t.is(response.headers.get('Access-Control-Allow-Methods'), 'GET, HEAD, PUT, PATCH, POST, DELETE');
  t.is(response.headers.get('Access-Control-Allow-Origin'), SITE);
});

test('cors() treats OPTIONS without Access-Control-Request-Method as an ordinary request', async (t) => {
  const { recorder, client } = setup({ origins: [SITE] });
  const response = await client.options('/x', { headers: { Origin: SITE } });
  t.is(recorder.calls.length, 1);
  t.is(response.status, 200);
  t.is(response.headers.get('Access-Control-Allow-Origin'), SITE);
});

test('cors() merges Origin into the Vary the app sent, and leaves Vary: * alone', async (t) => {
  const headers: Array<[string, string]> = [['Content-Type', 'text/plain'], ['Vary', 'Accept-Encoding']];
  const merged = await setup({ origins: [SITE] }, { headers }).client.get('/x', { headers: { Origin: SITE } });
  t.deepEqual(merged.headers.getAll('Vary'), ['Accept-Encoding, Origin']);
  const already = await setup({ origins: [SITE] }, { headers: [['Content-Type', 'text/plain'], ['Vary', 'origin']] }).client.get('/x', {
    headers: { Origin: SITE },
  });
  t.deepEqual(already.headers.getAll('Vary'), ['origin']);
  const star = await setup({ origins: [SITE] }, { headers: [['Content-Type', 'text/plain'], ['Vary', '*']] }).client.get('/x', {
    headers: { Origin: SITE },
  });
  t.deepEqual(star.headers.getAll('Vary'), ['*']);
});

test('cors() adds Access-Control-Expose-Headers and replaces CORS headers the app set', async (t) => {
  const headers: Array<[string, string]> = [['Content-Type', 'text/plain'], ['Access-Control-Allow-Origin', '*']];
  const { client } = setup({ origins: [SITE], exposedHeaders: ['X-Total', 'ETag'] }, { headers });
  const response = await client.get('/x', { headers: { Origin: SITE } });
  t.deepEqual(response.headers.getAll('Access-Control-Allow-Origin'), [SITE]);
  t.is(response.headers.get('Access-Control-Expose-Headers'), 'X-Total, ETag');
});

test('cors() passes a streamed body through chunk by chunk and closes it', async (t) => {
  const { recorder, client } = setup({ origins: [SITE] }, { stream: true, startInBody: true, body: ['a', 'b', 'c'] });
  const seen: string[] = [];
  const response = await client.get('/x', { headers: { Origin: SITE }, onBodyChunk: (chunk) => void seen.push(Buffer.from(chunk).toString()) });
  t.deepEqual(seen, ['a', 'b', 'c']);
  t.is(response.headers.get('Access-Control-Allow-Origin'), SITE);
  t.true(recorder.lastCall?.closed);
});

test('cors() keeps excInfo working: the replacement response gets the headers too', async (t) => {
  const app = (_environ: unknown, startResponse: (s: string, h: Array<[string, string]>, e?: unknown) => unknown) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], new Error('boom'));
    return [Buffer.from('failed')];
  };
  const client = new Client(app as never, { middleware: cors({ origins: [SITE] }) });
  const response = await client.get('/x', { headers: { Origin: SITE } });
  t.is(response.status, 500);
  t.is(response.headers.get('Access-Control-Allow-Origin'), SITE);
});

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['options not an object', 'x', "cors() options must be an object; got 'x'."],
  [
    'unknown option',
    { origin: '*' },
    "cors() got an unknown option 'origin'. Known options: origins, credentials, methods, allowedHeaders, exposedHeaders, maxAge, preflightContinue, optionsSuccessStatus.",
  ],
  [
    'origin with a trailing slash',
    { origins: ['https://a.example/'] },
    "cors() option origins lists 'https://a.example/', which is not an origin. Give scheme://host[:port] with no path or trailing slash, e.g. 'https://example.com', or 'null'.",
  ],
  [
    'origins of the wrong type',
    { origins: 'https://a.example' },
    "cors() option origins must be '*', an array of origins, a RegExp or a function (origin, environ) => boolean; got 'https://a.example'.",
  ],
  ['credentials not a boolean', { credentials: 'yes' }, "cors() option credentials must be a boolean; got 'yes'."],
  ['methods not an array', { methods: 'GET' }, "cors() option methods must be an array of names; got 'GET'."],
  [
    'header name not a token',
    { allowedHeaders: ['X Token'] },
    "cors() option allowedHeaders lists 'X Token', which is not an HTTP token. Give names like 'X-Request-Id'.",
  ],
  [
    '* with credentials',
    { credentials: true, exposedHeaders: ['*'] },
    "cors() option exposedHeaders lists '*' while credentials is true; browsers take '*' literally on credentialed requests. List the names instead.",
  ],
  ['negative maxAge', { maxAge: -1 }, 'cors() option maxAge must be a whole number of seconds >= 0; got -1.'],
  ['optionsSuccessStatus 201', { optionsSuccessStatus: 201 }, 'cors() option optionsSuccessStatus must be 204 or 200; got 201.'],
];

for (const [label, options, message] of badOptions) {
  test(`cors() rejects bad options at once: ${label}`, (t) => {
    t.throws(() => cors(options as CorsOptions), { instanceOf: ImproperlyConfigured, message });
  });
}
