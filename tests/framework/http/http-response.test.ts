import test from 'ava';
import { ContentNotRenderedError, DisallowedRedirect } from '../../../lib/framework/errors.js';
import {
  HttpRequest,
  HttpResponse,
  HttpResponseBadRequest,
  HttpResponseForbidden,
  HttpResponseGone,
  HttpResponseNotAllowed,
  HttpResponseNotFound,
  HttpResponseNotModified,
  HttpResponsePermanentRedirect,
  HttpResponseRedirect,
  HttpResponseServerError,
  JsonResponse,
  StreamingHttpResponse,
  TemplateResponse,
  type Template,
} from '../../../lib/framework/http/index.js';
import { ProtocolError } from '../../../lib/protocol/errors.js';
import { createEnviron } from '../../../lib/testing/index.js';

test('new HttpResponse() defaults to 200, text/html utf-8, empty content', (t) => {
  const response = new HttpResponse();
  t.is(response.status, 200);
  t.is(response.reasonPhrase, 'OK');
  t.is(response.statusLine, '200 OK');
  t.is(response.headers.get('content-type'), 'text/html; charset=utf-8');
  t.is(response.charset, 'utf-8');
  t.is(response.content.length, 0);
  t.false(response.streaming);
  t.is(String(response), '<HttpResponse status=200, "text/html; charset=utf-8">');
});

test('HttpResponse content: strings are encoded, bytes kept, iterables joined, write() appends', (t) => {
  const response = new HttpResponse('café');
  t.deepEqual([...response.content], [...Buffer.from('café')]);
  response.write(' au ');
  response.write(Buffer.from('lait'));
  response.writelines(['!', '?']);
  t.is(response.text, 'café au lait!?');
  let closed = false;
  function* parts(): Generator<string> {
    try {
      yield 'a';
      yield 'b';
    } finally {
      closed = true;
    }
  }
  response.content = parts();
  t.is(response.text, 'ab');
  t.true(closed);
  t.throws(() => new HttpResponse(42 as never), {
    instanceOf: TypeError,
    message: 'HttpResponse content must be a string, a Uint8Array or an iterable of them; got 42. Convert it with String() or JSON.stringify(), or use JsonResponse.',
  });
  t.throws(() => response.write({} as never), {
    instanceOf: TypeError,
    message: 'HttpResponse write() takes strings and Uint8Arrays; got an object. Convert it with String().',
  });
});

test('HttpResponse charset comes from the option or the Content-Type', (t) => {
  const latin = new HttpResponse('é', { charset: 'iso-8859-1' });
  t.is(latin.headers.get('Content-Type'), 'text/html; charset=iso-8859-1');
  t.deepEqual([...latin.content], [0xe9]);
  const typed = new HttpResponse('x', { contentType: 'text/plain; charset="latin1"' });
  t.is(typed.charset, 'latin1');
  t.is(new HttpResponse('x', { contentType: 'application/octet-stream' }).charset, 'utf-8');
  t.throws(() => new HttpResponse('x', { charset: 'shift_jis' }), {
    instanceOf: TypeError,
    message: "Cannot encode response text as charset 'shift_jis': only utf-8, iso-8859-1 and utf-16le are supported. Pass bytes (a Uint8Array) you encoded yourself.",
  });
});

test('HttpResponse status and reason are validated', (t) => {
  const response = new HttpResponse('', { status: 418 });
  t.is(response.reasonPhrase, "I'm a Teapot");
  t.is(new HttpResponse('', { status: 599 }).reasonPhrase, 'Unknown Status Code');
  t.is(new HttpResponse('', { status: 200, reason: 'Fine' }).statusLine, '200 Fine');
  response.status = 201;
  t.is(response.statusLine, '201 Created');
  t.throws(() => new HttpResponse('', { status: '200' as never }), { instanceOf: TypeError, message: "HTTP status code must be an integer; got '200'." });
  t.throws(() => new HttpResponse('', { status: 600 }), { instanceOf: RangeError, message: 'HTTP status code must be an integer from 100 to 599; got 600.' });
  t.throws(() => (response.status = 99), { instanceOf: RangeError });
  t.throws(() => new HttpResponse('', { reason: 'a\nb' }), {
    instanceOf: TypeError,
    message: "HttpResponse reason phrase must be a string of printable characters (RFC 9112 §4); got 'a\\nb'.",
  });
});

test('HttpResponse headers: initial headers, Content-Type conflict, CR/LF refused', (t) => {
  const response = new HttpResponse('', { headers: { 'X-A': '1', 'Content-Type': 'text/plain' } });
  t.deepEqual(response.headers.toList(), [['X-A', '1'], ['Content-Type', 'text/plain']]);
  t.is(new HttpResponse('', { headers: [['X-B', '2']] }).headers.get('x-b'), '2');
  t.throws(() => new HttpResponse('', { headers: { 'Content-Type': 'a/b' }, contentType: 'c/d' }), {
    instanceOf: TypeError,
    message: "HttpResponse 'headers' must not contain 'Content-Type' when the 'contentType' option is given. Give one of them.",
  });
  t.throws(() => response.headers.set('X-Evil', 'a\r\nSet-Cookie: x=1'), { instanceOf: ProtocolError });
});

test('HttpResponse refuses a Content-Type with CR/LF every time, with or without other headers', (t) => {
  const message = "Header 'Content-Type' value 'text/plain\\r\\nX-Evil: 1' contains the control character U+000D at index 10. Remove CR, LF and other control characters (HTAB is allowed).";
  for (const label of ['first', 'second']) {
    t.notThrows(() => new HttpResponse('', { contentType: 'text/plain' }), label);
    t.throws(() => new HttpResponse('', { contentType: 'text/plain\r\nX-Evil: 1' }), { instanceOf: ProtocolError, message }, label);
    t.throws(() => new HttpResponse('', { contentType: 'text/plain\r\nX-Evil: 1', headers: { 'X-A': '1' } }), { instanceOf: ProtocolError, message }, label);
  }
  t.throws(() => new HttpResponse('', { contentType: 7 as never }), {
    instanceOf: TypeError,
    message: "Header 'Content-Type' value must be a string; got 7. Convert it with String().",
  });
  t.throws(() => new HttpResponse('', { charset: 'utf-8\n' }), { instanceOf: ProtocolError });
});

test('HttpResponse charset follows the Content-Type as it changes', (t) => {
  const response = new HttpResponse('', { contentType: 'text/plain; charset=latin1' });
  t.is(response.charset, 'latin1');
  response.headers.set('Content-Type', 'text/plain');
  t.is(response.charset, 'utf-8');
  response.headers.set('content-type', 'text/csv; charset=utf-16le');
  t.is(response.charset, 'utf-16le');
  response.content = 'é';
  t.deepEqual([...response.content], [0xe9, 0x00]);
  response.headers.delete('Content-Type');
  t.is(response.charset, 'utf-8');
});

test('HttpResponse content read between writes holds everything written so far', (t) => {
  const response = new HttpResponse();
  response.write('a');
  t.is(response.text, 'a');
  response.write('');
  response.write(Buffer.from('b'));
  response.write('c');
  t.is(response.text, 'abc');
  t.is(response.content.length, 3);
  response.content = 'z';
  response.write('y');
  t.is(response.text, 'zy');
});

test('HttpResponse content: one string, one Uint8Array, empty ones, then write() appends', (t) => {
  const text = new HttpResponse('ab');
  text.write('c');
  t.is(text.text, 'abc');
  const bytes = new HttpResponse(new Uint8Array([1, 2]));
  bytes.write(new Uint8Array([3]));
  t.deepEqual([...bytes.content], [1, 2, 3]);
  for (const empty of [new HttpResponse(''), new HttpResponse(new Uint8Array(0))]) {
    t.is(empty.content.length, 0);
    empty.write('x');
    t.is(empty.text, 'x');
  }
  const replaced = new HttpResponse(new Uint8Array([1]), { charset: 'shift_jis' });
  t.throws(() => (replaced.content = 'new'), { instanceOf: TypeError });
  t.is(replaced.content.length, 0, 'a failed assignment leaves the body empty');
});

test('close() runs closers once, in order, reporting and swallowing their errors', async (t) => {
  const response = new HttpResponse('x');
  const calls: string[] = [];
  const written: string[] = [];
  response.addCloser(() => calls.push('a'));
  response.addCloser(() => {
    throw new Error('boom');
  });
  response.addCloser(async () => {
    calls.push('c');
  });
  t.false(response.closed);
  await response.close({ write: (text) => written.push(text) });
  await response.close();
  t.true(response.closed);
  t.deepEqual(calls, ['a', 'c']);
  t.is(written.length, 1);
  t.true(written[0]!.startsWith('Error closing <HttpResponse status=200, "text/html; charset=utf-8">: Error: boom'));
  t.throws(() => response.addCloser('x' as never), { instanceOf: TypeError, message: "addCloser() expects a function; got 'x'." });
});

test('JsonResponse serialises and sets application/json', (t) => {
  const response = new JsonResponse({ a: [1, 'é'] });
  t.is(response.text, '{"a":[1,"é"]}');
  t.is(response.headers.get('Content-Type'), 'application/json');
  t.is(new JsonResponse([1, 2], { safe: false }).text, '[1,2]');
  t.is(new JsonResponse({ a: 1 }, { space: 2 }).text, '{\n  "a": 1\n}');
  t.is(new JsonResponse({ d: 1n }, { replacer: (_key, value) => (typeof value === 'bigint' ? String(value) : value) }).text, '{"d":"1"}');
  t.is(new JsonResponse({}, { status: 201, headers: { 'content-type': 'application/vnd.x+json' } }).headers.get('Content-Type'), 'application/vnd.x+json');
  t.is(new JsonResponse(Object.create(null) as object).text, '{}');
});

test('JsonResponse in safe mode refuses non-objects', (t) => {
  const cases: Array<[unknown, string]> = [
    [[1, 2], 'an array of length 2'],
    ['text', "'text'"],
    [null, 'null'],
    [new Date(0), 'a Date'],
  ];
  for (const [data, shown] of cases) {
    t.throws(() => new JsonResponse(data), {
      instanceOf: TypeError,
      message: `JsonResponse got ${shown}: in order to allow non-object values to be serialized set the safe option to false.`,
    });
  }
  t.throws(() => new JsonResponse(undefined, { safe: false }), {
    instanceOf: TypeError,
    message: 'JsonResponse cannot serialize undefined as JSON. Send null or a JSON value instead.',
  });
});

test('redirects set Location, url and their status', (t) => {
  const found = new HttpResponseRedirect('/caf\u00e9/?q=a b');
  t.is(found.status, 302);
  t.is(found.url, '/caf%C3%A9/?q=a%20b');
  t.is(found.headers.get('Location'), found.url);
  t.is(String(found), '<HttpResponseRedirect status=302, "text/html; charset=utf-8", url="/caf%C3%A9/?q=a%20b">');
  t.is(new HttpResponsePermanentRedirect('https://example.com/').status, 301);
  t.is(new HttpResponseRedirect('/x', { preserveRequest: true }).status, 307);
  t.is(new HttpResponsePermanentRedirect('/x', { preserveRequest: true }).status, 308);
  for (const url of ['//other.example/', 'ftp://files.example/', 'relative/path', '?q=1', 'HTTP://EXAMPLE.COM']) {
    t.notThrows(() => new HttpResponseRedirect(url), url);
  }
});

test('redirects refuse unsafe schemes', (t) => {
  const cases: Array<[string, string]> = [
    ['javascript:alert(1)', 'javascript'],
    ['  JavaScript:alert(1)', 'javascript'],
    ['java\tscript:alert(1)', 'javascript'],
    ['data:text/html,x', 'data'],
    ['file:///etc/passwd', 'file'],
  ];
  for (const [url, scheme] of cases) {
    t.throws(() => new HttpResponsePermanentRedirect(url), {
      instanceOf: DisallowedRedirect,
      message: `Unsafe redirect to URL with protocol '${scheme}'. Redirect to an http, https or ftp URL, or a relative one.`,
    }, url);
  }
});

test('status responses carry their status', (t) => {
  const cases: Array<[HttpResponse, number]> = [
    [new HttpResponseBadRequest('bad'), 400],
    [new HttpResponseForbidden(), 403],
    [new HttpResponseNotFound('nope'), 404],
    [new HttpResponseGone(), 410],
    [new HttpResponseServerError(), 500],
    [new HttpResponseNotFound('x', { status: 404, reason: 'Gone Fishing' }), 404],
  ];
  for (const [response, status] of cases) t.is(response.status, status, response.constructor.name);
  t.is(new HttpResponseNotFound('nope').text, 'nope');
});

test('HttpResponseNotAllowed sets Allow', (t) => {
  const response = new HttpResponseNotAllowed(['GET', 'POST']);
  t.is(response.status, 405);
  t.is(response.headers.get('Allow'), 'GET, POST');
  t.is(String(response), '<HttpResponseNotAllowed [GET, POST] status=405, "text/html; charset=utf-8">');
  t.throws(() => new HttpResponseNotAllowed('GET' as never), {
    instanceOf: TypeError,
    message: "HttpResponseNotAllowed needs the permitted methods as an array; got 'GET'. Write e.g. ['GET', 'POST'].",
  });
});

test('HttpResponseNotModified has no Content-Type and refuses content', (t) => {
  const response = new HttpResponseNotModified();
  t.is(response.status, 304);
  t.false(response.headers.has('Content-Type'));
  response.content = '';
  t.is(response.content.length, 0);
  t.throws(() => (response.content = 'x'), {
    instanceOf: TypeError,
    message: "You cannot set content to a 304 (Not Modified) response; got 'x'. A 304 has no body.",
  });
});

test('StreamingHttpResponse has streamingContent and no content', async (t) => {
  const response = new StreamingHttpResponse(['a', Buffer.from('b')]);
  t.true(response.streaming);
  const chunks: string[] = [];
  for await (const chunk of response.streamingContent) chunks.push(Buffer.from(chunk).toString());
  t.deepEqual(chunks, ['a', 'b']);
  t.throws(() => response.content, {
    instanceOf: TypeError,
    message: 'This StreamingHttpResponse instance has no content. Use streamingContent instead (check response.streaming first).',
  });
  t.throws(() => new StreamingHttpResponse('abc' as never), {
    instanceOf: TypeError,
    message: "StreamingHttpResponse content must be an iterable or async iterable of strings and Uint8Arrays; got 'abc'. For a body you already have, use HttpResponse.",
  });
  const bad = new StreamingHttpResponse([1 as never]);
  await t.throwsAsync(async () => {
    for await (const _ of bad.streamingContent) void _;
  }, { instanceOf: TypeError, message: 'StreamingHttpResponse content yielded 1; yield strings or Uint8Arrays.' });
});

test('TemplateResponse renders late, once, then runs post-render callbacks', async (t) => {
  const request = new HttpRequest(createEnviron('/hello'));
  const page: Template = (context, req) => `<p>${String(context['name'])} at ${req?.path}</p>`;
  const response = new TemplateResponse(page, { name: 'Ada' }, { request, status: 201 });
  t.false(response.isRendered);
  t.throws(() => response.content, {
    instanceOf: ContentNotRenderedError,
    message: 'The response content must be rendered before it can be accessed. Await response.render() first (<TemplateResponse status=201, "text/html; charset=utf-8">).',
  });
  response.contextData['name'] = 'Grace';
  const order: string[] = [];
  response.addPostRenderCallback(() => void order.push('first'));
  const replacement = new HttpResponse('replaced');
  response.addPostRenderCallback(async () => (order.push('second'), replacement));
  t.is(await response.render(), replacement);
  t.true(response.isRendered);
  t.is(response.text, '<p>Grace at /hello</p>');
  t.is(await response.render(), response, 'renders once');
  response.addPostRenderCallback(() => void order.push('late'));
  t.deepEqual(order, ['first', 'second', 'late']);
});

test('TemplateResponse: async templates, direct content, bad templates', async (t) => {
  const response = new TemplateResponse(async (context) => `n=${String(context['n'])}`, { n: 1 });
  response.template = async () => 'swapped';
  await response.render();
  t.is(response.text, 'swapped');
  const direct = new TemplateResponse(() => 'unused');
  direct.content = 'set directly';
  t.true(direct.isRendered);
  t.throws(() => new TemplateResponse('page.html' as never), {
    instanceOf: TypeError,
    message: "TemplateResponse template must be a function (context, request) => string; got 'page.html'.",
  });
  await t.throwsAsync(new TemplateResponse((() => 5) as never).render(), {
    instanceOf: TypeError,
    message: 'TemplateResponse template an anonymous function returned 5; a template must return a string.',
  });
});

test('HttpResponse uses RFC 9110 reason phrases (413 Content Too Large)', (t) => {
  t.is(new HttpResponse('x', { status: 413 }).reasonPhrase, 'Content Too Large');
});
