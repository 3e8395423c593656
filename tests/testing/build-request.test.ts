import test from 'ava';
import { parseBaseUrl } from '../../lib/testing/base-url.js';
import { prepareRequest, toGatewayRequest, type RequestOptions } from '../../lib/testing/build-request.js';

const base = parseBaseUrl('http://localhost/', 'test');
const context = { base, subject: "Client.post('/x')" };
const prepare = (path: string, options: RequestOptions = {}, method = 'POST') => prepareRequest(method, path, options, context);

async function bodyOf(source: AsyncIterable<Uint8Array> | null): Promise<string> {
  if (source === null) return '<none>';
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts).toString();
}

test('prepareRequest() adds Host first and keeps the path and query as the target', (t) => {
  const prepared = prepare('/items?a=1', { query: { b: ['2', '3'] } }, 'GET');
  t.is(prepared.target, '/items?a=1&b=2&b=3');
  t.is(prepared.url.href, 'http://localhost/items?a=1&b=2&b=3');
  t.deepEqual(prepared.headers, [['Host', 'localhost']]);
  t.is(prepared.body, null);
});

test('prepareRequest() percent-encodes what a client cannot send and drops a fragment', (t) => {
  t.is(prepare('/caf\u00e9 menu#top', {}, 'GET').target, '/caf%C3%A9%20menu');
});

test('prepareRequest() sends a string body as UTF-8 with its Content-Length', (t) => {
  const prepared = prepare('/x', { body: 'h\u00e9' });
  t.deepEqual(prepared.headers, [['Host', 'localhost'], ['Content-Length', '3']]);
  t.is(prepared.body?.toString(), 'h\u00e9');
});

test('prepareRequest() serialises json with its Content-Type', (t) => {
  const prepared = prepare('/x', { json: { a: [1, null] } });
  t.deepEqual(prepared.headers, [['Host', 'localhost'], ['Content-Type', 'application/json'], ['Content-Length', '14']]);
  t.is(prepared.body?.toString(), '{"a":[1,null]}');
});

test('prepareRequest() sends json null as "null"', (t) => {
  t.is(prepare('/x', { json: null }).body?.toString(), 'null');
});

test('prepareRequest() urlencodes a form with its Content-Type', (t) => {
  const prepared = prepare('/x', { form: { name: 'Ada Lovelace', tag: ['a', 'b'] } });
  t.is(prepared.body?.toString(), 'name=Ada+Lovelace&tag=a&tag=b');
  t.true(prepared.headers.some(([name, value]) => name === 'Content-Type' && value === 'application/x-www-form-urlencoded'));
});

test('prepareRequest() keeps a Content-Type and Content-Length the test set itself', (t) => {
  const prepared = prepare('/x', { json: 1, headers: { 'content-type': 'application/vnd.api+json', 'Content-Length': '99' } });
  t.deepEqual(prepared.headers, [['Host', 'localhost'], ['content-type', 'application/vnd.api+json'], ['Content-Length', '99']]);
});

test('prepareRequest() streams bodyChunks chunked', async (t) => {
  const prepared = prepare('/x', { bodyChunks: [Buffer.from('ab'), Buffer.from('cd')] });
  t.deepEqual(prepared.headers, [['Host', 'localhost'], ['Transfer-Encoding', 'chunked']]);
  t.is(await bodyOf(toGatewayRequest(prepared).body), 'abcd');
});

test('prepareRequest() streams bodyChunks with a Content-Length when the test gives one', (t) => {
  const prepared = prepare('/x', { bodyChunks: [Buffer.from('ab')], headers: [['Content-Length', '2']] });
  t.deepEqual(prepared.headers, [['Host', 'localhost'], ['Content-Length', '2']]);
});

test('prepareRequest() accepts header pairs with repeats and object arrays', (t) => {
  const pairs = prepare('/x', { headers: [['X-A', '1'], ['X-A', '2']] }, 'GET');
  t.deepEqual(pairs.headers.slice(1), [['X-A', '1'], ['X-A', '2']]);
  const object = prepare('/x', { headers: { 'X-A': ['1', '2'], 'X-B': '3' } }, 'GET');
  t.deepEqual(object.headers.slice(1), [['X-A', '1'], ['X-A', '2'], ['X-B', '3']]);
});

test('prepareRequest() lets request headers replace default headers of the same name', (t) => {
  const prepared = prepareRequest('GET', '/', { headers: { accept: 'text/html' } }, {
    ...context,
    defaultHeaders: [['Accept', 'application/json'], ['X-Default', '1']],
  });
  t.deepEqual(prepared.headers, [['Host', 'localhost'], ['X-Default', '1'], ['accept', 'text/html']]);
});

test('prepareRequest() adds the Cookie header the jar gives', (t) => {
  const prepared = prepareRequest('GET', '/', {}, { ...context, cookieHeader: (url) => (url.pathname === '/' ? 'a=1' : undefined) });
  t.deepEqual(prepared.headers, [['Host', 'localhost'], ['Cookie', 'a=1']]);
});

test('prepareRequest() notices Expect: 100-continue', (t) => {
  t.true(prepare('/x', { body: 'x', headers: { Expect: '100-Continue' } }).expectContinue);
  t.false(prepare('/x', { body: 'x' }).expectContinue);
});

test('prepareRequest() puts the base URL\'s script root in front of relative paths', (t) => {
  const prepared = prepareRequest('GET', '/x', {}, { base: parseBaseUrl('https://example.com:8443/app/', 't'), subject: 't' });
  t.is(prepared.target, '/app/x');
  t.is(prepared.url.href, 'https://example.com:8443/app/x');
  t.deepEqual(prepared.headers, [['Host', 'example.com:8443']]);
});

test('prepareRequest() takes scheme and host from an absolute URL', (t) => {
  const prepared = prepare('https://other.test/p?q=1', {}, 'GET');
  t.is(prepared.target, '/p?q=1');
  t.deepEqual(prepared.headers, [['Host', 'other.test']]);
  const request = toGatewayRequest(prepared);
  t.is(request.urlScheme, 'https');
  t.is(request.serverName, 'other.test');
  t.is(request.serverPort, 443);
});

test('prepareRequest() accepts the * target of OPTIONS', (t) => {
  t.is(prepare('*', {}, 'OPTIONS').target, '*');
});

test('toGatewayRequest() gives the gateway the wire view of the request', async (t) => {
  const prepared = prepare('/x', { body: 'hi', protocol: 'HTTP/1.0', remoteAddr: '10.0.0.1', remotePort: 5555 });
  const request = toGatewayRequest(prepared);
  t.like(request, {
    method: 'POST',
    target: '/x',
    protocol: 'HTTP/1.0',
    rawHeaders: ['Host', 'localhost', 'Content-Length', '2'],
    remoteAddress: '10.0.0.1',
    remotePort: 5555,
    serverName: 'localhost',
    serverPort: 80,
    urlScheme: 'http',
  });
  t.is(await bodyOf(request.body), 'hi');
});

test('toGatewayRequest() has no body source for an empty body', (t) => {
  t.is(toGatewayRequest(prepare('/x', { body: '' })).body, null);
});

test('toGatewayRequest() body fails with ClientDisconnected once the client is gone', async (t) => {
  const request = toGatewayRequest(prepare('/x', { body: 'x' }), () => true);
  await t.throwsAsync(bodyOf(request.body), {
    message: 'The test client disconnected before sending the whole request body.',
  });
  t.is(await bodyOf(toGatewayRequest(prepare('/x', { body: 'x' }), () => false).body), 'x');
});

test('toGatewayRequest() body rejects a chunk that is not a Uint8Array', async (t) => {
  const request = toGatewayRequest(prepare('/x', { bodyChunks: ['text' as unknown as Uint8Array] }));
  await t.throwsAsync(bodyOf(request.body), {
    instanceOf: TypeError,
    message: "bodyChunks must yield Uint8Array chunks; got 'text'. Encode strings with Buffer.from().",
  });
});

const misuse: Array<[label: string, run: () => unknown, message: string]> = [
  ['two body options', () => prepare('/x', { body: 'a', json: {} }), "Client.post('/x') options body and json cannot be combined; pass only one of body, json, form or bodyChunks."],
  ['three body options', () => prepare('/x', { json: 1, form: {}, bodyChunks: [] }), "Client.post('/x') options json and form and bodyChunks cannot be combined; pass only one of body, json, form or bodyChunks."],
  ['an unknown option', () => prepare('/x', { jsn: 1 } as RequestOptions), "Client.post('/x') got an unknown option 'jsn'. Known options: headers, query, body, json, form, bodyChunks, protocol, remoteAddr, remotePort."],
  ['a bad method', () => prepareRequest('GE T', '/', {}, context), "Client.post('/x') method must be an HTTP token like 'GET'; got 'GE T'."],
  ['a relative path', () => prepare('x'), "Client.post('/x') path must start with '/' (or be an absolute URL); got 'x'. Write '/x'."],
  ['a non-string path', () => prepare(5 as unknown as string), "Client.post('/x') path must be a string like '/items'; got 5."],
  ['a non-http URL', () => prepare('ftp://x/y'), "Client.post('/x') can only request http(s) URLs; got 'ftp://x/y'."],
  ['a query on *', () => prepare('*', { query: { a: '1' } }), "Client.post('/x') cannot add a query to the '*' target."],
  ['an object body', () => prepare('/x', { body: {} as string }), "Client.post('/x') body must be a string or a Uint8Array; got an object. Use json or form for objects."],
  ['unserialisable json', () => prepare('/x', { json: Symbol('s') }), "Client.post('/x') json must be JSON-serialisable; got Symbol(s)."],
  ['bodyChunks not iterable', () => prepare('/x', { bodyChunks: 5 as unknown as Uint8Array[] }), "Client.post('/x') bodyChunks must be an iterable of Uint8Array chunks; got 5. Use body for a whole body."],
  ['bodyChunks a Buffer', () => prepare('/x', { bodyChunks: Buffer.from('x') as unknown as Uint8Array[] }), "Client.post('/x') bodyChunks must be an iterable of Uint8Array chunks; got a Buffer. Use body for a whole body."],
  ['a bad header name', () => prepare('/x', { headers: { 'X Bad': '1' } }), "Client.post('/x') header name must be an HTTP token like 'X-Token'; got 'X Bad'."],
  ['a non-string header value', () => prepare('/x', { headers: { 'X-N': 1 as unknown as string } }), "Client.post('/x') header 'X-N' value must be a string; got 1. Convert it with String()."],
  ['a CR LF in a header value', () => prepare('/x', { headers: { 'X-A': 'a\r\nInjected: 1' } }), "Client.post('/x') header 'X-A' value has a character no client can send (U+000D at index 1). Header values are byte strings without CR, LF or NUL: encode text with utf8ToByteString()."],
  ['a non-latin-1 header value', () => prepare('/x', { headers: { 'X-A': '\u20ac' } }), "Client.post('/x') header 'X-A' value has a character no client can send (U+20AC at index 0). Header values are byte strings without CR, LF or NUL: encode text with utf8ToByteString()."],
  ['a bad header pair', () => prepare('/x', { headers: [['X-A']] as unknown as Array<[string, string]> }), "Client.post('/x') headers pairs must be [name, value] arrays; got an array of length 1."],
  ['headers that are a string', () => prepare('/x', { headers: 'X-A: 1' as unknown as Record<string, string> }), "Client.post('/x') headers must be an object or an array of [name, value] pairs; got 'X-A: 1'."],
  ['a bad protocol', () => prepare('/x', { protocol: 'HTTP/2' }), "Client.post('/x') protocol must look like 'HTTP/1.1'; got 'HTTP/2'."],
  ['a bad remotePort', () => prepare('/x', { remotePort: 70000 }), "Client.post('/x') remotePort must be an integer from 0 to 65535; got 70000."],
  ['a bad remoteAddr', () => prepare('/x', { remoteAddr: 1 as unknown as string }), "Client.post('/x') remoteAddr must be a string; got 1."],
  ['options that are not an object', () => prepare('/x', null as unknown as RequestOptions), "Client.post('/x') options must be an object; got null."],
];
for (const [label, run, message] of misuse) {
  test(`prepareRequest() rejects ${label}`, (t) => {
    t.throws(run, { instanceOf: TypeError, message });
  });
}
