import test from 'ava';
import { DisallowedHost, TooManyFieldsSent } from '../../../lib/framework/errors.js';
import { HttpRequest, QueryDict, checkHttpRequestOptions } from '../../../lib/framework/http/index.js';
import { ImproperlyConfigured, TsgiError } from '../../../lib/protocol/errors.js';
import { utf8ToByteString } from '../../../lib/protocol/byte-string.js';
import { createEnviron } from '../../../lib/testing/index.js';

function request(path = '/', options: Parameters<typeof createEnviron>[1] = {}, requestOptions = {}): HttpRequest {
  return new HttpRequest(createEnviron(path, options), requestOptions);
}

test('new HttpRequest() upper-cases the method and exposes the environ as META', (t) => {
  const environ = createEnviron('/', { method: 'post' });
  const req = new HttpRequest(environ);
  t.is(req.method, 'POST');
  t.is(req.META, environ);
  t.is(req.resolverMatch, null);
  t.is(req.urlconf, null);
});

test('the method is upper-cased whatever its mix of cases', (t) => {
  for (const [given, expected] of [['Patch', 'PATCH'], ['PROPFIND', 'PROPFIND'], ['get', 'GET'], ['M-SEARCH', 'M-SEARCH']] as const) {
    t.is(new HttpRequest(createEnviron('/', { method: given })).method, expected);
  }
});

test('path and pathInfo decode UTF-8 and join the script name', (t) => {
  const req = request('/caf%C3%A9/x', { scriptName: '/app' });
  t.is(req.scriptName, '/app');
  t.is(req.pathInfo, '/café/x');
  t.is(req.path, '/app/café/x');
});

test('path re-percent-encodes broken UTF-8 bytes', (t) => {
  const environ = createEnviron('/');
  environ.PATH_INFO = '/caf\xE9/\xE2\x82x/ok\xC3\xA9';
  const req = new HttpRequest(environ);
  t.is(req.pathInfo, '/caf%E9/%E2%82x/oké');
});

test('an empty PATH_INFO reads as /', (t) => {
  const environ = createEnviron('/', { scriptName: '/app' });
  environ.PATH_INFO = '';
  const req = new HttpRequest(environ);
  t.is(req.pathInfo, '/');
  t.is(req.path, '/app/');
});

test('path and pathInfo can be replaced', (t) => {
  const req = request('/a');
  req.pathInfo = '/b';
  req.path = '/c';
  t.is(req.pathInfo, '/b');
  t.is(req.path, '/c');
});

test('GET parses the query string as Django', (t) => {
  const req = request('/?a=1&a=2&b=x+y&c&d=%C3%A9&&e=');
  t.true(req.GET instanceof QueryDict);
  t.is(req.GET.get('a'), '2');
  t.deepEqual(req.GET.getList('a'), ['1', '2']);
  t.is(req.GET.get('b'), 'x y');
  t.is(req.GET.get('c'), '');
  t.is(req.GET.get('d'), 'é');
  t.is(req.GET.get('e'), '');
  t.false(req.GET.mutable);
  t.is(req.GET, req.GET, 'cached');
});

test('GET refuses more fields than dataUploadMaxNumberFields', (t) => {
  const req = request('/?a=1&b=2&c=3', {}, { dataUploadMaxNumberFields: 2 });
  t.throws(() => req.GET, {
    instanceOf: TooManyFieldsSent,
    message:
      'The number of GET/POST parameters exceeded dataUploadMaxNumberFields (2): got 3. Send fewer fields, or raise dataUploadMaxNumberFields (null for no limit).',
  });
  t.is(request('/?a=1&b=2&c=3', {}, { dataUploadMaxNumberFields: null }).GET.size, 3);
});

test('encoding follows the Content-Type charset and re-parses GET when set', (t) => {
  const req = request('/?q=%E9', { headers: { 'Content-Type': 'text/plain; charset=ISO-8859-1' } });
  t.is(req.contentType, 'text/plain');
  t.deepEqual(req.contentParams, { charset: 'ISO-8859-1' });
  t.is(req.encoding, 'ISO-8859-1');
  t.is(req.GET.get('q'), 'é');
  req.encoding = 'utf-8';
  t.is(req.GET.get('q'), '\uFFFD');
  t.is(request('/', { headers: { 'Content-Type': 'text/plain; charset=bogus' } }).encoding, null);
  t.is(request('/').contentType, '');
});

test('COOKIES parses the Cookie header leniently', (t) => {
  const req = request('/', { headers: { Cookie: 'a=1; b="x\\073y"; c; =d; e=f=g; ; name=' + utf8ToByteString('é') } });
  t.deepEqual({ ...req.COOKIES }, { a: '1', b: 'x;y', '': 'd', e: 'f=g', name: 'é' });
  t.is(Object.keys(req.COOKIES).length, 5);
  t.deepEqual({ ...request('/').COOKIES }, {});
  t.is(request('/', { headers: { Cookie: '__proto__=x' } }).COOKIES['__proto__'], 'x');
});

test('headers are case-insensitive and iterable', (t) => {
  const req = request('/', { headers: { 'User-Agent': 'ava', 'X-Custom-Thing': 'yes' }, body: 'hi', method: 'POST' });
  t.is(req.headers.get('user-agent'), 'ava');
  t.is(req.headers.get('USER-AGENT'), 'ava');
  t.is(req.headers.get('x-custom-thing'), 'yes');
  t.is(req.headers.get('Content-Length'), '2');
  t.is(req.headers.get('user_agent'), undefined);
  t.true(req.headers.has('Host'));
  t.false(req.headers.has('Accept-Language'));
  const names = [...req.headers].map(([name]) => name);
  t.true(names.includes('User-Agent'));
  t.true(names.includes('X-Custom-Thing'));
  t.true(names.includes('Content-Length'));
  t.is(req.headers.size, names.length);
  t.is(req.headers.toObject()['User-Agent'], 'ava');
  t.regex(String(req.headers), /^<RequestHeaders: \{.*'User-Agent': 'ava'/s);
});

const hostCases: Array<[label: string, host: string, allowed: string[], ok: boolean]> = [
  ['exact', 'example.com', ['example.com'], true],
  ['exact, case-insensitive', 'EXAMPLE.com', ['example.com'], true],
  ['port ignored', 'example.com:8000', ['example.com'], true],
  ['trailing dot', 'example.com.', ['example.com'], true],
  ['wildcard', 'anything.test', ['*'], true],
  ['subdomain pattern, subdomain', 'www.example.com', ['.example.com'], true],
  ['subdomain pattern, the domain', 'example.com', ['.example.com'], true],
  ['subdomain pattern, other domain', 'badexample.com', ['.example.com'], false],
  ['not listed', 'evil.com', ['example.com'], false],
  ['ipv6 literal', '[::1]:8000', ['[::1]'], true],
  ['empty allowedHosts', 'example.com', [], false],
];

for (const [label, host, allowed, ok] of hostCases) {
  test(`getHost() validates against allowedHosts: ${label}`, (t) => {
    const req = request('/', { headers: { Host: host } }, { allowedHosts: allowed });
    if (ok) t.is(req.getHost(), host);
    else t.throws(() => req.getHost(), { instanceOf: DisallowedHost });
  });
}

test('getHost() names the domain to add when it is not allowed', (t) => {
  const req = request('/', { headers: { Host: 'Evil.com:81' } }, { allowedHosts: ['example.com'] });
  t.throws(() => req.getHost(), {
    instanceOf: DisallowedHost,
    message: "Invalid HTTP_HOST header: 'Evil.com:81'. You may need to add 'evil.com' to allowedHosts.",
  });
});

test('getHost() refuses a host that is not a valid domain', (t) => {
  const req = request('/', { headers: { Host: 'bad_host!' } }, { allowedHosts: ['*'] });
  t.throws(() => req.getHost(), {
    instanceOf: DisallowedHost,
    message: "Invalid HTTP_HOST header: 'bad_host!'. The domain name provided is not valid according to RFC 1034/1035.",
  });
});

test('getHost() in debug with no allowedHosts allows localhost names only', (t) => {
  t.is(request('/', { headers: { Host: 'localhost:8000' } }, { debug: true }).getHost(), 'localhost:8000');
  t.is(request('/', { headers: { Host: 'api.localhost' } }, { debug: true }).getHost(), 'api.localhost');
  t.is(request('/', { headers: { Host: '127.0.0.1' } }, { debug: true }).getHost(), '127.0.0.1');
  t.throws(() => request('/', { headers: { Host: 'example.com' } }, { debug: true }).getHost(), { instanceOf: DisallowedHost });
});

test('getHost() uses X-Forwarded-Host only with useXForwardedHost', (t) => {
  const headers = { Host: 'internal', 'X-Forwarded-Host': 'public.example' };
  t.is(request('/', { headers }, { allowedHosts: ['*'] }).getHost(), 'internal');
  t.is(request('/', { headers }, { allowedHosts: ['*'], useXForwardedHost: true }).getHost(), 'public.example');
});

test('getHost() falls back to SERVER_NAME and a non-default port', (t) => {
  const environ = createEnviron('/', { baseUrl: 'http://server.test:8080/' });
  delete environ['HTTP_HOST'];
  t.is(new HttpRequest(environ, { allowedHosts: ['*'] }).getHost(), 'server.test:8080');
  const secure = createEnviron('/', { baseUrl: 'https://server.test/' });
  delete secure['HTTP_HOST'];
  t.is(new HttpRequest(secure, { allowedHosts: ['*'] }).getHost(), 'server.test');
});

test('getPort() uses X-Forwarded-Port only with useXForwardedPort', (t) => {
  const options = { baseUrl: 'http://localhost:8000/', headers: { 'X-Forwarded-Port': '443' } };
  t.is(request('/', options).getPort(), '8000');
  t.is(request('/', options, { useXForwardedPort: true }).getPort(), '443');
});

test('scheme and isSecure() follow tsgi.url_scheme or secureProxySslHeader', (t) => {
  t.is(request('/').scheme, 'http');
  t.true(request('/', { baseUrl: 'https://localhost/' }).isSecure());
  const proxied = { headers: { 'X-Forwarded-Proto': 'https, http' } };
  const proxy = { secureProxySslHeader: ['HTTP_X_FORWARDED_PROTO', 'https'] as const };
  t.false(request('/', proxied).isSecure());
  t.true(request('/', proxied, proxy).isSecure());
  t.is(request('/', { headers: { 'X-Forwarded-Proto': 'http' } }, proxy).scheme, 'http');
  t.is(request('/', { baseUrl: 'https://localhost/' }, proxy).scheme, 'https', 'header absent: the url scheme');
});

test('getFullPath() escapes the path and keeps the query', (t) => {
  const req = request('/a%20b/caf%C3%A9?x=1&y=%2F', { scriptName: '/app' });
  t.is(req.getFullPath(), '/app/a%20b/caf%C3%A9?x=1&y=%2F');
  t.is(req.getFullPath(true), '/app/a%20b/caf%C3%A9/?x=1&y=%2F');
  t.is(req.getFullPathInfo(), '/a%20b/caf%C3%A9?x=1&y=%2F');
  t.is(request('/dir/').getFullPath(true), '/dir/');
});

test('buildAbsoluteUri() follows Django', (t) => {
  const req = request('/blog/post/?page=2', { headers: { Host: 'example.com' } }, { allowedHosts: ['example.com'] });
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'http://example.com/blog/post/?page=2'],
    ['/other/', 'http://example.com/other/'],
    ['//cdn.example.net/x', 'http://cdn.example.net/x'],
    ['///x', 'http://example.com/x'],
    ['https://elsewhere.test/a b', 'https://elsewhere.test/a%20b'],
    ['comments/', 'http://example.com/blog/post/comments/'],
    ['../up', 'http://example.com/blog/up'],
    ['/a/../b', 'http://example.com/b'],
    ['?q=1', 'http://example.com/blog/post/?q=1'],
  ];
  for (const [location, expected] of cases) t.is(req.buildAbsoluteUri(location), expected, String(location));
});

test('reverse() delegates to urlconf with the script prefix and current namespace', (t) => {
  const req = request('/x', { scriptName: '/app' });
  t.throws(() => req.reverse('home'), {
    instanceOf: TsgiError,
    message: "request.reverse('home') needs request.urlconf, which the pipeline sets. Outside the pipeline, call your resolver's reverse() directly.",
  });
  const calls: unknown[] = [];
  req.urlconf = { reverse: (name, options) => (calls.push([name, options]), '/app/home/') };
  t.is(req.reverse('home'), '/app/home/');
  req.resolverMatch = { view: null, args: [], kwargs: {}, urlName: 'x', route: 'x', appNames: ['blog'], appName: 'blog', namespaces: ['blog'], namespace: 'blog', viewName: 'blog:x' };
  req.reverse('blog:detail', { kwargs: { id: 1 } });
  req.reverse('a', { currentApp: 'other', scriptPrefix: '/' });
  t.deepEqual(calls, [
    ['home', { scriptPrefix: '/app/' }],
    ['blog:detail', { scriptPrefix: '/app/', kwargs: { id: 1 }, currentApp: 'blog' }],
    ['a', { scriptPrefix: '/', currentApp: 'other' }],
  ]);
});

test('accepts() and getPreferredType() read the Accept header', (t) => {
  const req = request('/', { headers: { Accept: 'text/html;q=0.9, application/json, image/*;q=0.5, text/csv;q=0' } });
  t.true(req.accepts('text/html'));
  t.true(req.accepts('application/json'));
  t.true(req.accepts('image/png'));
  t.false(req.accepts('text/csv'));
  t.false(req.accepts('text/plain'));
  t.is(req.getPreferredType(['text/html', 'application/json']), 'application/json');
  t.is(req.getPreferredType(['text/csv']), null);
  t.true(request('/').accepts('anything/at-all'));
  t.deepEqual(req.acceptedTypes.map(String), ['application/json', 'text/html', 'image/*']);
});

test('toString() shows the method and full path', (t) => {
  t.is(String(request('/a b?x=1', { method: 'PUT' })), "<HttpRequest: PUT '/a%20b?x=1'>");
});

test('checkHttpRequestOptions() refuses bad options', (t) => {
  t.notThrows(() => checkHttpRequestOptions({ allowedHosts: ['a'], dataUploadMaxMemorySize: null, secureProxySslHeader: ['A', 'b'] }));
  const cases: Array<[unknown, string]> = [
    [{ allowedHost: [] }, "HttpRequest options has an unknown option 'allowedHost'. Known options: allowedHosts, secureProxySslHeader, debug, useXForwardedHost, useXForwardedPort, dataUploadMaxMemorySize, dataUploadMaxNumberFields, dataUploadMaxNumberFiles, fileUploadMaxMemorySize."],
    [{ allowedHosts: 'a' }, "HttpRequest options allowedHosts must be an array of host names; got 'a'. Write e.g. ['example.com', '.example.com']."],
    [{ debug: 1 }, 'HttpRequest options debug must be a boolean; got 1.'],
    [{ dataUploadMaxMemorySize: -1 }, 'HttpRequest options dataUploadMaxMemorySize must be a non-negative integer or null for no limit; got -1.'],
    [{ fileUploadMaxMemorySize: null }, 'HttpRequest options fileUploadMaxMemorySize must be a non-negative integer; got null.'],
    [{ secureProxySslHeader: ['a'] }, "HttpRequest options secureProxySslHeader must be a tuple of two strings; got an array of length 1. Write e.g. ['HTTP_X_FORWARDED_PROTO', 'https']."],
    [null, 'HttpRequest options must be an object; got null.'],
  ];
  for (const [options, message] of cases) {
    t.throws(() => checkHttpRequestOptions(options as never), { instanceOf: ImproperlyConfigured, message });
  }
});
