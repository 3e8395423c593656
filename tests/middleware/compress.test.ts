import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import test from 'ava';
import { compress, isCompressible } from '../../middleware/compress.js';
import { negotiate } from '../../middleware/_internal/compress-encoder.js';
import { Client, recordingApp } from '../../lib/testing/index.js';
import type { Application, Body, HeaderList } from '../../lib/protocol/types.js';

const TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(100); // 4500 bytes
const TEXT_HEADERS: HeaderList = [['Content-Type', 'text/plain; charset=utf-8']];

function arrayApp(headers: HeaderList = TEXT_HEADERS, chunks = [TEXT], status = '200 OK'): Application & { closed: number } {
  const app = ((_environ, startResponse) => {
    startResponse(status, headers.map(([name, value]) => [name, value]));
    return Object.assign(chunks.map((chunk) => Buffer.from(chunk)), { close: () => void (app.closed += 1) }) as Body;
  }) as Application & { closed: number };
  app.closed = 0;
  return app;
}

const decoders = { gzip: gunzipSync, deflate: inflateSync, br: brotliDecompressSync } as const;

for (const encoding of ['gzip', 'deflate', 'br'] as const) {
  test(`compress() encodes a streamed body with ${encoding}, chunk by chunk`, async (t) => {
    const recorder = recordingApp({ body: [TEXT, TEXT, TEXT], stream: true, headers: [...TEXT_HEADERS, ['ETag', '"v1"']] });
    const client = new Client(recorder, { middleware: compress() });
    const chunks: Buffer[] = [];
    const response = await client.get('/x', {
      headers: { 'Accept-Encoding': encoding },
      onBodyChunk: (chunk) => void chunks.push(Buffer.from(chunk)),
    });
    t.is(response.headers.get('Content-Encoding'), encoding);
    t.is(response.headers.get('Vary'), 'Accept-Encoding');
    t.is(response.headers.get('ETag'), 'W/"v1"');
    t.is(response.headers.get('Content-Length'), undefined);
    t.true(chunks.length >= 3, 'one output chunk per input chunk (flushed), plus the end');
    t.is(decoders[encoding](Buffer.concat(chunks)).toString(), TEXT.repeat(3));
    t.true(recorder.lastCall?.closed);
  });
}

test('compress() encodes an array body at once and keeps it an array (Content-Length computed)', async (t) => {
  const app = arrayApp([...TEXT_HEADERS, ['Content-Length', String(TEXT.length)]]);
  const client = new Client(app, { middleware: compress() });
  const response = await client.get('/x', { headers: { 'Accept-Encoding': 'gzip' } });
  t.is(response.headers.get('Content-Encoding'), 'gzip');
  t.is(response.headers.get('Content-Length'), String(response.bodyLength));
  t.true(response.bodyLength < TEXT.length);
  t.is(gunzipSync(response.body).toString(), TEXT);
  t.is(app.closed, 1);
});

const negotiation: Array<[header: string | undefined, expected: string | undefined]> = [
  [undefined, undefined],
  ['gzip', 'gzip'],
  ['x-gzip', 'gzip'],
  ['gzip, br', 'br'],
  ['gzip;q=1, br;q=0.5', 'gzip'],
  ['br;q=0, gzip;q=0.1', 'gzip'],
  ['*', 'br'],
  ['*;q=0.5, br;q=0', 'gzip'],
  ['identity', undefined],
  ['identity;q=0', undefined],
  ['gzip;q=0', undefined],
  ['gzip;q=abc', undefined],
  ['GZIP ; Q=0.8', 'gzip'],
  [',,;q=1, deflate', 'deflate'],
];
for (const [header, expected] of negotiation) {
  test(`negotiate(${JSON.stringify(header)}) chooses ${String(expected)}`, (t) => {
    t.is(negotiate(header, ['br', 'gzip', 'deflate']) as string | undefined, expected);
  });
}

test('compress({ encodings }) breaks ties in the server order', async (t) => {
  const client = new Client(arrayApp(), { middleware: compress({ encodings: ['gzip', 'br'] }) });
  const response = await client.get('/x', { headers: { 'Accept-Encoding': 'br, gzip' } });
  t.is(response.headers.get('Content-Encoding'), 'gzip');
});

const skips: Array<[label: string, headers: HeaderList, status?: string]> = [
  ['an already encoded body', [...TEXT_HEADERS, ['Content-Encoding', 'br']]],
  ['Cache-Control: no-transform', [...TEXT_HEADERS, ['Cache-Control', 'public, no-transform']]],
  ['an image', [['Content-Type', 'image/png']]],
  ['a 206', [...TEXT_HEADERS, ['Content-Range', `bytes 0-${TEXT.length - 1}/9999`]], '206 Partial Content'],
  ['a small declared length', [...TEXT_HEADERS, ['Content-Length', '4500']]],
];
for (const [label, headers, status] of skips) {
  test(`compress() sends ${label} as it is`, async (t) => {
    const client = new Client(arrayApp(headers, [TEXT], status), { middleware: compress({ threshold: label.includes('small') ? 5000 : 1024 }) });
    const response = await client.get('/x', { headers: { 'Accept-Encoding': 'gzip' } });
    t.is(response.text(), TEXT);
    t.deepEqual(response.headers.getAll('Content-Encoding'), headers.filter(([name]) => name === 'Content-Encoding').map(([, value]) => value));
  });
}

test('compress() sends a streamed body below the threshold as it is, with Vary', async (t) => {
  const recorder = recordingApp({ body: ['a', 'b'], stream: true });
  const client = new Client(recorder, { middleware: compress() });
  const response = await client.get('/x', { headers: { 'Accept-Encoding': 'gzip' } });
  t.is(response.text(), 'ab');
  t.is(response.headers.get('Content-Encoding'), undefined);
  t.is(response.headers.get('Vary'), 'Accept-Encoding');
  t.true(recorder.lastCall?.closed);
});

test('compress() buffers a stream only up to the threshold', async (t) => {
  const recorder = recordingApp({ body: ['x'.repeat(600), 'y'.repeat(600), 'z'.repeat(600)], stream: true });
  const client = new Client(recorder, { middleware: compress() });
  const response = await client.get('/x', { headers: { 'Accept-Encoding': 'gzip' } });
  t.is(response.headers.get('Content-Encoding'), 'gzip');
  t.is(gunzipSync(response.body).toString(), 'x'.repeat(600) + 'y'.repeat(600) + 'z'.repeat(600));
});

test('compress() merges Vary, and leaves Vary: * alone', async (t) => {
  const merged = await new Client(arrayApp([...TEXT_HEADERS, ['Vary', 'Accept']]), { middleware: compress() }).get('/x');
  t.deepEqual(merged.headers.getAll('Vary'), ['Accept, Accept-Encoding']);
  const star = await new Client(arrayApp([...TEXT_HEADERS, ['Vary', '*']]), { middleware: compress() }).get('/x');
  t.deepEqual(star.headers.getAll('Vary'), ['*']);
  const image = await new Client(arrayApp([['Content-Type', 'image/png']]), { middleware: compress() }).get('/x');
  t.is(image.headers.get('Vary'), undefined);
});

test('compress() skips HEAD and 304, keeping Vary for HEAD', async (t) => {
  const client = new Client(arrayApp(), { middleware: compress() });
  const headResponse = await client.head('/x', { headers: { 'Accept-Encoding': 'gzip' } });
  t.is(headResponse.headers.get('Content-Encoding'), undefined);
  t.is(headResponse.headers.get('Vary'), 'Accept-Encoding');
  const notModified = new Client(arrayApp([], [], '304 Not Modified'), { middleware: compress() });
  const response = await notModified.get('/x', { headers: { 'Accept-Encoding': 'gzip' } });
  t.is(response.status, 304);
  t.is(response.headers.get('Content-Encoding'), undefined);
});

test('compress() passes write() data through uncompressed', async (t) => {
  const recorder = recordingApp({ write: [TEXT], body: [TEXT] });
  const client = new Client(recorder, { middleware: compress() });
  const response = await client.get('/x', { headers: { 'Accept-Encoding': 'gzip' } });
  t.is(response.text(), TEXT + TEXT);
  t.is(response.headers.get('Content-Encoding'), undefined);
});

test('compress() handles a body that calls startResponse while iterated', async (t) => {
  const recorder = recordingApp({ body: [TEXT], stream: true, startInBody: true });
  const client = new Client(recorder, { middleware: compress() });
  const response = await client.get('/x', { headers: { 'Accept-Encoding': 'deflate' } });
  t.is(inflateSync(response.body).toString(), TEXT);
});

test('compress() closes the inner body when the client goes away mid-stream', async (t) => {
  const recorder = recordingApp({ body: [TEXT, TEXT, TEXT, TEXT], stream: true });
  const client = new Client(recorder, { middleware: compress() });
  const response = await client.get('/x', { headers: { 'Accept-Encoding': 'gzip' }, disconnectAfter: 10 });
  t.true(response.aborted);
  t.is(recorder.lastCall?.closeCount, 1);
  t.false(recorder.lastCall?.finished);
});

// Serial: ava runs serial tests before the concurrent ones, so their allocations do not count.
test.serial('compress() keeps memory flat for a 64 MiB stream', async (t) => {
  const CHUNK = 64 * 1024;
  const COUNT = 1024;
  // Base64 of random bytes: compresses by about a quarter, so buffered output would show.
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      for (let index = 0; index < COUNT; index++) yield Buffer.from(randomBytes((CHUNK / 4) * 3).toString('base64'));
    })();
  };
  const client = new Client(app, { middleware: compress({ level: 1 }) });
  // Measured after a collection, so garbage not yet collected does not count: only what is
  // retained. A Buffer's memory is given back by a finalizer after the collection, so the
  // reading waits a turn of the event loop and collects again before it counts.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const used = async (): Promise<number> => {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const memory = process.memoryUsage();
    return memory.heapUsed + memory.arrayBuffers;
  };
  const before = await used();
  let peak = before;
  let received = 0;
  let chunks = 0;
  const response = await client.get('/big', {
    headers: { 'Accept-Encoding': 'gzip' },
    onBodyChunk: async (chunk) => {
      received += chunk.length;
      if (++chunks % 128 === 0) peak = Math.max(peak, await used());
    },
  });
  t.is(response.headers.get('Content-Encoding'), 'gzip');
  t.true(received > 32 * 1024 * 1024, `received ${received} bytes`);
  t.log(`retained memory grew by ${((peak - before) / 1048576).toFixed(1)} MiB at most`);
  // Buffering the output would retain ~48 MiB; measured, it stays under 1 MiB.
  t.true(peak - before < 8 * 1024 * 1024, `grew by ${((peak - before) / 1048576).toFixed(1)} MiB`);
});

test('isCompressible() takes text-like types and leaves the rest', (t) => {
  for (const type of ['text/html; charset=utf-8', 'application/json', 'application/ld+json', 'image/svg+xml', 'application/wasm', 'text/javascript']) t.true(isCompressible(type), type);
  for (const type of ['image/png', 'video/mp4', 'application/zip', 'text/event-stream', 'application/octet-stream']) t.false(isCompressible(type), type);
});

test('compress({ compressible }) decides by the given function', async (t) => {
  const client = new Client(arrayApp([['Content-Type', 'application/octet-stream']]), { middleware: compress({ compressible: () => true }) });
  const response = await client.get('/x', { headers: { 'Accept-Encoding': 'gzip' } });
  t.is(response.headers.get('Content-Encoding'), 'gzip');
});

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['an unknown coding', { encodings: ['gzip', 'zstd'] }, "compress() option encodings must be a non-empty array of 'br', 'gzip', 'deflate'; got 'zstd'."],
  ['no codings', { encodings: [] }, "compress() option encodings must be a non-empty array of 'br', 'gzip', 'deflate'; got an array of length 0."],
  ['a negative threshold', { threshold: -1 }, 'compress() option threshold must be an integer from 0 to 9007199254740991; got -1.'],
  ['a level of 10', { level: 10 }, 'compress() option level must be an integer from 0 to 9; got 10.'],
  ['a brotliQuality of 1.5', { brotliQuality: 1.5 }, 'compress() option brotliQuality must be an integer from 0 to 11; got 1.5.'],
  ['a compressible that is a RegExp', { compressible: /text/ }, 'compress() option compressible must be a function (contentType) => boolean; got a RegExp.'],
  ['an unknown option', { gzip: true }, "compress() got an unknown option 'gzip'. Known options: encodings, threshold, compressible, level, brotliQuality."],
];
for (const [label, options, message] of badOptions) {
  test(`compress() rejects ${label}`, (t) => {
    t.throws(() => compress(options as never), { message });
  });
}
