import test from 'ava';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { validate } from '../../lib/validate/index.js';
import { createEnviron } from '../../lib/testing/create-environ.js';

test('createEnviron() with no arguments is a GET of / on http://localhost', (t) => {
  const environ = createEnviron();
  t.like(environ, {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    REQUEST_URI: '/',
    SERVER_NAME: 'localhost',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    HTTP_HOST: 'localhost',
    REMOTE_ADDR: '127.0.0.1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    'tsgi.url_scheme': 'http',
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
  });
  t.deepEqual([...environ['tsgi.version']], [1, 0]);
  t.true(environ['tsgi.errors'] instanceof MemoryErrorStream);
  t.false('CONTENT_LENGTH' in environ);
  t.false('CONTENT_TYPE' in environ);
});

test('createEnviron() passes validate()\'s environ checks', async (t) => {
  let seen = false;
  const app = validate((environ, startResponse) => {
    seen = environ.PATH_INFO === '/x';
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [];
  });
  const body = await app(createEnviron('/x', { method: 'POST', json: { a: 1 } }), () => async () => undefined);
  (body as { close?: () => void }).close?.();
  t.true(seen);
});

test('createEnviron() decodes PATH_INFO once and keeps the query and REQUEST_URI raw', (t) => {
  const environ = createEnviron('/a%2Fb/caf\u00e9?q=%20x', { query: { page: '2' } });
  t.is(environ.PATH_INFO, '/a/b/caf\xc3\xa9');
  t.is(environ.QUERY_STRING, 'q=%20x&page=2');
  t.is(environ.REQUEST_URI, '/a%2Fb/caf%C3%A9?q=%20x&page=2');
});

test('createEnviron() sets CONTENT_TYPE, CONTENT_LENGTH and tsgi.input from json', async (t) => {
  const environ = createEnviron('/api', { method: 'POST', json: { a: 1 } });
  t.is(environ.CONTENT_TYPE, 'application/json');
  t.is(environ.CONTENT_LENGTH, '7');
  t.false('HTTP_CONTENT_TYPE' in environ);
  t.is(Buffer.from(await environ['tsgi.input'].read()).toString(), '{"a":1}');
});

test('createEnviron() urlencodes a form', async (t) => {
  const environ = createEnviron('/f', { method: 'POST', form: { a: 'x y' } });
  t.is(environ.CONTENT_TYPE, 'application/x-www-form-urlencoded');
  t.is(Buffer.from(await environ['tsgi.input'].read()).toString(), 'a=x+y');
});

test('createEnviron() makes a chunked upload with tsgi.input_terminated', async (t) => {
  const environ = createEnviron('/u', { method: 'PUT', bodyChunks: [Buffer.from('ab'), Buffer.from('c')] });
  t.true(environ['tsgi.input_terminated']);
  t.is(environ.HTTP_TRANSFER_ENCODING, 'chunked');
  t.false('CONTENT_LENGTH' in environ);
  t.is(Buffer.from(await environ['tsgi.input'].read()).toString(), 'abc');
});

test('createEnviron() maps headers, dropping names with an underscore', (t) => {
  const environ = createEnviron('/', { headers: [['X-Token', 'a'], ['X-Token', 'b'], ['X_Token', 'forged'], ['Cookie', 'a=1'], ['Cookie', 'b=2']] });
  t.is(environ.HTTP_X_TOKEN, 'a,b');
  t.is(environ.HTTP_COOKIE, 'a=1; b=2');
});

test('createEnviron() takes scheme, host, port and SCRIPT_NAME from baseUrl', (t) => {
  const environ = createEnviron('/items', { baseUrl: 'https://example.com:8443/shop/' });
  t.like(environ, {
    'tsgi.url_scheme': 'https',
    HTTPS: 'on',
    HTTP_HOST: 'example.com:8443',
    SERVER_NAME: 'example.com',
    SERVER_PORT: '8443',
    SCRIPT_NAME: '/shop',
    PATH_INFO: '/items',
    REQUEST_URI: '/shop/items',
  });
});

test('createEnviron() scriptName replaces the base URL path, encoded like a path', (t) => {
  const environ = createEnviron('/', { baseUrl: 'http://localhost/ignored', scriptName: '/caf\u00e9' });
  t.is(environ.SCRIPT_NAME, '/caf\xc3\xa9');
  t.is(environ.PATH_INFO, '/');
});

test('createEnviron(\'\') under a script root requests the root path \'/\'', (t) => {
  const environ = createEnviron('', { scriptName: '/app' });
  t.is(environ.SCRIPT_NAME, '/app');
  t.is(environ.PATH_INFO, '/');
});

test('createEnviron() sets the remote address, protocol, server software and flags', (t) => {
  const environ = createEnviron('/', {
    remoteAddr: '10.1.2.3',
    remotePort: 4000,
    protocol: 'HTTP/1.0',
    serverSoftware: 'test/1',
    multithread: true,
    multiprocess: true,
    runOnce: true,
  });
  t.like(environ, {
    REMOTE_ADDR: '10.1.2.3',
    REMOTE_PORT: '4000',
    SERVER_PROTOCOL: 'HTTP/1.0',
    SERVER_SOFTWARE: 'test/1',
    'tsgi.multithread': true,
    'tsgi.multiprocess': true,
    'tsgi.run_once': true,
  });
});

test('createEnviron() leaves SERVER_SOFTWARE out for serverSoftware \'\'', (t) => {
  t.false('SERVER_SOFTWARE' in createEnviron('/', { serverSoftware: '' }));
});

test('createEnviron() uses the given errors stream and file wrapper', (t) => {
  const errors = new MemoryErrorStream();
  const fileWrapper = () => [];
  const environ = createEnviron('/', { errors, fileWrapper });
  t.is(environ['tsgi.errors'], errors);
  t.is(environ['tsgi.file_wrapper'], fileWrapper);
});

test('createEnviron() sets extra keys last', (t) => {
  const environ = createEnviron('/', { extra: { PATH_INFO: '/overridden', 'myapp.user': 'ada' } });
  t.is(environ.PATH_INFO, '/overridden');
  t.is(environ['myapp.user'], 'ada');
});

const misuse: Array<[label: string, run: () => unknown, message: string]> = [
  ['a scriptName ending with /', () => createEnviron('/', { scriptName: '/app/' }), "createEnviron('/') scriptName must be '' or start with '/' and not end with '/'; got '/app/'. Write e.g. '/app'."],
  ['a scriptName without a leading /', () => createEnviron('/', { scriptName: 'app' }), "createEnviron('/') scriptName must be '' or start with '/' and not end with '/'; got 'app'. Write e.g. '/app'."],
  ['an absolute URL outside the script name', () => createEnviron('http://localhost/other', { scriptName: '/app' }), "createEnviron('http://localhost/other') the URL's path '/other' is outside the script name '/app'."],
  ['extra that is not an object', () => createEnviron('/', { extra: 'x' as unknown as Record<string, unknown> }), "createEnviron('/') extra must be an object of environ keys; got 'x'."],
  ['options that are not an object', () => createEnviron('/', 5 as unknown as Record<string, unknown>), "createEnviron('/') options must be an object; got 5."],
  ['an unknown option', () => createEnviron('/', { mehtod: 'POST' } as Record<string, unknown>), "createEnviron('/') got an unknown option 'mehtod'. Known options: headers, query, body, json, form, bodyChunks, protocol, remoteAddr, remotePort, method, baseUrl, scriptName, errors, multithread, multiprocess, runOnce, serverSoftware, fileWrapper, extra."],
  ['two bodies', () => createEnviron('/', { body: 'a', form: {} }), "createEnviron('/') options body and form cannot be combined; pass only one of body, json, form or bodyChunks."],
];
for (const [label, run, message] of misuse) {
  test(`createEnviron() rejects ${label}`, (t) => {
    t.throws(run, { instanceOf: TypeError, message });
  });
}
