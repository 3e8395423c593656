import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  FileResponse,
  HttpResponse,
  HttpResponseNotModified,
  JsonResponse,
  StreamingHttpResponse,
  TemplateResponse,
  sendResponse,
} from '../../../lib/framework/http/index.js';
import { FileWrapper, fileWrapper } from '../../../lib/protocol/file-wrapper.js';
import type { Application, FileLike } from '../../../lib/protocol/types.js';
import { TsgiError } from '../../../lib/protocol/errors.js';
import { Client, createEnviron } from '../../../lib/testing/index.js';
import { viewApp } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsgi-http-test-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

test('sendResponse() sends status, headers, cookies and content with Content-Length', async (t) => {
  const app = viewApp(() => {
    const response = new HttpResponse('héllo', { status: 201, reason: 'Made', headers: { 'X-A': '1' } });
    response.setCookie('a', '1', { httpOnly: true });
    response.setCookie('b', '2');
    return response;
  });
  const response = await new Client(app).get('/');
  t.is(response.statusLine, '201 Made');
  t.is(response.headers.get('X-A'), '1');
  t.is(response.headers.get('Content-Length'), String(Buffer.byteLength('héllo')));
  t.deepEqual(response.headers.getAll('Set-Cookie'), ['a=1; HttpOnly; Path=/', 'b=2; Path=/']);
  t.is(response.text(), 'héllo');
});

test('sendResponse() keeps an explicit Content-Length and adds none to a 304', async (t) => {
  const notModified = await new Client(viewApp(() => new HttpResponseNotModified())).get('/');
  t.is(notModified.status, 304);
  t.false(notModified.headers.has('Content-Length'));
  const empty = await new Client(viewApp(() => new HttpResponse())).get('/');
  t.is(empty.headers.get('Content-Length'), '0');
});

test('sendResponse() closes the response once, after the body was sent', async (t) => {
  let closes = 0;
  const app = viewApp(() => {
    const response = new JsonResponse({ ok: true });
    response.addCloser(() => closes++);
    return response;
  });
  const response = await new Client(app).get('/');
  t.deepEqual(response.json(), { ok: true });
  t.is(closes, 1);
});

test('sendResponse() reports closer errors to tsgi.errors', async (t) => {
  const app = viewApp(() => {
    const response = new HttpResponse('x');
    response.addCloser(() => {
      throw new Error('closer failed');
    });
    return response;
  });
  const response = await new Client(app).get('/');
  t.is(response.status, 200);
  t.regex(response.errors, /Error closing <HttpResponse status=200, "text\/html; charset=utf-8">: Error: closer failed/);
});

test('sendResponse() refuses an unrendered TemplateResponse and non-responses', (t) => {
  const environ = createEnviron('/');
  t.throws(() => sendResponse(new TemplateResponse(() => 'x'), environ, () => async () => undefined), {
    instanceOf: TsgiError,
    message: 'sendResponse() got <TemplateResponse status=200, "text/html; charset=utf-8"> before it was rendered. Await response.render() first.',
  });
  t.throws(() => sendResponse({} as never, environ, () => async () => undefined), {
    instanceOf: TypeError,
    message: 'sendResponse() needs an HttpResponse; got an object.',
  });
});

test('a rendered TemplateResponse is sent', async (t) => {
  const app = viewApp(async () => {
    const response = new TemplateResponse((context) => `<b>${String(context['x'])}</b>`, { x: 1 });
    await response.render();
    return response;
  });
  t.is((await new Client(app).get('/')).text(), '<b>1</b>');
});

test('StreamingHttpResponse streams chunks without Content-Length, strings encoded', async (t) => {
  let closes = 0;
  async function* rows(): AsyncGenerator<string | Uint8Array> {
    yield 'a,';
    yield Buffer.from('b,');
    yield 'é';
  }
  const app = viewApp(() => {
    const response = new StreamingHttpResponse(rows(), { contentType: 'text/csv' });
    response.addCloser(() => closes++);
    return response;
  });
  const response = await new Client(app).get('/');
  t.is(response.text(), 'a,b,é');
  t.false(response.headers.has('Content-Length'));
  t.is(response.headers.get('Content-Type'), 'text/csv');
  t.is(closes, 1);
});

test('StreamingHttpResponse: an abandoned stream closes its source and the response', async (t) => {
  let finalized = false;
  let closes = 0;
  function* endless(): Generator<string> {
    try {
      for (;;) yield 'x'.repeat(1000);
    } finally {
      finalized = true;
    }
  }
  const app = viewApp(() => {
    const response = new StreamingHttpResponse(endless());
    response.addCloser(() => closes++);
    return response;
  });
  const response = await new Client(app).get('/', { disconnectAfter: 5000 });
  t.true(response.aborted);
  t.true(finalized);
  t.is(closes, 1);
});

test('a StreamingHttpResponse never sent still closes its source on close()', async (t) => {
  let finalized = false;
  async function* source(): AsyncGenerator<string> {
    try {
      yield 'a';
    } finally {
      finalized = true;
    }
  }
  const iterator = source();
  await iterator.next();
  const response = new StreamingHttpResponse(iterator);
  await response.close();
  t.true(finalized);
  let closed = false;
  const closable = { [Symbol.iterator]: () => ([] as string[])[Symbol.iterator](), close: () => (closed = true) };
  await new StreamingHttpResponse(closable).close();
  t.true(closed);
});

test('FileResponse sends a file with Content-Length, Content-Type and Content-Disposition', async (t) => {
  const path = join(dir, 'report.pdf');
  writeFileSync(path, 'x'.repeat(20_000));
  const response = await new Client(viewApp(() => new FileResponse(path))).get('/');
  t.is(response.status, 200);
  t.is(response.headers.get('Content-Length'), '20000');
  t.is(response.headers.get('Content-Type'), 'application/pdf');
  t.is(response.headers.get('Content-Disposition'), 'inline; filename="report.pdf"');
  t.is(response.body.length, 20_000);
});

test('FileResponse uses tsgi.file_wrapper when offered and closes the file once', async (t) => {
  const path = join(dir, 'data.json');
  writeFileSync(path, '{"a":1}');
  const wrapped: unknown[] = [];
  let fileCloses = 0;
  const app = viewApp(() => {
    const response = new FileResponse(path, { asAttachment: true, filename: 'données "v1".json' });
    const file = response.file;
    const close = file.close!.bind(file);
    Object.defineProperty(file, 'close', { value: () => (fileCloses++, close()) });
    return response;
  });
  const client = new Client(app, { fileWrapper: (file, blockSize) => (wrapped.push(file), fileWrapper(file, blockSize)) });
  const response = await client.get('/');
  t.is(response.text(), '{"a":1}');
  t.is(wrapped.length, 1);
  t.is(response.headers.get('Content-Type'), 'application/json');
  t.is(response.headers.get('Content-Disposition'), "attachment; filename*=utf-8''donn%C3%A9es%20%22v1%22.json");
  t.is(fileCloses, 1);
});

test('FileResponse: Content-Disposition and Content-Type cases', (t) => {
  const path = join(dir, 'plain');
  writeFileSync(path, 'abc');
  const cases: Array<[FileResponse, string | undefined, string]> = [
    [new FileResponse(path), 'inline; filename="plain"', 'application/octet-stream'],
    [new FileResponse(path, { asAttachment: true, filename: 'a\\b"c.txt' }), 'attachment; filename="a\\\\b\\"c.txt"', 'text/plain'],
    [new FileResponse(path, { filename: 'x.PNG', contentType: 'image/x-custom' }), 'inline; filename="x.PNG"', 'image/x-custom'],
    [new FileResponse({ read: () => new Uint8Array(0) }, { asAttachment: true }), 'attachment', 'application/octet-stream'],
    [new FileResponse({ read: () => new Uint8Array(0) }), undefined, 'application/octet-stream'],
  ];
  for (const [response, disposition, type] of cases) {
    t.is(response.headers.get('Content-Disposition'), disposition);
    t.is(response.headers.get('Content-Type'), type);
    void response.close();
  }
});

test('FileResponse over a file-like object streams in blocks without a file wrapper', async (t) => {
  const blocks = [Buffer.from('ab'), Buffer.from('cd')];
  let closed = 0;
  const file: FileLike = { read: () => blocks.shift() ?? new Uint8Array(0), close: () => closed++ };
  const app: Application = (environ, startResponse) => {
    const body = sendResponse(new FileResponse(file, { size: 4, blockSize: 2 }), environ, startResponse);
    t.true(body instanceof FileWrapper);
    return body;
  };
  const response = await new Client(app).get('/');
  t.is(response.text(), 'abcd');
  t.is(response.headers.get('Content-Length'), '4');
  t.is(closed, 1);
});

test('FileResponse refuses a missing file, a directory and a non-file', (t) => {
  t.throws(() => new FileResponse(join(dir, 'missing.txt')), { code: 'ENOENT' } as never);
  t.throws(() => new FileResponse(dir), { instanceOf: TypeError, message: `FileResponse '${dir.length > 60 ? `${dir.slice(0, 60)}…` : dir}' is not a regular file. Give the path of a file.` });
  t.throws(() => new FileResponse(42 as never), { instanceOf: TypeError, message: 'FileResponse needs a path or a file with a read(size) method; got 42.' });
});
