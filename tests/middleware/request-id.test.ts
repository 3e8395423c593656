import test from 'ava';
import { getRequestId, requestId, type RequestIdOptions } from '../../middleware/request-id.js';
import type { Application } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp } from '../../lib/testing/recording-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function setup(options: RequestIdOptions = {}) {
  const recorder = recordingApp({ stream: true, body: ['a', 'b'] });
  const client = new Client(recorder, { middleware: requestId(options) });
  return { recorder, client };
}

test('requestId() generates a UUID, puts it in the environ and the response, streaming the body through', async (t) => {
  const { recorder, client } = setup();
  const chunks: string[] = [];
  const response = await client.get('/', { onBodyChunk: (chunk) => void chunks.push(Buffer.from(chunk).toString()) });
  const id = recorder.lastEnviron?.['tsgi.request_id'];
  t.regex(id ?? '', UUID);
  t.is(response.headers.get('X-Request-ID'), id);
  t.deepEqual(chunks, ['a', 'b']);
  t.true(recorder.lastCall?.closed);
});

test('requestId() makes a new id for every request', async (t) => {
  const { client } = setup();
  const first = await client.get('/');
  const second = await client.get('/');
  t.not(first.headers.get('X-Request-ID'), second.headers.get('X-Request-ID'));
});

test('requestId() reuses a well-formed incoming id', async (t) => {
  const { recorder, client } = setup();
  const response = await client.get('/', { headers: { 'X-Request-Id': 'abc-123_x.y~z+/=' } });
  t.is(recorder.lastEnviron?.['tsgi.request_id'], 'abc-123_x.y~z+/=');
  t.is(response.headers.get('X-Request-ID'), 'abc-123_x.y~z+/=');
});

const rejected: Array<[label: string, value: string]> = [
  ['an id with a space', 'abc def'],
  ['an id with a quote', 'abc"def'],
  ['an id with a non-ASCII byte', 'caf\xc3\xa9'],
  ['an id that is too long', 'a'.repeat(201)],
  ['an id with a semicolon', 'a;b'],
];

for (const [label, value] of rejected) {
  test(`requestId() replaces ${label} with a new one`, async (t) => {
    const { recorder, client } = setup();
    const response = await client.get('/', { headers: [['X-Request-ID', value]] });
    t.regex(recorder.lastEnviron?.['tsgi.request_id'] ?? '', UUID);
    t.regex(response.headers.get('X-Request-ID') ?? '', UUID);
  });
}

test('requestId() accepts an id of exactly 200 characters', async (t) => {
  const { recorder, client } = setup();
  await client.get('/', { headers: { 'X-Request-ID': 'a'.repeat(200) } });
  t.is(recorder.lastEnviron?.['tsgi.request_id'], 'a'.repeat(200));
});

test('requestId({ header, generate, accept }) uses them', async (t) => {
  let n = 0;
  const { recorder, client } = setup({ header: 'X-Correlation-ID', generate: () => `id-${++n}`, accept: /^[0-9]+$/ });
  const generated = await client.get('/', { headers: { 'X-Correlation-ID': 'abc' } });
  t.is(generated.headers.get('X-Correlation-ID'), 'id-1');
  t.is(generated.headers.get('X-Request-ID'), undefined);
  const reused = await client.get('/', { headers: { 'X-Correlation-ID': '42' } });
  t.is(reused.headers.get('X-Correlation-ID'), '42');
  t.is(recorder.lastEnviron?.['tsgi.request_id'], '42');
});

test('requestId({ accept }) must match the whole id, not part of it', async (t) => {
  const { recorder, client } = setup({ accept: /[0-9]+/, generate: () => 'new' });
  await client.get('/', { headers: { 'X-Request-ID': '12 bad' } });
  t.is(recorder.lastEnviron?.['tsgi.request_id'], 'new');
});

test('requestId({ accept: /(?!)/ }) always generates', async (t) => {
  const { recorder, client } = setup({ accept: /(?!)/, generate: () => 'fresh' });
  await client.get('/', { headers: { 'X-Request-ID': 'abc' } });
  t.is(recorder.lastEnviron?.['tsgi.request_id'], 'fresh');
});

test('requestId() keeps an X-Request-ID the application set itself', async (t) => {
  const app: Application = (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['x-request-id', `app-${getRequestId(environ)}`]]);
    return [];
  };
  const client = new Client(app, { middleware: requestId({ generate: () => 'g' }) });
  const response = await client.get('/');
  t.deepEqual(response.headers.getAll('X-Request-ID'), ['app-g']);
});

test('getRequestId() is undefined outside requestId()', (t) => {
  t.is(getRequestId({} as never), undefined);
});

test('requestId() fails the request when generate returns something that cannot be a header', async (t) => {
  const { recorder, client } = setup({ generate: () => 'bad\nid' });
  const response = await client.get('/');
  t.is(response.status, 500);
  t.regex(response.errors, /requestId\(\) option generate returned 'bad\\nid'; it must return a non-empty string of printable ASCII, without spaces at either end\./);
  t.is(recorder.calls.length, 0);
});

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['options that are not an object', 'X-Id', "requestId() options must be an object; got 'X-Id'."],
  ['an unknown option', { headers: 'X' }, "requestId() got an unknown option 'headers'. Known options: header, generate, accept."],
  ['a header that is not a token', { header: 'X Id' }, "requestId() option header must be a header name (an RFC 9110 token); got 'X Id'."],
  ['a header with an underscore', { header: 'X_Id' }, "requestId() option header 'X_Id' contains '_'; servers drop such request headers (SPEC §4.10). Use '-'."],
  ['generate that is not a function', { generate: 'uuid' }, "requestId() option generate must be a function returning a new id; got 'uuid'."],
  ['accept that is not a RegExp', { accept: '^a$' }, "requestId() option accept must be a RegExp matching a whole acceptable id; got '^a$'."],
  ['accept with the g flag', { accept: /^a$/g }, 'requestId() option accept /^a$/g has the g or y flag, which makes matches depend on the previous one. Remove the flag.'],
];

for (const [label, options, message] of badOptions) {
  test(`requestId() rejects ${label} at once`, (t) => {
    t.throws(() => requestId(options as RequestIdOptions), { instanceOf: TypeError, message });
  });
}
