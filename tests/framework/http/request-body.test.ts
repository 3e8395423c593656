import { existsSync } from 'node:fs';
import test from 'ava';
import {
  BadRequest,
  MultiPartParserError,
  RequestDataTooBig,
  TooManyFieldsSent,
  TooManyFilesSent,
} from '../../../lib/framework/errors.js';
import { HttpRequest, HttpResponse, MultiValueDict, QueryDict, UploadedFile, type HttpRequestOptions } from '../../../lib/framework/http/index.js';
import { TsgiError } from '../../../lib/protocol/errors.js';
import { Client, createEnviron, type CreateEnvironOptions } from '../../../lib/testing/index.js';
import { multipartBody, viewApp } from './helpers.js';

function request(options: CreateEnvironOptions, requestOptions: HttpRequestOptions = {}): HttpRequest {
  return new HttpRequest(createEnviron('/', { method: 'POST', ...options }), requestOptions);
}

function* chunksOf(text: string, size: number): Generator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

test('body() reads the body once and shares the read', async (t) => {
  const req = request({ body: 'hello' });
  const [a, b] = await Promise.all([req.body(), req.body()]);
  t.is(Buffer.from(a).toString(), 'hello');
  t.is(a, b);
  t.is(await req.text(), 'hello');
});

test('body() is empty without a body', async (t) => {
  t.is((await new HttpRequest(createEnviron('/')).body()).length, 0);
});

test('body() reads a chunked body', async (t) => {
  const req = request({ bodyChunks: chunksOf('x'.repeat(200_000), 1000) });
  t.is((await req.body()).length, 200_000);
});

test('body() refuses a declared CONTENT_LENGTH over the limit before reading', async (t) => {
  const environ = createEnviron('/', { method: 'POST', body: 'x'.repeat(11) });
  let reads = 0;
  const input = environ['tsgi.input'];
  environ['tsgi.input'] = Object.assign(Object.create(input) as typeof input, {
    read: (size?: number) => (reads++, input.read(size)),
  });
  const req = new HttpRequest(environ, { dataUploadMaxMemorySize: 10 });
  await t.throwsAsync(req.body(), {
    instanceOf: RequestDataTooBig,
    message:
      'Request body exceeded dataUploadMaxMemorySize (10 bytes): CONTENT_LENGTH is 11. Raise dataUploadMaxMemorySize (null for no limit), or stream tsgi.input yourself.',
  });
  t.is(reads, 0);
});

test('body() stops reading a chunked body as soon as it passes the limit', async (t) => {
  let produced = 0;
  function* endless(): Generator<Uint8Array> {
    for (;;) {
      produced += 1000;
      yield new Uint8Array(1000);
    }
  }
  const req = request({ bodyChunks: endless() }, { dataUploadMaxMemorySize: 150_000 });
  await t.throwsAsync(req.body(), {
    instanceOf: RequestDataTooBig,
    message:
      'Request body exceeded dataUploadMaxMemorySize (150000 bytes): more than 150000 bytes were sent. Raise dataUploadMaxMemorySize (null for no limit), or stream tsgi.input yourself.',
  });
  t.true(produced < 300_000);
});

test('body() has no limit with dataUploadMaxMemorySize null', async (t) => {
  const req = request({ body: 'x'.repeat(3_000_000) }, { dataUploadMaxMemorySize: null });
  t.is((await req.body()).length, 3_000_000);
  await t.throwsAsync(request({ body: 'x'.repeat(3_000_000) }).body(), { instanceOf: RequestDataTooBig });
});

test('json() parses the body, and refuses bad JSON with BadRequest', async (t) => {
  t.deepEqual(await request({ json: { a: [1, 'é'] } }).json(), { a: [1, 'é'] });
  const error = await t.throwsAsync(request({ body: '{oops' }).json(), { instanceOf: BadRequest });
  t.regex(error.message, /^The request body is not valid JSON: .+\. Send a JSON document\.$/);
  t.true(error.cause instanceof SyntaxError);
});

test('text() decodes with the request charset', async (t) => {
  const req = request({ body: Buffer.from([0x63, 0x61, 0x66, 0xe9]), headers: { 'Content-Type': 'text/plain; charset=latin1' } });
  t.is(await req.text(), 'café');
});

test('readForm() parses an urlencoded POST', async (t) => {
  const req = request({ form: { a: ['1', '2'], b: 'x y', c: 'é' } });
  t.throws(() => req.POST, {
    instanceOf: TsgiError,
    message: 'request.POST is not available before the form is read: await request.readForm() first (in the view or a pipeline middleware).',
  });
  const post = await req.readForm();
  t.is(post, req.POST);
  t.deepEqual(post.getList('a'), ['1', '2']);
  t.is(post.get('b'), 'x y');
  t.is(post.get('c'), 'é');
  t.is(req.FILES.size, 0);
  t.false(post.mutable);
  t.is(Buffer.from(await req.body()).toString(), 'a=1&a=2&b=x+y&c=%C3%A9', 'body() still readable');
});

test('readForm() refuses an urlencoded body with a charset other than UTF-8', async (t) => {
  const req = request({ body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=latin1' } });
  await t.throwsAsync(req.readForm(), {
    instanceOf: BadRequest,
    message: "HTTP requests with the 'application/x-www-form-urlencoded' content type must be UTF-8 encoded; got charset 'latin1'. Send the form as UTF-8.",
  });
  t.is(req.POST.size, 0, 'an empty form after a parse error, as Django');
});

test('readForm() limits urlencoded fields and size', async (t) => {
  await t.throwsAsync(request({ body: 'a=1&b=2&c=3', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, { dataUploadMaxNumberFields: 2 }).readForm(), {
    instanceOf: TooManyFieldsSent,
  });
  await t.throwsAsync(request({ form: { a: 'x'.repeat(100) } }, { dataUploadMaxMemorySize: 50 }).readForm(), { instanceOf: RequestDataTooBig });
});

test('POST and FILES are empty at once for other methods and content types', async (t) => {
  const get = new HttpRequest(createEnviron('/?a=1'));
  t.is(get.POST.size, 0);
  t.is(get.FILES.size, 0);
  const json = request({ json: { a: 1 } });
  t.is(json.POST.size, 0);
  t.is((await json.readForm()).size, 0);
  const put = new HttpRequest(createEnviron('/', { method: 'PUT', form: { a: '1' } }));
  t.is((await put.readForm()).size, 0, 'Django only parses POST');
});

test('POST and FILES can be replaced', (t) => {
  const req = request({ form: { a: '1' } });
  req.POST = new QueryDict('z=9');
  t.is(req.POST.get('z'), '9');
  const files = new MultiValueDict<UploadedFile>();
  req.FILES = files;
  t.is(req.FILES, files);
});

test('readForm() parses multipart fields and small files in memory', async (t) => {
  const { body, contentType } = multipartBody([
    { name: 'title', value: 'Hello é' },
    { name: 'tag', value: 'a' },
    { name: 'tag', value: 'b' },
    { name: 'doc', filename: '../../etc/notes.txt', contentType: 'text/plain', value: 'file body' },
    { name: 'empty', filename: '', value: '' },
  ]);
  const req = request({ body, headers: { 'Content-Type': contentType } });
  const post = await req.readForm();
  t.is(post.get('title'), 'Hello é');
  t.deepEqual(post.getList('tag'), ['a', 'b']);
  t.false(req.FILES.has('empty'), 'an empty file input is skipped');
  const file = req.FILES.get('doc')!;
  t.true(file instanceof UploadedFile);
  t.is(file.name, 'notes.txt');
  t.is(file.fieldName, 'doc');
  t.is(file.contentType, 'text/plain');
  t.is(file.size, 9);
  t.true(file.inMemory);
  t.is(file.path, undefined);
  t.is(await file.text(), 'file body');
  t.is(String(file), '<UploadedFile: notes.txt (text/plain)>');
  await t.throwsAsync(req.body(), {
    instanceOf: TsgiError,
    message: 'request.body() cannot read the body after readForm() streamed it (a multipart form). Call body() before readForm() to have both.',
  });
});

test('readForm() parses multipart from the body when body() was read first', async (t) => {
  const { body, contentType } = multipartBody([{ name: 'a', value: '1' }]);
  const req = request({ body, headers: { 'Content-Type': contentType } });
  t.is((await req.body()).length, body.length);
  t.is((await req.readForm()).get('a'), '1');
});

test('a file over fileUploadMaxMemorySize goes to a temporary file that close() deletes', async (t) => {
  const data = Buffer.alloc(300_000, 7);
  const { body, contentType } = multipartBody([{ name: 'big', filename: 'big.bin', contentType: 'application/octet-stream', data }]);
  const exact = request({ body, headers: { 'Content-Type': contentType } }, { fileUploadMaxMemorySize: 100_000 });
  await exact.readForm();
  const file = exact.FILES.get('big')!;
  t.false(file.inMemory);
  t.is(file.size, 300_000);
  t.true(existsSync(file.path!));
  t.true(Buffer.from(await file.bytes()).equals(data));
  await exact.close();
  t.false(existsSync(file.path!));
  await t.throwsAsync(file.bytes(), {
    instanceOf: TsgiError,
    message: "UploadedFile 'big.bin' was closed and its temporary file deleted. Read it before the request is closed.",
  });
});

test('multipart uploads stream from a chunked body', async (t) => {
  const data = Buffer.alloc(200_000, 1);
  const { body, contentType } = multipartBody([{ name: 'f', filename: 'a.bin', data }, { name: 'x', value: 'y' }]);
  function* blocks(): Generator<Uint8Array> {
    for (let i = 0; i < body.length; i += 8192) yield body.subarray(i, i + 8192);
  }
  const req = request({ bodyChunks: blocks(), headers: { 'Content-Type': contentType } }, { fileUploadMaxMemorySize: 50_000 });
  await req.readForm();
  t.is(req.POST.get('x'), 'y');
  t.is(req.FILES.get('f')!.size, 200_000);
  t.truthy(req.FILES.get('f')!.path);
  await req.close();
});

test('a malformed multipart body throws MultiPartParserError', async (t) => {
  const { body, contentType } = multipartBody([{ name: 'a', value: '1' }]);
  const truncated = body.subarray(0, body.length - 20);
  const error = await t.throwsAsync(request({ body: truncated, headers: { 'Content-Type': contentType } }).readForm(), {
    instanceOf: MultiPartParserError,
  });
  t.regex(error.message, /^The multipart\/form-data body could not be parsed: .+\. Check that the client sends a complete body with the boundary of its Content-Type\.$/);
});

test('a multipart Content-Type without boundary throws MultiPartParserError', async (t) => {
  await t.throwsAsync(request({ body: 'x', headers: { 'Content-Type': 'multipart/form-data' } }).readForm(), {
    instanceOf: MultiPartParserError,
    message: 'Invalid multipart/form-data Content-Type "multipart/form-data": Multipart: Boundary not found. Send the boundary parameter the body uses.',
  });
});

test('multipart refuses too many fields, too many files and too much field data', async (t) => {
  const fields = multipartBody([{ name: 'a', value: '1' }, { name: 'b', value: '2' }, { name: 'c', value: '3' }]);
  await t.throwsAsync(request({ body: fields.body, headers: { 'Content-Type': fields.contentType } }, { dataUploadMaxNumberFields: 2 }).readForm(), {
    instanceOf: TooManyFieldsSent,
    message: 'The number of GET/POST parameters exceeded dataUploadMaxNumberFields (2). Send fewer fields, or raise dataUploadMaxNumberFields (null for no limit).',
  });
  const files = multipartBody([1, 2, 3].map((n) => ({ name: `f${n}`, filename: `${n}.txt`, value: 'x'.repeat(200_000) })));
  const tooMany = request({ body: files.body, headers: { 'Content-Type': files.contentType } }, { dataUploadMaxNumberFiles: 2, fileUploadMaxMemorySize: 1000 });
  await t.throwsAsync(tooMany.readForm(), {
    instanceOf: TooManyFilesSent,
    message: 'The number of files exceeded dataUploadMaxNumberFiles (2). Send fewer files, or raise dataUploadMaxNumberFiles (null for no limit).',
  });
  t.is(tooMany.FILES.size, 0);
  const big = multipartBody([{ name: 'text', value: 'x'.repeat(100) }]);
  await t.throwsAsync(request({ body: big.body, headers: { 'Content-Type': big.contentType } }, { dataUploadMaxMemorySize: 50 }).readForm(), {
    instanceOf: RequestDataTooBig,
    message:
      'Request body exceeded dataUploadMaxMemorySize (50 bytes) in its non-file fields. Send large data as a file, or raise dataUploadMaxMemorySize (null for no limit).',
  });
  // Files do not count against dataUploadMaxMemorySize.
  const file = multipartBody([{ name: 'f', filename: 'f.txt', value: 'x'.repeat(100) }]);
  await t.notThrowsAsync(request({ body: file.body, headers: { 'Content-Type': file.contentType } }, { dataUploadMaxMemorySize: 50 }).readForm());
});

test('an upload through the test client reaches the view, and its temp file is deleted when the response closes', async (t) => {
  let tempPath: string | undefined;
  const app = viewApp(async (req) => {
    await req.readForm();
    const file = req.FILES.get('upload')!;
    tempPath = file.path;
    return new HttpResponse(`${req.POST.get('note')}:${file.name}:${file.size}`);
  }, { fileUploadMaxMemorySize: 1024 });
  const { body, contentType } = multipartBody([
    { name: 'note', value: 'hi' },
    { name: 'upload', filename: 'C:\\Users\\x\\photo.jpg', contentType: 'image/jpeg', data: Buffer.alloc(5000, 3) },
  ]);
  const response = await new Client(app).post('/', { body, headers: { 'Content-Type': contentType } });
  t.is(response.text(), 'hi:photo.jpg:5000');
  t.truthy(tempPath);
  t.false(existsSync(tempPath!));
});
