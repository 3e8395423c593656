import test from 'ava';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { parseBaseUrl } from '../../lib/testing/base-url.js';

test('parseBaseUrl() reads scheme, host, default port and an empty script root', (t) => {
  t.deepEqual(parseBaseUrl('http://localhost/', 'x'), {
    origin: 'http://localhost',
    scheme: 'http',
    hostname: 'localhost',
    port: 80,
    encodedScriptRoot: '',
    scriptRoot: '',
  });
});

test('parseBaseUrl() reads an https port and a script root without its trailing slash', (t) => {
  const base = parseBaseUrl('https://example.com:8443/my%20app/', 'x');
  t.is(base.scheme, 'https');
  t.is(base.port, 8443);
  t.is(base.encodedScriptRoot, '/my%20app');
  t.is(base.scriptRoot, '/my app');
});

test('parseBaseUrl() defaults https to port 443 and strips IPv6 brackets', (t) => {
  const base = parseBaseUrl('https://[::1]/', 'x');
  t.is(base.port, 443);
  t.is(base.hostname, '::1');
});

const bad: Array<[label: string, value: unknown, message: string]> = [
  ['not a string', 42, "new Client() baseUrl must be a string like 'http://localhost/'; got 42."],
  ['not a URL', 'localhost', "new Client() baseUrl must be an absolute http(s) URL like 'http://localhost/'; got 'localhost'."],
  ['another scheme', 'ftp://x/', "new Client() baseUrl must use http or https; got 'ftp://x/'. Use e.g. 'https://example.com/'."],
  ['a query', 'http://x/?a=1', "new Client() baseUrl cannot have a query or a fragment; got 'http://x/?a=1'. Pass the query with each request instead."],
  ['a fragment', 'http://x/#top', "new Client() baseUrl cannot have a query or a fragment; got 'http://x/#top'. Pass the query with each request instead."],
  ['credentials', 'http://u:p@x/', "new Client() baseUrl cannot carry credentials; got 'http://u:p@x/'. Send an Authorization header instead."],
];
for (const [label, value, message] of bad) {
  test(`parseBaseUrl() rejects ${label}`, (t) => {
    t.throws(() => parseBaseUrl(value as string, 'new Client()'), { instanceOf: ImproperlyConfigured, message });
  });
}
