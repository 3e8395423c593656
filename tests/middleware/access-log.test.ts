import test from 'ava';
import { accessLog, type AccessLogOptions } from '../../middleware/access-log.js';
import { basicAuth } from '../../middleware/basic-auth.js';
import { requestId } from '../../middleware/request-id.js';
import { showExceptions } from '../../middleware/show-exceptions.js';
import { compose } from '../../lib/protocol/compose.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Application, Middleware } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp, type RecordingResponse } from '../../lib/testing/recording-app.js';

// Apache's documentation example: 10/Oct/2000:13:55:36 -0700 is 20:55:36 UTC.
process.env['TZ'] = 'America/Los_Angeles';
const START = Date.UTC(2000, 9, 10, 20, 55, 36);

/** A clock that advances 1234.567 ms between the start and the end of each request. */
function fakeClock(): () => number {
  let calls = 0;
  return () => START + (calls++ % 2) * 1234.567;
}

function memoryStream(): { lines: string[]; write(text: string): void } {
  const lines: string[] = [];
  return { lines, write: (text) => void lines.push(text) };
}

function setup(response: RecordingResponse = {}, options: AccessLogOptions = {}) {
  const stream = memoryStream();
  const recorder = recordingApp(response);
  const client = new Client(recorder, { middleware: accessLog({ stream, now: fakeClock(), ...options }) });
  return { stream, recorder, client };
}

test('accessLog({ format: "common" }) writes the exact Apache common line after the response', async (t) => {
  const { stream, recorder, client } = setup({ body: ['he', 'llo'] }, { format: 'common' });
  const response = await client.get('/a b?x=1');
  t.is(response.text(), 'hello');
  t.deepEqual(stream.lines, ['127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a%20b?x=1 HTTP/1.1" 200 5\n']);
  t.true(recorder.lastCall?.closed);
});

test('accessLog() keeps an array body an array, so the gateway still computes its Content-Length', async (t) => {
  const stream = memoryStream();
  let closed = 0;
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return Object.assign([Buffer.from('he'), Buffer.from('llo')], { close: () => void (closed += 1) });
  };
  const client = new Client(app, { middleware: accessLog({ stream, now: fakeClock(), format: '%(s)s %(b)s' }) });
  const response = await client.get('/');
  t.is(response.headers.get('Content-Length'), '5');
  t.deepEqual(stream.lines, ['200 5\n']);
  t.is(closed, 1);
});

test('accessLog() defaults to the combined format, with "-" for a missing Referer', async (t) => {
  const { stream, client } = setup({ body: ['ok'] });
  await client.get('/', { headers: { 'User-Agent': 'curl/8.5' } });
  t.deepEqual(stream.lines, ['127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2 "-" "curl/8.5"\n']);
});

test('accessLog({ format: "combined" }) logs Referer and User-Agent, escaped as Apache does', async (t) => {
  const { stream, client } = setup({ body: ['ok'] }, { format: 'combined' });
  await client.get('/', { headers: { Referer: 'http://x/"q"', 'User-Agent': 'a\\b' } });
  t.deepEqual(stream.lines, ['127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2 "http://x/\\"q\\"" "a\\\\b"\n']);
});

test('accessLog() escapes bytes outside printable ASCII as \\xhh, so a line cannot be forged', async (t) => {
  const stream = memoryStream();
  const app: Application = (environ, startResponse) => {
    environ.REMOTE_USER = 'ev\nil\xe9';
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [];
  };
  const client = new Client(app, { middleware: accessLog({ stream, now: fakeClock(), format: '%(u)s' }) });
  await client.get('/');
  t.deepEqual(stream.lines, ['ev\\x0ail\\xe9\n']);
});

test('accessLog() shows the REMOTE_USER an inner middleware set, and - for an empty body', async (t) => {
  const stream = memoryStream();
  const app: Application = (environ, startResponse) => {
    environ.REMOTE_USER = 'ada';
    startResponse('204 No Content', []);
    return [];
  };
  const client = new Client(app, { middleware: accessLog({ stream, now: fakeClock(), format: 'common' }) });
  await client.delete('/item');
  t.deepEqual(stream.lines, ['127.0.0.1 - ada [10/Oct/2000:13:55:36 -0700] "DELETE /item HTTP/1.1" 204 -\n']);
});

test('accessLog() with gunicorn atoms fills every atom', async (t) => {
  const format =
    '%(h)s|%(l)s|%(u)s|%(t)s|%(r)s|%(m)s|%(U)s|%(q)s|%(H)s|%(s)s|%(B)s|%(b)s|%(f)s|%(a)s|%(T)s|%(M)s|%(D)s|%(L)s|%(p)s|' +
    '%({x-trace}i)s|%({content-type}i)s|%({x-out}o)s|%({x-missing}o)s|%({SERVER_NAME}e)s|%(X)s|100%%';
  const { stream, client } = setup(
    { body: ['abc'], headers: [['Content-Type', 'text/plain'], ['X-Out', 'yes']] },
    { format },
  );
  await client.post('/p', { query: { a: '1' }, body: 'in', headers: { 'X-Trace': 't1', 'Content-Type': 'text/x', 'User-Agent': 'ua' } });
  t.deepEqual(stream.lines, [
    `127.0.0.1|-|-|[10/Oct/2000:13:55:36 -0700]|POST /p?a=1 HTTP/1.1|POST|/p|a=1|HTTP/1.1|200|3|3|-|ua|1|1234|1234567|1.234567|<${process.pid}>|` +
      't1|text/x|yes|-|localhost|-|100%\n',
  ]);
});

test('accessLog({ format: "json" }) writes one JSON object per line', async (t) => {
  const { stream, client } = setup({ body: ['hello'] }, { format: 'json' });
  await client.get('/caf%C3%A9', { headers: { 'User-Agent': 'ua' } });
  t.is(stream.lines.length, 1);
  t.true(stream.lines[0]?.endsWith('}\n'));
  t.deepEqual(JSON.parse(stream.lines[0] ?? ''), {
    time: '2000-10-10T20:55:36.000Z',
    remote_addr: '127.0.0.1',
    remote_user: null,
    method: 'GET',
    target: '/caf%C3%A9',
    protocol: 'HTTP/1.1',
    status: 200,
    bytes: 5,
    duration_ms: 1234.567,
    referer: null,
    user_agent: 'ua',
    request_id: null,
    aborted: false,
    error: null,
  });
});

test('accessLog() passes a streamed body through chunk by chunk and logs after the last one', async (t) => {
  const { stream, recorder, client } = setup({ stream: true, body: ['a', 'bb', 'ccc'], write: ['w'] }, { format: '%(s)s %(B)s %(X)s' });
  const seen: string[] = [];
  const response = await client.get('/', {
    onBodyChunk: (chunk) => void seen.push(`${Buffer.from(chunk).toString()}:${stream.lines.length}`),
  });
  t.deepEqual(seen, ['w:0', 'a:0', 'bb:0', 'ccc:0']);
  t.is(response.framing.kind, 'chunked');
  t.deepEqual(stream.lines, ['200 7 -\n']);
  t.true(recorder.lastCall?.closed);
});

test('accessLog() marks a request the client abandoned, with the status and the bytes sent', async (t) => {
  const { stream, recorder, client } = setup({ stream: true, body: ['aa', 'bb', 'cc'] }, { format: '%(s)s %(B)s %(X)s' });
  const response = await client.get('/', { disconnectAfter: 2 });
  t.true(response.aborted);
  t.deepEqual(stream.lines, ['200 2 X\n']);
  t.true(recorder.lastCall?.closed);
});

test('accessLog() logs the 500 the server sent when the application threw before its head', async (t) => {
  const { stream, client } = setup({ fail: 'before-start' }, { format: 'json' });
  const response = await client.get('/');
  t.is(response.status, 500);
  const entry = JSON.parse(stream.lines[0] ?? '') as Record<string, unknown>;
  t.is(entry['status'], 500);
  t.is(entry['bytes'], response.bodyLength);
  t.is(entry['aborted'], false);
  t.is(entry['error'], 'Error: recordingApp failed before-start, as scripted.');
});

for (const fail of ['after-start', 'in-iteration'] as const) {
  test(`accessLog() logs a 500 when the application fails ${fail}`, async (t) => {
    const { stream, recorder, client } = setup({ fail, stream: true, body: ['x'] }, { format: '%(s)s %(b)s %(X)s' });
    const response = await client.get('/');
    t.is(response.status, 500);
    t.deepEqual(stream.lines, [`500 ${response.bodyLength} -\n`]);
    if (fail === 'in-iteration') t.true(recorder.lastCall?.closed);
  });
}

test('accessLog() marks a response cut short by a failure after its head', async (t) => {
  const { stream, recorder, client } = setup({ fail: 'after-first-chunk', stream: true, body: ['abc', 'def'] }, { format: '%(s)s %(B)s %(X)s' });
  const response = await client.get('/');
  t.true(response.aborted);
  t.deepEqual(stream.lines, ['200 3 X\n']);
  t.true(recorder.lastCall?.closed);
});

test('accessLog() logs 0 bytes for HEAD, not an abort', async (t) => {
  const { stream, client } = setup({ stream: true, body: ['abc', 'def'] }, { format: '%(r)s %(s)s %(B)s %(X)s' });
  await client.head('/');
  t.deepEqual(stream.lines, ['HEAD / HTTP/1.1 200 0 -\n']);
});

test('accessLog() writes to tsgi.errors when no stream is given', async (t) => {
  const client = new Client(recordingApp({ body: ['ok'] }), { middleware: accessLog({ format: 'common', now: fakeClock() }) });
  const response = await client.get('/x');
  t.is(response.errors, '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 2\n');
});

test('accessLog() never fails the request when the stream throws, and reports it once', async (t) => {
  const stream = {
    write(): never {
      throw new Error('disk full');
    },
  };
  const client = new Client(recordingApp({ body: ['ok'] }), { middleware: accessLog({ stream }) });
  const first = await client.get('/');
  const second = await client.get('/');
  t.is(first.text(), 'ok');
  t.is(second.text(), 'ok');
  t.is(first.errors, 'accessLog: the log stream failed (Error: disk full); lines are lost until it recovers. Reported once.\n');
  t.is(second.errors, '');
});

test('accessLog() reports a stream whose write() rejects', async (t) => {
  const stream = { write: () => Promise.reject(new Error('gone')) };
  const errors = new MemoryErrorStream();
  const client = new Client(recordingApp({ body: ['ok'] }), { middleware: accessLog({ stream }), errors });
  const response = await client.get('/');
  t.is(response.text(), 'ok');
  // The rejection settles after the request; it goes to that request's tsgi.errors, not into the process.
  await new Promise((resolve) => setImmediate(resolve));
  t.is(errors.text, 'accessLog: the log stream failed (Error: gone); lines are lost until it recovers. Reported once.\n');
});

const badOptions: Array<[label: string, options: unknown, error: new (...args: never[]) => Error, message: string]> = [
  ['not an object', 5, TypeError, 'accessLog() options must be an object; got 5.'],
  ['an unknown option', { fromat: 'json' }, TypeError, "accessLog() got an unknown option 'fromat'. Known options: format, stream, now."],
  [
    'an empty format',
    { format: '' },
    ImproperlyConfigured,
    "accessLog() option format must be 'common', 'combined', 'json' or a string of gunicorn atoms; got ''.",
  ],
  [
    'an unknown atom',
    { format: '%(h)s %(z)s' },
    ImproperlyConfigured,
    "accessLog() option format '%(h)s %(z)s' has an unknown atom '%(z)s'. Use 'common', 'combined', 'json' or gunicorn atoms: " +
      '%(h)s %(l)s %(u)s %(t)s %(r)s %(m)s %(U)s %(q)s %(H)s %(s)s %(B)s %(b)s %(f)s %(a)s %(T)s %(M)s %(D)s %(L)s %(p)s %(X)s %({header}i)s %({header}o)s %({key}e)s.',
  ],
  [
    'a lone percent sign',
    { format: '%(h)s 5%' },
    ImproperlyConfigured,
    "accessLog() option format '%(h)s 5%' has an unknown atom '%' at index 7 (write %% for a percent sign). Use 'common', 'combined', 'json' or gunicorn atoms: " +
      '%(h)s %(l)s %(u)s %(t)s %(r)s %(m)s %(U)s %(q)s %(H)s %(s)s %(B)s %(b)s %(f)s %(a)s %(T)s %(M)s %(D)s %(L)s %(p)s %(X)s %({header}i)s %({header}o)s %({key}e)s.',
  ],
  ['a stream without write', { stream: {} }, TypeError, 'accessLog() option stream must have a write(text) method; got an object. Pass process.stdout, a file stream or a logger.'],
  ['a clock that is not a function', { now: 5 }, TypeError, 'accessLog() option now must be a function returning ms since the epoch; got 5.'],
];

for (const [label, options, error, message] of badOptions) {
  test(`accessLog() rejects ${label} at once`, (t) => {
    t.throws(() => accessLog(options as AccessLogOptions), { instanceOf: error, message });
  });
}

test('accessLog() in a stack logs the user, the request id and the 500 of the layers inside it', async (t) => {
  const stream = memoryStream();
  const stack = compose(
    requestId({ generate: () => 'rid-1' }),
    accessLog({ stream, now: fakeClock(), format: '%(u)s %({tsgi.request_id}e)s %(s)s %(X)s' }),
    showExceptions(),
    basicAuth({ realm: 'r', users: { ada: 'pw' } }),
  );
  const client = new Client(recordingApp({ fail: 'after-start' }), { middleware: stack });
  const response = await client.get('/', { headers: { Authorization: `Basic ${Buffer.from('ada:pw').toString('base64')}` } });
  t.is(response.status, 500);
  t.is(response.headers.get('X-Request-ID'), 'rid-1');
  t.deepEqual(stream.lines, ['ada rid-1 500 -\n']);
});

test('accessLog() logs the request line as it arrived, not as an inner layer rewrote it', async (t) => {
  const lines: string[] = [];
  const rewrite: Middleware = (app) => (environ, startResponse) => {
    environ.REQUEST_METHOD = 'PUT';
    environ.SCRIPT_NAME = '/mounted';
    environ.PATH_INFO = '/rest';
    return app(environ, startResponse);
  };
  const recorder = recordingApp({ body: ['ok'] });
  const client = new Client(recorder, {
    middleware: compose(accessLog({ format: '%(r)s %(m)s %(U)s %(q)s', stream: { write: (line: string) => void lines.push(line) } }), rewrite),
  });
  await client.post('/original/path?x=1', { body: 'a=b' });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'PUT');
  t.deepEqual(lines, ['POST /original/path?x=1 HTTP/1.1 POST /original/path x=1\n']);
});
