import test from 'ava';
import { buildEnviron } from '../../lib/gateway/environ.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import type { Environ } from '../../lib/protocol/types.js';
import { makeOptions, makeRequest, SOFTWARE } from './gateway-fixtures.js';
import type { GatewayRequest } from '../../lib/gateway/types.js';

function environ(request: Partial<GatewayRequest> = {}, options: Parameters<typeof makeOptions>[0] = {}): Environ {
  return buildEnviron(makeRequest(request), makeOptions(options));
}

/** The CGI (string) keys only. */
function cgi(env: Environ): Record<string, unknown> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.includes('.')));
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

test('buildEnviron(request, options) gives the CGI keys of a plain GET', (t) => {
  const env = environ({ target: '/hello?name=x', remoteAddress: '10.0.0.1', remotePort: 5555 });
  t.deepEqual(cgi(env), {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/hello',
    QUERY_STRING: 'name=x',
    REQUEST_URI: '/hello?name=x',
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_NAME: 'example.com',
    SERVER_PORT: '80',
    GATEWAY_INTERFACE: 'CGI/1.1',
    HTTP_HOST: 'example.com',
    REMOTE_ADDR: '10.0.0.1',
    REMOTE_PORT: '5555',
    SERVER_SOFTWARE: SOFTWARE,
  });
});

test('buildEnviron(request, options) maps header names in any spelling to the same key', (t) => {
  const env = environ({
    rawHeaders: [
      'host', 'a.example',
      'ACCEPT-ENCODING', 'gzip',
      'user-agent', 'curl/8',
      'Accept-Language', 'fr',
      'content-type', 'text/plain',
      'CONTENT-LENGTH', '0',
      'X-Request-Id', 'r1',
      'x-request-id', 'r2',
      'Cookie', 'a=1',
      'cookie', 'b=2',
      'Sec-Fetch-Mode', 'cors',
      'Referrer', 'misspelt',
    ],
  });
  t.like(cgi(env), {
    HTTP_HOST: 'a.example',
    HTTP_ACCEPT_ENCODING: 'gzip',
    HTTP_USER_AGENT: 'curl/8',
    HTTP_ACCEPT_LANGUAGE: 'fr',
    CONTENT_TYPE: 'text/plain',
    CONTENT_LENGTH: '0',
    HTTP_X_REQUEST_ID: 'r1,r2',
    HTTP_COOKIE: 'a=1; b=2',
    HTTP_SEC_FETCH_MODE: 'cors',
    HTTP_REFERRER: 'misspelt',
  });
  t.false('HTTP_CONTENT_TYPE' in env);
  t.false('HTTP_CONTENT_LENGTH' in env);
});

// The headers environ-headers.ts stores through a function of their own, and the key each must reach.
const commonHeaders: Array<[name: string, key: string]> = [
  ['Host', 'HTTP_HOST'],
  ['Connection', 'HTTP_CONNECTION'],
  ['User-Agent', 'HTTP_USER_AGENT'],
  ['Accept', 'HTTP_ACCEPT'],
  ['Accept-Encoding', 'HTTP_ACCEPT_ENCODING'],
  ['Accept-Language', 'HTTP_ACCEPT_LANGUAGE'],
  ['Referer', 'HTTP_REFERER'],
  ['Origin', 'HTTP_ORIGIN'],
  ['Authorization', 'HTTP_AUTHORIZATION'],
  ['Cache-Control', 'HTTP_CACHE_CONTROL'],
  ['If-None-Match', 'HTTP_IF_NONE_MATCH'],
  ['If-Modified-Since', 'HTTP_IF_MODIFIED_SINCE'],
  ['Content-Type', 'CONTENT_TYPE'],
  ['Content-Length', 'CONTENT_LENGTH'],
  ['X-Forwarded-For', 'HTTP_X_FORWARDED_FOR'],
  ['X-Forwarded-Proto', 'HTTP_X_FORWARDED_PROTO'],
];

for (const [name, key] of commonHeaders) {
  test(`buildEnviron(request, options) stores ${name} as ${key}, joining a repeat with a comma`, (t) => {
    const env = environ({ rawHeaders: ['X-Before', 'b', name, '1', name.toLowerCase(), '2', name.toUpperCase(), '3'] });
    // Three Content-Lengths joined are no length: that one is dropped, as a bad CONTENT_LENGTH is.
    t.is(env[key], key === 'CONTENT_LENGTH' ? undefined : '1,2,3');
    t.is(env['HTTP_X_BEFORE'], 'b');
    t.is(environ({ rawHeaders: [name.toLowerCase(), '7'] })[key], '7');
  });
}

test('buildEnviron(request, options) joins repeated Cookie headers with "; " in any spelling', (t) => {
  const env = environ({ rawHeaders: ['Cookie', 'a=1', 'cookie', 'b=2', 'COOKIE', 'c=3'] });
  t.is(env['HTTP_COOKIE'], 'a=1; b=2; c=3');
});

test('buildEnviron(request, options) gives the tsgi.* keys from the options', (t) => {
  const errors = new MemoryErrorStream();
  const fileWrapper = () => [];
  const env = environ({}, { errors, multithread: true, multiprocess: true, runOnce: true, fileWrapper });
  t.deepEqual(env['tsgi.version'], [1, 0]);
  t.is(env['tsgi.url_scheme'], 'http');
  t.is(env['tsgi.errors'], errors);
  t.is(env['tsgi.multithread'], true);
  t.is(env['tsgi.multiprocess'], true);
  t.is(env['tsgi.run_once'], true);
  t.is(env['tsgi.file_wrapper'], fileWrapper);
  t.is(typeof env['tsgi.input'].read, 'function');
  t.false('tsgi.input_terminated' in env);
  t.false('HTTPS' in env);
});

test('buildEnviron(request, options) leaves out what is unknown or empty', (t) => {
  const env = environ({}, { serverSoftware: '', multithread: false });
  t.false('REMOTE_ADDR' in env);
  t.false('REMOTE_PORT' in env);
  t.false('SERVER_SOFTWARE' in env);
  t.false('tsgi.file_wrapper' in env);
  t.false('CONTENT_TYPE' in env);
  t.false('CONTENT_LENGTH' in env);
  t.is(env['tsgi.multithread'], false);
});

test('buildEnviron(request, options) sets HTTPS and the https scheme', (t) => {
  const env = environ({ urlScheme: 'https', rawHeaders: ['Host', 'secure.example'] });
  t.is(env.HTTPS, 'on');
  t.is(env['tsgi.url_scheme'], 'https');
  t.is(env.SERVER_PORT, '443');
});

const pathCases: Array<[label: string, target: string, pathInfo: string, query: string]> = [
  ['no escapes', '/a/b', '/a/b', ''],
  ['a space', '/a%20b', '/a b', ''],
  ['an encoded slash', '/a%2Fb', '/a/b', ''],
  ['lowercase hex', '/a%2fb', '/a/b', ''],
  ['a non-ASCII byte', '/caf%E9', '/caf\xe9', ''],
  ['UTF-8 bytes stay bytes', '/%E4%BD%A0', '/\xe4\xbd\xa0', ''],
  ['an encoded percent, decoded once', '/100%2541', '/100%41', ''],
  ['an invalid escape', '/%zz', '/%zz', ''],
  ['a half escape at the end', '/a%4', '/a%4', ''],
  ['a lone percent', '/%', '/%', ''],
  ['an invalid then a valid escape', '/%%41', '/%A', ''],
  ['a query kept raw', '/p%20?q=%20&r', '/p ', 'q=%20&r'],
  ['an empty query', '/p?', '/p', ''],
  ['a second question mark is query', '/p?a?b', '/p', 'a?b'],
  ['asterisk-form', '*', '*', ''],
  ['absolute-form', 'http://other.example:81/x%20y?z=1', '/x y', 'z=1'],
  ['absolute-form without a path', 'http://other.example', '/', ''],
  ['absolute-form with only a query', 'http://other.example?z', '/', 'z'],
];

for (const [label, target, pathInfo, query] of pathCases) {
  test(`buildEnviron(request, options) maps target ${JSON.stringify(target)} (${label})`, (t) => {
    const env = environ({ target });
    t.is(env.PATH_INFO, pathInfo);
    t.is(env.QUERY_STRING, query);
    t.is(env.REQUEST_URI, target);
  });
}

test('buildEnviron(request, options) takes the host from an absolute-form target over the Host header', (t) => {
  const env = environ({ target: 'https://user@other.example:8443/p', rawHeaders: ['Host', 'example.com'] });
  t.is(env.HTTP_HOST, 'other.example:8443');
  t.is(env.SERVER_NAME, 'other.example');
  t.is(env.SERVER_PORT, '8443');
  t.is(env['tsgi.url_scheme'], 'http');
});

test('buildEnviron(request, options) uses the default port of an absolute URI scheme', (t) => {
  const env = environ({ target: 'https://other.example/p' });
  t.is(env.SERVER_PORT, '443');
});

const hostCases: Array<[label: string, rawHeaders: string[], serverName: string, serverPort: string]> = [
  ['name and port', ['Host', 'example.com:8080'], 'example.com', '8080'],
  ['name only', ['Host', 'example.com'], 'example.com', '80'],
  ['name and empty port', ['Host', 'example.com:'], 'example.com', '80'],
  ['IPv6 and port', ['Host', '[::1]:8080'], '[::1]', '8080'],
  ['IPv6 only', ['Host', '[::1]'], '[::1]', '80'],
  ['IPv4 and port', ['Host', '10.1.2.3:81'], '10.1.2.3', '81'],
  ['no Host', [], '127.0.0.1', '8000'],
  ['an empty Host', ['Host', ''], '127.0.0.1', '8000'],
  ['a malformed Host', ['Host', 'a b:c'], '127.0.0.1', '8000'],
];

for (const [label, rawHeaders, serverName, serverPort] of hostCases) {
  test(`buildEnviron(request, options) finds SERVER_NAME and SERVER_PORT: ${label}`, (t) => {
    const env = environ({ rawHeaders });
    t.is(env.SERVER_NAME, serverName);
    t.is(env.SERVER_PORT, serverPort);
  });
}

test('buildEnviron(request, options) brackets an IPv6 local address without a Host header', (t) => {
  const env = environ({ rawHeaders: [], serverName: '::1', serverPort: 9000 });
  t.is(env.SERVER_NAME, '[::1]');
  t.is(env.SERVER_PORT, '9000');
});

test('buildEnviron(request, options) maps headers to HTTP_* keys', (t) => {
  const env = environ({
    rawHeaders: [
      'Host', 'example.com',
      'X-Forwarded-For', '1.1.1.1',
      'accept', 'text/html',
      'X-Forwarded-For', '2.2.2.2',
      'Cookie', 'a=1',
      'cookie', 'b=2',
      'X_Forwarded_For', 'forged',
      'Content-Type', 'text/plain',
      'Content-Length', '0',
      'Path-Info', '/evil',
      'X-Latin', 'caf\xe9',
    ],
  });
  t.deepEqual(cgi(env), {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    REQUEST_URI: '/',
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_NAME: 'example.com',
    SERVER_PORT: '80',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_SOFTWARE: SOFTWARE,
    HTTP_HOST: 'example.com',
    HTTP_X_FORWARDED_FOR: '1.1.1.1,2.2.2.2',
    HTTP_ACCEPT: 'text/html',
    HTTP_COOKIE: 'a=1; b=2',
    CONTENT_TYPE: 'text/plain',
    CONTENT_LENGTH: '0',
    HTTP_PATH_INFO: '/evil',
    HTTP_X_LATIN: 'caf\xe9',
  });
  t.false('HTTP_CONTENT_TYPE' in env);
  t.false('HTTP_CONTENT_LENGTH' in env);
});

test('buildEnviron(request, options) copies baseEnviron first and lets the request win', (t) => {
  const env = environ(
    { rawHeaders: ['Host', 'example.com', 'X-Team', 'web'] },
    { baseEnviron: { DEPLOYMENT: 'blue', REQUEST_METHOD: 'POST', HTTP_X_TEAM: 'ops' } },
  );
  t.is(env.DEPLOYMENT, 'blue');
  t.is(env.REQUEST_METHOD, 'GET');
  t.is(env.HTTP_X_TEAM, 'web');
  t.is(Object.getPrototypeOf(env), Object.prototype);
});

test('buildEnviron(request, options) ends tsgi.input at CONTENT_LENGTH', async (t) => {
  const env = environ({
    method: 'POST',
    rawHeaders: ['Host', 'example.com', 'Content-Length', '5'],
    body: chunks('hel', 'lo, next request'),
  });
  t.is(Buffer.from(await env['tsgi.input'].read()).toString(), 'hello');
  t.is((await env['tsgi.input'].read()).length, 0);
  t.false('tsgi.input_terminated' in env);
});

test('buildEnviron(request, options) marks a chunked request with tsgi.input_terminated', async (t) => {
  const env = environ({
    method: 'POST',
    rawHeaders: ['Host', 'example.com', 'Transfer-Encoding', 'chunked'],
    body: chunks('a', 'b', 'c'),
  });
  t.is(env['tsgi.input_terminated'], true);
  t.false('CONTENT_LENGTH' in env);
  t.is(Buffer.from(await env['tsgi.input'].read()).toString(), 'abc');
});

test('buildEnviron(request, options) gives an empty tsgi.input when there is no body', async (t) => {
  const env = environ({ body: null });
  t.is((await env['tsgi.input'].read()).length, 0);
  t.false('tsgi.input_terminated' in env);
});

test('buildEnviron(request, options) drops a CONTENT_LENGTH that is not a number and reads nothing', async (t) => {
  const env = environ({ rawHeaders: ['Host', 'example.com', 'Content-Length', '5x'], body: chunks('12345') });
  t.false('CONTENT_LENGTH' in env);
  t.is((await env['tsgi.input'].read()).length, 0);
});

function continueCounter(): { hooks: { sendContinue: () => void }; count: () => number } {
  let calls = 0;
  return { hooks: { sendContinue: () => void calls++ }, count: () => calls };
}

test('buildEnviron(request, options, hooks) sends 100 Continue on the first read of tsgi.input', async (t) => {
  const { hooks, count } = continueCounter();
  const request = makeRequest({
    method: 'POST',
    rawHeaders: ['Host', 'example.com', 'Expect', '100-Continue', 'Content-Length', '2'],
    body: chunks('hi'),
  });
  const env = buildEnviron(request, makeOptions(), hooks);
  t.is(count(), 0);
  t.is((await env['tsgi.input'].read(1)).length, 1);
  t.is(count(), 1);
  await env['tsgi.input'].read();
  t.is(count(), 1);
});

test('buildEnviron(request, options, hooks) sends no 100 Continue without Expect', async (t) => {
  const { hooks, count } = continueCounter();
  const request = makeRequest({ method: 'POST', rawHeaders: ['Host', 'h', 'Content-Length', '2'], body: chunks('hi') });
  await buildEnviron(request, makeOptions(), hooks)['tsgi.input'].read();
  t.is(count(), 0);
});

test('buildEnviron(request, options, hooks) sends no 100 Continue for an empty body', async (t) => {
  const { hooks, count } = continueCounter();
  const request = makeRequest({ method: 'POST', rawHeaders: ['Host', 'h', 'Expect', '100-continue', 'Content-Length', '0'] });
  await buildEnviron(request, makeOptions(), hooks)['tsgi.input'].read();
  t.is(count(), 0);
});

test('buildEnviron(request, options) gives a plain object (SPEC §4.1), whatever V8 does to build it', (t) => {
  const env = environ({ rawHeaders: ['Host', 'example.com', 'X-One', '1'] });
  t.is(Object.getPrototypeOf(env), Object.prototype);
  t.is(env.constructor, Object);
  t.is(Object.prototype.toString.call(env), '[object Object]');
  t.deepEqual(Object.keys(env).slice(0, 3), ['REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO']);
  t.is(JSON.parse(JSON.stringify({ ...env, 'tsgi.input': null, 'tsgi.errors': null })).HTTP_X_ONE, '1');
});
