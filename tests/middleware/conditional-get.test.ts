import test from 'ava';
import { conditionalGet } from '../../middleware/conditional-get.js';
import { etag } from '../../middleware/etag.js';
import { compose } from '../../lib/protocol/compose.js';
import { Client, recordingApp } from '../../lib/testing/index.js';
import type { HeaderList } from '../../lib/protocol/types.js';

const LAST_MODIFIED = 'Sun, 06 Nov 1994 08:49:37 GMT';
const HEADERS: HeaderList = [
  ['Content-Type', 'text/plain'],
  ['ETag', '"v1"'],
  ['Last-Modified', LAST_MODIFIED],
  ['Cache-Control', 'max-age=60'],
  ['Vary', 'Accept'],
  ['X-Other', 'dropped on 304'],
];

function setup(response: Parameters<typeof recordingApp>[0] = {}) {
  const recorder = recordingApp({ headers: HEADERS, body: ['hello'], stream: true, ...response });
  const client = new Client(recorder, { middleware: conditionalGet() });
  return { recorder, client };
}

const notModified: Array<[label: string, headers: Record<string, string>]> = [
  ['If-None-Match with the same tag', { 'If-None-Match': '"v1"' }],
  ['If-None-Match with a weak form of the tag (weak comparison)', { 'If-None-Match': 'W/"v1"' }],
  ['If-None-Match with a list holding the tag', { 'If-None-Match': '"v0", "v1"' }],
  ['If-None-Match: *', { 'If-None-Match': '*' }],
  ['If-Modified-Since equal to Last-Modified', { 'If-Modified-Since': LAST_MODIFIED }],
  ['If-Modified-Since later than Last-Modified', { 'If-Modified-Since': 'Mon, 07 Nov 1994 08:49:37 GMT' }],
  ['If-Modified-Since in RFC 850 form', { 'If-Modified-Since': 'Sunday, 06-Nov-94 08:49:37 GMT' }],
  ['If-Modified-Since in asctime form', { 'If-Modified-Since': 'Sun Nov  6 08:49:37 1994' }],
];
for (const [label, headers] of notModified) {
  test(`conditionalGet() answers 304 to ${label}`, async (t) => {
    const { recorder, client } = setup();
    const response = await client.get('/x', { headers });
    t.is(response.status, 304);
    t.is(response.bodyLength, 0);
    t.is(response.headers.get('ETag'), '"v1"');
    t.is(response.headers.get('Cache-Control'), 'max-age=60');
    t.is(response.headers.get('Vary'), 'Accept');
    t.is(response.headers.get('Last-Modified'), LAST_MODIFIED);
    t.is(response.headers.get('Content-Type'), undefined);
    t.is(response.headers.get('X-Other'), undefined);
    t.is(recorder.lastCall?.chunksSent, 0);
    t.is(recorder.lastCall?.closeCount, 1);
  });
}

const passes: Array<[label: string, headers: Record<string, string>]> = [
  ['If-None-Match with another tag', { 'If-None-Match': '"v2"' }],
  ['If-Modified-Since older than Last-Modified', { 'If-Modified-Since': 'Sat, 05 Nov 1994 08:49:37 GMT' }],
  ['an invalid If-Modified-Since (ignored)', { 'If-Modified-Since': 'yesterday' }],
  ['a malformed If-None-Match (ignored members)', { 'If-None-Match': 'v1, "unterminated' }],
  ['If-Modified-Since that would match, beside a non-matching If-None-Match', { 'If-None-Match': '"v2"', 'If-Modified-Since': LAST_MODIFIED }],
  ['If-Match with the same strong tag', { 'If-Match': '"v1"' }],
  ['If-Match: *', { 'If-Match': '*' }],
  ['If-Unmodified-Since equal to Last-Modified', { 'If-Unmodified-Since': LAST_MODIFIED }],
];
for (const [label, headers] of passes) {
  test(`conditionalGet() passes the response through for ${label}`, async (t) => {
    const { recorder, client } = setup({ body: ['a', 'b'] });
    const chunks: string[] = [];
    const response = await client.get('/x', { headers, onBodyChunk: (chunk) => void chunks.push(Buffer.from(chunk).toString()) });
    t.is(response.status, 200);
    t.deepEqual(chunks, ['a', 'b']);
    t.is(response.headers.get('X-Other'), 'dropped on 304');
    t.true(recorder.lastCall?.closed);
  });
}

const failed: Array<[label: string, method: string, headers: Record<string, string>]> = [
  ['If-Match with another tag', 'GET', { 'If-Match': '"v2"' }],
  ['If-Match with the weak form (strong comparison)', 'GET', { 'If-Match': 'W/"v1"' }],
  ['If-Unmodified-Since older than Last-Modified', 'GET', { 'If-Unmodified-Since': 'Sat, 05 Nov 1994 08:49:37 GMT' }],
  ['If-None-Match matching on a PUT', 'PUT', { 'If-None-Match': '"v1"' }],
  ['If-Match failing before If-None-Match is looked at', 'GET', { 'If-Match': '"v2"', 'If-None-Match': '"v1"' }],
];
for (const [label, method, headers] of failed) {
  test(`conditionalGet() answers 412 to ${label}`, async (t) => {
    const { recorder, client } = setup();
    const response = await client.request(method, '/x', { headers });
    t.is(response.status, 412);
    t.is(response.text(), 'Precondition Failed\n');
    t.is(response.headers.get('ETag'), undefined);
    t.is(recorder.lastCall?.chunksSent, 0);
    t.is(recorder.lastCall?.closeCount, 1);
  });
}

test('conditionalGet() ignores If-Modified-Since on a POST', async (t) => {
  const { client } = setup();
  const response = await client.post('/x', { headers: { 'If-Modified-Since': LAST_MODIFIED } });
  t.is(response.status, 200);
});

test('conditionalGet() leaves a non-2xx response alone', async (t) => {
  const { client } = setup({ status: '404 Not Found' });
  const response = await client.get('/x', { headers: { 'If-None-Match': '"v1"' } });
  t.is(response.status, 404);
  t.is(response.text(), 'hello');
});

test('conditionalGet() answers 304 when the body calls startResponse, pulling only its first chunk', async (t) => {
  const { recorder, client } = setup({ startInBody: true, body: ['a', 'b', 'c'] });
  const response = await client.get('/x', { headers: { 'If-None-Match': '"v1"' } });
  t.is(response.status, 304);
  t.is(response.bodyLength, 0);
  t.is(recorder.lastCall?.chunksSent, 1);
  t.is(recorder.lastCall?.closeCount, 1);
});

test('conditionalGet() answers 412 for a body that calls startResponse late', async (t) => {
  const { recorder, client } = setup({ startInBody: true });
  const response = await client.get('/x', { headers: { 'If-Match': '"nope"' } });
  t.is(response.status, 412);
  t.is(response.text(), 'Precondition Failed\n');
  t.is(recorder.lastCall?.closeCount, 1);
});

test('conditionalGet() drops data the application writes to a 304', async (t) => {
  const { client } = setup({ stream: false, write: ['written'] });
  const response = await client.get('/x', { headers: { 'If-None-Match': '"v1"' } });
  t.is(response.status, 304);
  t.is(response.bodyLength, 0);
});

test('conditionalGet() with a HEAD answers 304', async (t) => {
  const { client } = setup();
  const response = await client.head('/x', { headers: { 'If-None-Match': '"v1"' } });
  t.is(response.status, 304);
});

test('conditionalGet() passes a request without preconditions straight through', async (t) => {
  const { recorder, client } = setup({ body: ['a', 'b'] });
  const response = await client.get('/x');
  t.is(response.text(), 'ab');
  t.true(recorder.lastCall?.closed);
});

test('compose(conditionalGet(), etag()) revalidates an array body by its computed tag', async (t) => {
  const recorder = recordingApp({ body: ['page'] });
  // The recorder's non-stream body is a plain iterable; an array body is what etag() hashes.
  const arrayApp = Object.assign(
    async (...args: Parameters<typeof recorder>) => {
      const body = await recorder(...args);
      return Object.assign([...(body as Iterable<Uint8Array>)], { close: () => body.close?.() });
    },
  );
  const client = new Client(arrayApp, { middleware: compose(conditionalGet(), etag()) });
  const first = await client.get('/x');
  const tag = first.headers.get('ETag');
  t.regex(tag ?? '', /^W\/"[A-Za-z0-9_-]{27}"$/);
  const second = await client.get('/x', { headers: { 'If-None-Match': tag! } });
  t.is(second.status, 304);
  t.is(second.headers.get('ETag'), tag);
  t.is(recorder.lastCall?.closeCount, 1);
});

test('conditionalGet() rejects an unknown option', (t) => {
  t.throws(() => conditionalGet({ weak: true } as never), {
    message: "conditionalGet() got an unknown option 'weak'. It takes no options yet.",
  });
});
