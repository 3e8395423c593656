import test from 'ava';
import { buildEnviron, defaultGatewayOptions } from '../../lib/gateway/index.js';
import type { Environ } from '../../lib/protocol/types.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { toUwsgiGatewayRequest, withUwsgiVars } from '../../lib/uwsgi/uwsgi-request.js';
import type { UwsgiRequestParts } from '../../lib/uwsgi/uwsgi-request.js';
import { UwsgiProtocolError } from '../../lib/uwsgi/uwsgi-protocol-error.js';
import { NGINX_VARS } from './nginx-vars.js';

const PEER = { remoteAddress: '10.9.9.9', remotePort: 999, serverName: 'sockethost', serverPort: 3031 };


/** The environ the gateway builds for these parts, completed by withUwsgiVars(). */
function environOf(parts: UwsgiRequestParts): Environ {
  const options = defaultGatewayOptions({ errors: new MemoryErrorStream() });
  let seen: Environ | undefined;
  withUwsgiVars((environ) => {
    seen = environ;
    return [];
  }, parts)(buildEnviron(parts.request, options), () => () => Promise.resolve());
  return seen!;
}

test('toUwsgiGatewayRequest(nginx vars) gives the request as the client sent it', (t) => {
  const { request, contentLength, scriptName } = toUwsgiGatewayRequest(NGINX_VARS, PEER);
  t.deepEqual(request, {
    method: 'GET',
    target: '/hello?x=1',
    protocol: 'HTTP/1.1',
    rawHeaders: ['HOST', 'example.com', 'USER-AGENT', 'curl/8.0'],
    body: null,
    serverName: 'localhost',
    serverPort: 80,
    urlScheme: 'http',
    remoteAddress: '127.0.0.1',
    remotePort: 51234,
  });
  t.is(contentLength, undefined, 'an empty CONTENT_LENGTH is no body');
  t.is(scriptName, '');
});

test('the environ of nginx vars has the CGI keys, no empty CONTENT_* and the extra vars', (t) => {
  const environ = environOf(toUwsgiGatewayRequest(NGINX_VARS, PEER));
  t.is(environ.PATH_INFO, '/hello');
  t.is(environ.QUERY_STRING, 'x=1');
  t.is(environ.HTTP_HOST, 'example.com');
  t.is(environ.SERVER_NAME, 'example.com');
  t.is(environ.HTTP_USER_AGENT, 'curl/8.0');
  t.false('CONTENT_TYPE' in environ);
  t.false('CONTENT_LENGTH' in environ);
  t.is(environ.DOCUMENT_ROOT, '/usr/share/nginx/html');
  t.is(environ.REQUEST_SCHEME, 'http');
});

test('toUwsgiGatewayRequest() keeps repeated HTTP_* vars for the gateway to join, and takes CONTENT_* from their own vars only', (t) => {
  const parts = toUwsgiGatewayRequest(
    [
      ['REQUEST_METHOD', 'POST'],
      ['REQUEST_URI', '/'],
      ['CONTENT_TYPE', 'text/plain'],
      ['CONTENT_LENGTH', '5'],
      ['HTTP_CONTENT_LENGTH', '999'],
      ['HTTP_COOKIE', 'a=1'],
      ['HTTP_COOKIE', 'b=2'],
      ['HTTP_X_MULTI', 'a'],
      ['HTTP_X_MULTI', 'b'],
    ],
    PEER,
  );
  t.is(parts.contentLength, 5);
  const environ = environOf(parts);
  t.is(environ.CONTENT_LENGTH, '5');
  t.is(environ.CONTENT_TYPE, 'text/plain');
  t.is(environ.HTTP_COOKIE, 'a=1; b=2');
  t.is(environ.HTTP_X_MULTI, 'a,b');
  t.false('HTTP_CONTENT_LENGTH' in environ);
});

for (const [label, vars, scheme] of [
  ['HTTPS=on', [['HTTPS', 'on']], 'https'],
  ['HTTPS=1', [['HTTPS', '1']], 'https'],
  ['UWSGI_SCHEME=https', [['UWSGI_SCHEME', 'https']], 'https'],
  ['REQUEST_SCHEME=https', [['REQUEST_SCHEME', 'https']], 'https'],
  ['HTTPS=off', [['HTTPS', 'off']], 'http'],
  ['no scheme var', [], 'http'],
] as Array<[string, Array<[string, string]>, string]>) {
  test(`toUwsgiGatewayRequest() scheme with ${label} is ${scheme}`, (t) => {
    const { request } = toUwsgiGatewayRequest([['REQUEST_METHOD', 'GET'], ...vars], PEER);
    t.is(request.urlScheme, scheme as 'http' | 'https');
  });
}

test('toUwsgiGatewayRequest() without REQUEST_URI quotes PATH_INFO back and adds the query', (t) => {
  const { request } = toUwsgiGatewayRequest([['REQUEST_METHOD', 'GET'], ['PATH_INFO', '/a b/\xe4%'], ['QUERY_STRING', 'q=1']], PEER);
  t.is(request.target, '/a%20b/%E4%25?q=1');
  t.is(toUwsgiGatewayRequest([['REQUEST_METHOD', 'GET']], PEER).request.target, '/');
});

test('toUwsgiGatewayRequest() falls back to the socket for addresses the vars leave out', (t) => {
  const { request } = toUwsgiGatewayRequest([['REQUEST_METHOD', 'GET'], ['SERVER_PORT', 'x']], PEER);
  t.is(request.remoteAddress, '10.9.9.9');
  t.is(request.remotePort, 999);
  t.is(request.serverName, 'sockethost');
  t.is(request.serverPort, 3031);
  t.is(request.protocol, 'HTTP/1.1');
});

test('toUwsgiGatewayRequest() refuses a missing method and a CONTENT_LENGTH that is not a number', (t) => {
  const noMethod = t.throws(() => toUwsgiGatewayRequest([['REQUEST_URI', '/']], PEER), {
    instanceOf: UwsgiProtocolError,
    message:
      "uwsgi request: REQUEST_METHOD must be an HTTP method token; got ''. Send it as nginx does: include uwsgi_params (uwsgi_param REQUEST_METHOD $request_method;).",
  });
  t.is(noMethod?.code, 'bad-vars');
  t.throws(() => toUwsgiGatewayRequest([['REQUEST_METHOD', 'POST'], ['CONTENT_LENGTH', '-1']], PEER), {
    instanceOf: UwsgiProtocolError,
    message:
      "uwsgi request: CONTENT_LENGTH must be a number of bytes; got '-1'. The body after the vars is exactly that long; send the length nginx computed ($content_length).",
  });
});

test('withUwsgiVars() moves SCRIPT_NAME out of PATH_INFO at a segment boundary', (t) => {
  const base: Array<[string, string]> = [['REQUEST_METHOD', 'GET'], ['REQUEST_URI', '/app/users?x=1']];
  const mounted = environOf(toUwsgiGatewayRequest([...base, ['SCRIPT_NAME', '/app/']], PEER));
  t.is(mounted.SCRIPT_NAME, '/app');
  t.is(mounted.PATH_INFO, '/users');
  const exact = environOf(toUwsgiGatewayRequest([['REQUEST_METHOD', 'GET'], ['REQUEST_URI', '/app'], ['SCRIPT_NAME', '/app']], PEER));
  t.deepEqual([exact.SCRIPT_NAME, exact.PATH_INFO], ['/app', '']);
  const other = environOf(toUwsgiGatewayRequest([['REQUEST_METHOD', 'GET'], ['REQUEST_URI', '/application'], ['SCRIPT_NAME', '/app']], PEER));
  t.deepEqual([other.SCRIPT_NAME, other.PATH_INFO], ['', '/application'], 'not a prefix at a segment boundary');
  const root = toUwsgiGatewayRequest([...base, ['SCRIPT_NAME', '/']], PEER);
  t.is(root.scriptName, '');
});

test('withUwsgiVars() never lets a var replace a key the gateway built, nor a dotted key', (t) => {
  const environ = environOf(
    toUwsgiGatewayRequest(
      [['REQUEST_METHOD', 'GET'], ['REMOTE_USER', 'ann'], ['GATEWAY_INTERFACE', 'x'], ['tsgi.url_scheme', 'https'], ['lower', 'x']],
      PEER,
    ),
  );
  t.is(environ.REMOTE_USER, 'ann');
  t.is(environ.GATEWAY_INTERFACE, 'CGI/1.1');
  t.is(environ['tsgi.url_scheme'], 'http');
  t.false('lower' in environ);
});

test('withUwsgiVars() returns the app itself when there is nothing to add', (t) => {
  const app = () => [];
  t.is(withUwsgiVars(app, toUwsgiGatewayRequest([['REQUEST_METHOD', 'GET']], PEER)), app);
});
