import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { staticFiles, type StaticFilesOptions } from '../../middleware/static-files.js';
import { Client, recordingApp } from '../../lib/testing/index.js';
import { FileWrapper } from '../../lib/protocol/file-wrapper.js';
import type { FileLike } from '../../lib/protocol/types.js';

const base = mkdtempSync(join(tmpdir(), 'tsgi-static-'));
test.after.always(() => rmSync(base, { recursive: true, force: true }));
const root = join(base, 'public');
mkdirSync(join(root, 'docs'), { recursive: true });
mkdirSync(join(root, 'empty-dir'));
writeFileSync(join(root, 'hello.txt'), 'hello world');
writeFileSync(join(root, 'app.js'), 'console.log(1);');
writeFileSync(join(root, 'data.bin'), Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
writeFileSync(join(root, 'docs', 'index.html'), '<h1>docs</h1>');
writeFileSync(join(root, 'ünï cødé.txt'), 'unicode');
writeFileSync(join(root, '.env'), 'SECRET=1');
writeFileSync(join(root, 'empty.txt'), '');
writeFileSync(join(base, 'outside.txt'), 'outside secret');
symlinkSync(join(base, 'outside.txt'), join(root, 'leak.txt'));
symlinkSync(join(root, 'hello.txt'), join(root, 'alias.txt'));
const MTIME = new Date('2024-01-02T03:04:05Z');
for (const name of ['hello.txt', 'data.bin']) utimesSync(join(root, name), MTIME, MTIME);
const LAST_MODIFIED = 'Tue, 02 Jan 2024 03:04:05 GMT';

function setup(options: Partial<StaticFilesOptions> = {}, clientOptions: { fileWrapper?: (file: FileLike, size?: number) => FileWrapper } = {}) {
  const recorder = recordingApp({ body: ['from the app'] });
  const client = new Client(recorder, { middleware: staticFiles({ root, ...options }), ...clientOptions });
  return { recorder, client };
}

test('staticFiles() serves a file with type, length, validators and Accept-Ranges', async (t) => {
  const { recorder, client } = setup();
  const response = await client.get('/hello.txt');
  t.is(response.status, 200);
  t.is(response.text(), 'hello world');
  t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
  t.is(response.headers.get('Content-Length'), '11');
  t.is(response.headers.get('Last-Modified'), LAST_MODIFIED);
  t.regex(response.headers.get('ETag') ?? '', /^W\/"b-[0-9a-f]+"$/);
  t.is(response.headers.get('Accept-Ranges'), 'bytes');
  t.is(recorder.calls.length, 0);
});

test('staticFiles() types files by extension, and unknown ones as octet-stream', async (t) => {
  const { client } = setup();
  t.is((await client.get('/app.js')).headers.get('Content-Type'), 'text/javascript; charset=utf-8');
  t.is((await client.get('/data.bin')).headers.get('Content-Type'), 'application/octet-stream');
});

test('staticFiles() decodes PATH_INFO as UTF-8', async (t) => {
  const { client } = setup();
  const response = await client.get(`/${encodeURIComponent('ünï cødé.txt')}`);
  t.is(response.text(), 'unicode');
});

test('staticFiles() serves an empty file', async (t) => {
  const { client } = setup();
  const response = await client.get('/empty.txt');
  t.is(response.status, 200);
  t.is(response.headers.get('Content-Length'), '0');
});

test('staticFiles() answers HEAD with the headers and no body', async (t) => {
  const { client } = setup();
  const response = await client.head('/hello.txt');
  t.is(response.status, 200);
  t.is(response.headers.get('Content-Length'), '11');
  t.is(response.bodyLength, 0);
});

test('staticFiles() falls through to the application for a missing file', async (t) => {
  const { recorder, client } = setup();
  const response = await client.get('/missing.txt');
  t.is(response.text(), 'from the app');
  t.is(recorder.lastEnviron?.PATH_INFO, '/missing.txt');
  t.true(recorder.lastCall?.closed);
});

test('staticFiles({ fallthrough: false }) answers 404 for a missing file', async (t) => {
  const { recorder, client } = setup({ fallthrough: false });
  const response = await client.get('/missing.txt');
  t.is(response.status, 404);
  t.is(recorder.calls.length, 0);
});

test('staticFiles() passes other methods on, or answers 405 without fallthrough', async (t) => {
  const { recorder, client } = setup();
  t.is((await client.post('/hello.txt')).text(), 'from the app');
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'POST');
  const strict = setup({ fallthrough: false });
  const response = await strict.client.post('/hello.txt');
  t.is(response.status, 405);
  t.is(response.headers.get('Allow'), 'GET, HEAD');
});

test('staticFiles({ prefix }) serves only under the prefix, on segment boundaries', async (t) => {
  const { recorder, client } = setup({ prefix: '/static/' });
  t.is((await client.get('/static/hello.txt')).text(), 'hello world');
  t.is((await client.get('/statichello.txt')).text(), 'from the app');
  t.is(recorder.lastEnviron?.PATH_INFO, '/statichello.txt');
  t.is((await client.get('/hello.txt')).text(), 'from the app');
});

const traversals: Array<[label: string, target: string]> = [
  ['a .. segment', '/docs/../../outside.txt'],
  ['an encoded ..', '/docs/%2e%2e/%2e%2e/outside.txt'],
  ['a double-encoded ..', '/%252e%252e/outside.txt'],
  ['an encoded slash inside ..', '/..%2foutside.txt'],
  ['a backslash', '/docs/..%5c..%5coutside.txt'],
  ['a NUL byte', '/hello.txt%00.png'],
  ['a single-dot segment', '/./hello.txt'],
  ['a drive letter', '/C:/Windows/win.ini'],
  ['invalid UTF-8', '/%ff%fe.txt'],
];
for (const [label, target] of traversals) {
  test(`staticFiles() refuses ${label} with 400, never reaching the file or the app`, async (t) => {
    const { recorder, client } = setup();
    const response = await client.get(target);
    t.is(response.status, 400);
    t.false(response.text().includes('secret'));
    t.is(recorder.calls.length, 0);
  });
}

test('staticFiles() treats a symlink leaving the root as missing', async (t) => {
  const { client } = setup({ fallthrough: false });
  const response = await client.get('/leak.txt');
  t.is(response.status, 404);
  t.false(response.text().includes('secret'));
});

test('staticFiles({ followSymlinks: true }) serves a symlink leaving the root', async (t) => {
  const { client } = setup({ followSymlinks: true });
  t.is((await client.get('/leak.txt')).text(), 'outside secret');
});

test('staticFiles() serves a symlink that stays inside the root', async (t) => {
  const { client } = setup();
  t.is((await client.get('/alias.txt')).text(), 'hello world');
});

test('staticFiles() dotfiles: ignore falls through, deny answers 403, allow serves', async (t) => {
  t.is((await setup().client.get('/.env')).text(), 'from the app');
  t.is((await setup({ dotfiles: 'deny' }).client.get('/.env')).status, 403);
  t.is((await setup({ dotfiles: 'allow' }).client.get('/.env')).text(), 'SECRET=1');
});

test('staticFiles() serves a directory index, and redirects to add the slash', async (t) => {
  const { client } = setup({ prefix: '/static' });
  const page = await client.get('/static/docs/');
  t.is(page.text(), '<h1>docs</h1>');
  t.is(page.headers.get('Content-Type'), 'text/html; charset=utf-8');
  const redirect = await client.get('/static/docs', { query: { v: '1' } });
  t.is(redirect.status, 301);
  t.is(redirect.headers.get('Location'), '/static/docs/?v=1');
});

test('staticFiles() passes on a directory without an index', async (t) => {
  const { client } = setup();
  t.is((await client.get('/empty-dir/')).text(), 'from the app');
  t.is((await client.get('/empty-dir')).text(), 'from the app');
  t.is((await setup({ index: [] }).client.get('/docs/')).text(), 'from the app');
});

test('staticFiles() answers If-None-Match and If-Modified-Since with 304', async (t) => {
  const { client } = setup({ maxAge: 60 });
  const first = await client.get('/hello.txt');
  const tag = first.headers.get('ETag')!;
  for (const headers of [{ 'If-None-Match': tag }, { 'If-Modified-Since': LAST_MODIFIED }]) {
    const response = await client.get('/hello.txt', { headers });
    t.is(response.status, 304);
    t.is(response.bodyLength, 0);
    t.is(response.headers.get('ETag'), tag);
    t.is(response.headers.get('Cache-Control'), 'public, max-age=60');
    t.is(response.headers.get('Content-Type'), undefined);
  }
  t.is((await client.get('/hello.txt', { headers: { 'If-Modified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' } })).status, 200);
});

test('staticFiles() answers a failing If-Match with 412', async (t) => {
  const { client } = setup();
  t.is((await client.get('/hello.txt', { headers: { 'If-Match': '"other"' } })).status, 412);
});

const ranges: Array<[label: string, range: string, body: number[], contentRange: string]> = [
  ['a closed range', 'bytes=2-4', [2, 3, 4], 'bytes 2-4/10'],
  ['an open range', 'bytes=7-', [7, 8, 9], 'bytes 7-9/10'],
  ['a suffix range', 'bytes=-2', [8, 9], 'bytes 8-9/10'],
  ['a suffix longer than the file', 'bytes=-50', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'bytes 0-9/10'],
  ['a range ending past the end', 'bytes=8-100', [8, 9], 'bytes 8-9/10'],
];
for (const [label, range, body, contentRange] of ranges) {
  test(`staticFiles() answers ${label} with 206`, async (t) => {
    const { client } = setup();
    const response = await client.get('/data.bin', { headers: { Range: range } });
    t.is(response.status, 206);
    t.deepEqual([...response.body], body);
    t.is(response.headers.get('Content-Range'), contentRange);
    t.is(response.headers.get('Content-Length'), String(body.length));
  });
}

const wholes: Array<[label: string, headers: Record<string, string>]> = [
  ['several ranges (served whole)', { Range: 'bytes=0-1,4-5' }],
  ['a malformed range', { Range: 'bytes=abc' }],
  ['a reversed range', { Range: 'bytes=5-2' }],
  ['another unit', { Range: 'items=0-1' }],
  ['an If-Range with a weak entity-tag', { Range: 'bytes=0-1', 'If-Range': 'W/"a-1"' }],
  ['an If-Range with another date', { Range: 'bytes=0-1', 'If-Range': 'Mon, 01 Jan 2024 00:00:00 GMT' }],
];
for (const [label, headers] of wholes) {
  test(`staticFiles() serves the whole file for ${label}`, async (t) => {
    const { client } = setup();
    const response = await client.get('/data.bin', { headers });
    t.is(response.status, 200);
    t.is(response.bodyLength, 10);
    t.is(response.headers.get('Content-Range'), undefined);
  });
}

test('staticFiles() honours If-Range with the Last-Modified date', async (t) => {
  const { client } = setup();
  const response = await client.get('/data.bin', { headers: { Range: 'bytes=0-1', 'If-Range': LAST_MODIFIED } });
  t.is(response.status, 206);
});

for (const range of ['bytes=10-', 'bytes=50-60', 'bytes=-0']) {
  test(`staticFiles() answers an unsatisfiable ${range} with 416`, async (t) => {
    const { client } = setup();
    const response = await client.get('/data.bin', { headers: { Range: range } });
    t.is(response.status, 416);
    t.is(response.headers.get('Content-Range'), 'bytes */10');
  });
}

test('staticFiles() uses tsgi.file_wrapper when the server offers one', async (t) => {
  const wrapped: number[] = [];
  const fileWrapper = (file: FileLike, size?: number) => {
    wrapped.push(size ?? 0);
    return new FileWrapper(file, size);
  };
  const { client } = setup({}, { fileWrapper });
  const response = await client.get('/hello.txt');
  t.is(response.text(), 'hello world');
  t.deepEqual(wrapped, [65536]);
});

test('staticFiles() streams a large file in blocks', async (t) => {
  const big = Buffer.alloc(300_000, 7);
  writeFileSync(join(root, 'big.bin'), big);
  const { client } = setup();
  const chunks: number[] = [];
  const response = await client.get('/big.bin', { onBodyChunk: (chunk) => void chunks.push(chunk.length) });
  t.is(response.bodyLength, big.length);
  t.true(chunks.length >= 5);
});

test('staticFiles() closes the file when the client goes away', async (t) => {
  const { client } = setup();
  const response = await client.get('/hello.txt', { disconnectAfter: 0 });
  t.true(response.aborted);
});

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['no options', undefined, "staticFiles() needs options with a root directory; got undefined. Call staticFiles({ root: 'public' })."],
  ['an empty root', { root: '' }, "staticFiles() option root must be a directory path; got ''. Pass e.g. { root: 'public' }."],
  ['a prefix without a slash', { root, prefix: 'static' }, "staticFiles() option prefix must be a path starting with '/'; got 'static'. Use e.g. '/static'."],
  ['an index with a slash', { root, index: ['a/b.html'] }, "staticFiles() option index must be an array of file names (no slashes); got 'a/b.html'. Use e.g. ['index.html'] or []."],
  ['a negative maxAge', { root, maxAge: -1 }, 'staticFiles() option maxAge must be a whole number of seconds >= 0; got -1.'],
  ['immutable without maxAge', { root, immutable: true }, 'staticFiles() option immutable needs maxAge; got immutable: true alone. Add e.g. maxAge: 31536000.'],
  ['cacheControl with maxAge', { root, cacheControl: 'no-cache', maxAge: 1 }, 'staticFiles() got cacheControl together with maxAge/immutable; give either the whole Cache-Control value or maxAge (and immutable).'],
  ['a cacheControl with a newline', { root, cacheControl: 'a\nb' }, "staticFiles() option cacheControl must be a header value (no control characters); got 'a\\nb'."],
  ['an unknown dotfiles', { root, dotfiles: 'hide' }, "staticFiles() option dotfiles must be 'ignore', 'deny' or 'allow'; got 'hide'."],
  ['an unknown option', { root, maxage: 1 }, "staticFiles() got an unknown option 'maxage'. Known options: root, prefix, index, fallthrough, followSymlinks, cacheControl, maxAge, immutable, etag, lastModified, dotfiles."],
];
for (const [label, options, message] of badOptions) {
  test(`staticFiles() rejects ${label}`, (t) => {
    t.throws(() => staticFiles(options as StaticFilesOptions), { message });
  });
}

test('staticFiles() refuses a FIFO in the root without waiting for a writer', async (t) => {
  const fifoRoot = mkdtempSync(join(base, 'fifo-'));
  try {
    execFileSync('mkfifo', [join(fifoRoot, 'pipe.txt')]);
  } catch {
    t.log('mkfifo is not available (install coreutils); nothing to test');
    t.pass();
    return;
  }
  const recorder = recordingApp({ body: ['from the app'] });
  const client = new Client(recorder, { middleware: staticFiles({ root: fifoRoot }) });
  const response = await client.get('/pipe.txt');
  t.is(response.text(), 'from the app');
  t.is(recorder.calls.length, 1);
});

test('staticFiles() closes every file it opened, whatever the answer', async (t) => {
  if (process.platform !== 'linux') {
    t.log('counting open descriptors needs /proc (Linux); nothing to test');
    t.pass();
    return;
  }
  const openDescriptors = (): number => readdirSync('/proc/self/fd').length;
  const { client } = setup({ prefix: '/static' });
  const requests: Array<[string, Record<string, string>]> = [
    ['/static/hello.txt', {}],
    ['/static/docs', {}],
    ['/static/docs/', {}],
    ['/static/empty-dir/', {}],
    ['/static/hello.txt', { 'If-Modified-Since': LAST_MODIFIED }],
    ['/static/hello.txt', { Range: 'bytes=50-60' }],
    ['/static/hello.txt', { 'If-Match': '"other"' }],
    ['/static/empty.txt', {}],
    ['/static/missing.txt', {}],
  ];
  const statuses: number[] = [];
  for (const [path, headers] of requests) statuses.push((await client.get(path, { headers })).status);
  const before = openDescriptors();
  for (let round = 0; round < 20; round += 1) {
    for (const [path, headers] of requests) await client.get(path, { headers });
    await client.request('HEAD', '/static/hello.txt');
  }
  t.deepEqual(statuses, [200, 301, 200, 200, 304, 416, 412, 200, 200]);
  t.is(openDescriptors(), before);
});

test('staticFiles() rejects a root that is not a directory', (t) => {
  const error = t.throws(() => staticFiles({ root: join(root, 'hello.txt') }));
  t.regex(error?.message ?? '', /^staticFiles\(\) option root must be an existing directory; got '.*hello\.txt' \(.*\)\. Create it or fix the path\.$/);
});

test('staticFiles({ cacheControl, etag: false, lastModified: false }) sends exactly what it is told', async (t) => {
  const { client } = setup({ cacheControl: 'no-cache', etag: false, lastModified: false });
  const response = await client.get('/hello.txt');
  t.is(response.headers.get('Cache-Control'), 'no-cache');
  t.is(response.headers.get('ETag'), undefined);
  t.is(response.headers.get('Last-Modified'), undefined);
});

test('staticFiles({ maxAge, immutable }) sends a public immutable Cache-Control', async (t) => {
  const { client } = setup({ maxAge: 31536000, immutable: true });
  t.is((await client.get('/hello.txt')).headers.get('Cache-Control'), 'public, max-age=31536000, immutable');
});
