import test from 'ava';
import { proxyFix, proxyFixOriginal, type ProxyFixOptions } from '../../middleware/proxy-fix.js';
import { parseForwarded } from '../../middleware/_internal/proxy-fix-forwarded.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Environ } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp } from '../../lib/testing/recording-app.js';

/** The environ the app saw for a request with these headers. */
async function seen(options: ProxyFixOptions, headers: Record<string, string>, base = 'http://backend:8000/'): Promise<Environ> {
  const recorder = recordingApp();
  const client = new Client(recorder, { middleware: proxyFix(options), baseUrl: base });
  const response = await client.get('/x', { headers, remoteAddr: '10.0.0.1' });
  if (response.status !== 200) throw new Error(`unexpected ${response.statusLine}: ${response.errors}`);
  if (!recorder.lastCall?.closed) throw new Error('the app body was not closed');
  return recorder.lastEnviron!;
}

test('proxyFix() with the defaults trusts one X-Forwarded-For and X-Forwarded-Proto', async (t) => {
  const environ = await seen({}, { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example' });
  t.is(environ.REMOTE_ADDR, '203.0.113.7');
  t.is(environ['tsgi.url_scheme'], 'https');
  t.is(environ.HTTPS, 'on');
  t.is(environ.HTTP_HOST, 'backend:8000', 'X-Forwarded-Host is not trusted by default');
  t.is(environ.SERVER_NAME, 'backend');
});

test('proxyFix() keeps the originals in tsgi.proxy_fix.orig', async (t) => {
  const environ = await seen({ xHost: 1 }, { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Host': 'www.example.com' });
  t.deepEqual(proxyFixOriginal(environ), {
    REMOTE_ADDR: '10.0.0.1',
    'tsgi.url_scheme': 'http',
    HTTP_HOST: 'backend:8000',
    SERVER_NAME: 'backend',
    SERVER_PORT: '8000',
    SCRIPT_NAME: '',
  });
  t.is(proxyFixOriginal({} as Environ), undefined);
});

test('proxyFix({ xFor: 2 }) takes the second value from the right, ignoring what the client prepended', async (t) => {
  const environ = await seen({ xFor: 2 }, { 'X-Forwarded-For': '6.6.6.6, 198.51.100.2, 10.1.1.1' });
  t.is(environ.REMOTE_ADDR, '198.51.100.2');
});

test('proxyFix() ignores a header with fewer values than trusted hops', async (t) => {
  const environ = await seen({ xFor: 2, xProto: 2 }, { 'X-Forwarded-For': '198.51.100.2', 'X-Forwarded-Proto': 'https' });
  t.is(environ.REMOTE_ADDR, '10.0.0.1');
  t.is(environ['tsgi.url_scheme'], 'http');
});

test('proxyFix() ignores headers set to 0 trusted proxies', async (t) => {
  const environ = await seen({ xFor: 0, xProto: 0 }, { 'X-Forwarded-For': '198.51.100.2', 'X-Forwarded-Proto': 'https' });
  t.is(environ.REMOTE_ADDR, '10.0.0.1');
  t.is(environ['tsgi.url_scheme'], 'http');
  t.is(environ.HTTPS, undefined);
});

const badValues: Array<[label: string, headers: Record<string, string>]> = [
  ['a bad IP in X-Forwarded-For', { 'X-Forwarded-For': '999.1.1.1' }],
  ['a host name in X-Forwarded-For', { 'X-Forwarded-For': 'attacker.example' }],
  ['an IP with a bad port', { 'X-Forwarded-For': '1.2.3.4:99999' }],
  ['a scheme other than http/https', { 'X-Forwarded-Proto': 'javascript' }],
  ['a host with illegal characters', { 'X-Forwarded-Host': 'evil.example/path' }],
  ['a host with a space', { 'X-Forwarded-Host': 'a b' }],
  ['a host with a bad port', { 'X-Forwarded-Host': 'www.example.com:0' }],
  ['a host with userinfo', { 'X-Forwarded-Host': 'user@www.example.com' }],
  ['a non-numeric port', { 'X-Forwarded-Port': '80a' }],
  ['a port out of range', { 'X-Forwarded-Port': '70000' }],
  ['a relative prefix', { 'X-Forwarded-Prefix': 'app' }],
  ['a traversing prefix', { 'X-Forwarded-Prefix': '/app/../admin' }],
  ['an encoded traversing prefix', { 'X-Forwarded-Prefix': '/app/%2e%2e' }],
  ['a prefix with an encoded control character', { 'X-Forwarded-Prefix': '/a%0d%0ab' }],
  ['a malformed Forwarded', { Forwarded: 'for=1.2.3.4;proto' }],
  ['a Forwarded with an unterminated quote', { Forwarded: 'for="[::1]:80' }],
  ['a Forwarded repeating a parameter', { Forwarded: 'for=1.2.3.4;for=5.6.7.8' }],
  ['a Forwarded for=unknown', { Forwarded: 'for=unknown;proto=ftp' }],
];

for (const [label, headers] of badValues) {
  test(`proxyFix() ignores ${label}, keeping what the server saw`, async (t) => {
    const all = { xFor: 1, xProto: 1, xHost: 1, xPort: 1, xPrefix: 1, forwarded: 1 };
    const environ = await seen(all, headers);
    t.is(environ.REMOTE_ADDR, '10.0.0.1');
    t.is(environ['tsgi.url_scheme'], 'http');
    t.is(environ.HTTP_HOST, 'backend:8000');
    t.is(environ.SERVER_NAME, 'backend');
    t.is(environ.SERVER_PORT, '8000');
    t.is(environ.SCRIPT_NAME, '');
  });
}

test('proxyFix() accepts IPv6 and addresses with ports in X-Forwarded-For', async (t) => {
  t.is((await seen({}, { 'X-Forwarded-For': '2001:db8::1' })).REMOTE_ADDR, '2001:db8::1');
  t.is((await seen({}, { 'X-Forwarded-For': '[2001:db8::1]:4711' })).REMOTE_ADDR, '2001:db8::1');
  t.is((await seen({}, { 'X-Forwarded-For': '192.0.2.1:8080' })).REMOTE_ADDR, '192.0.2.1');
});

test('proxyFix({ xHost: 1 }) sets HTTP_HOST, SERVER_NAME and SERVER_PORT (the default port for the scheme)', async (t) => {
  const plain = await seen({ xHost: 1 }, { 'X-Forwarded-Host': 'www.example.com', 'X-Forwarded-Proto': 'https' });
  t.is(plain.HTTP_HOST, 'www.example.com');
  t.is(plain.SERVER_NAME, 'www.example.com');
  t.is(plain.SERVER_PORT, '443');
  const ported = await seen({ xHost: 1 }, { 'X-Forwarded-Host': 'www.example.com:8443' });
  t.is(ported.HTTP_HOST, 'www.example.com:8443');
  t.is(ported.SERVER_NAME, 'www.example.com');
  t.is(ported.SERVER_PORT, '8443');
  const v6 = await seen({ xHost: 1 }, { 'X-Forwarded-Host': '[2001:db8::1]' });
  t.is(v6.SERVER_NAME, '[2001:db8::1]');
  t.is(v6.SERVER_PORT, '80');
});

test('proxyFix({ xPort: 1 }) replaces the port in HTTP_HOST and SERVER_PORT', async (t) => {
  const environ = await seen({ xPort: 1 }, { 'X-Forwarded-Port': '8443' });
  t.is(environ.HTTP_HOST, 'backend:8443');
  t.is(environ.SERVER_PORT, '8443');
  const withHost = await seen({ xHost: 1, xPort: 1 }, { 'X-Forwarded-Host': 'www.example.com:81', 'X-Forwarded-Port': '443' });
  t.is(withHost.HTTP_HOST, 'www.example.com:443');
  t.is(withHost.SERVER_NAME, 'www.example.com');
  t.is(withHost.SERVER_PORT, '443');
});

test('proxyFix({ xPrefix: 1 }) puts the decoded prefix in SCRIPT_NAME and restores it when the body is closed', async (t) => {
  const recorder = recordingApp();
  let afterClose: string | undefined;
  const client = new Client(recorder, {
    middleware: (app) => {
      const fixed = proxyFix({ xPrefix: 1 })(app);
      return async (environ, startResponse) => {
        const body = await fixed(environ, startResponse);
        return Object.assign([...(body as Uint8Array[])], {
          close: () => {
            body.close?.();
            afterClose = environ.SCRIPT_NAME;
          },
        });
      };
    },
    validate: false,
  });
  await client.get('/x', { headers: { 'X-Forwarded-Prefix': '/my%20app/' } });
  t.is(recorder.lastEnviron?.SCRIPT_NAME, '/my app');
  t.is(recorder.lastEnviron?.PATH_INFO, '/x');
  t.is(afterClose, '');
  t.true(recorder.lastCall?.closed);
});

test('proxyFix({ forwarded: 1 }) reads for=, proto= and host= from the last Forwarded element', async (t) => {
  const environ = await seen(
    { forwarded: 1, xFor: 0, xProto: 0 },
    { Forwarded: 'for=6.6.6.6;proto=http, for="[2001:db8:cafe::17]:4711";proto=https;host="www.example.com:8443";by=_proxy' },
  );
  t.is(environ.REMOTE_ADDR, '2001:db8:cafe::17');
  t.is(environ['tsgi.url_scheme'], 'https');
  t.is(environ.HTTP_HOST, 'www.example.com:8443');
  t.is(environ.SERVER_PORT, '8443');
});

test('proxyFix({ forwarded: 2 }) counts elements from the right and ignores too few', async (t) => {
  const environ = await seen({ forwarded: 2, xFor: 0 }, { Forwarded: 'for=6.6.6.6, for=192.0.2.60, for=10.9.9.9' });
  t.is(environ.REMOTE_ADDR, '192.0.2.60');
  const few = await seen({ forwarded: 2, xFor: 0 }, { Forwarded: 'for=192.0.2.60' });
  t.is(few.REMOTE_ADDR, '10.0.0.1');
});

test('proxyFix() prefers Forwarded over X-Forwarded-For, and falls back when Forwarded has no for=', async (t) => {
  const both = await seen({ forwarded: 1 }, { Forwarded: 'for=192.0.2.60', 'X-Forwarded-For': '198.51.100.1' });
  t.is(both.REMOTE_ADDR, '192.0.2.60');
  const fallback = await seen({ forwarded: 1 }, { Forwarded: 'proto=https', 'X-Forwarded-For': '198.51.100.1' });
  t.is(fallback.REMOTE_ADDR, '198.51.100.1');
  t.is(fallback['tsgi.url_scheme'], 'https');
});

test('proxyFix() with X-Forwarded-Proto: http clears HTTPS behind a TLS-terminating server', async (t) => {
  const environ = await seen({}, { 'X-Forwarded-Proto': 'HTTP' }, 'https://backend/');
  t.is(environ['tsgi.url_scheme'], 'http');
  t.is(environ.HTTPS, undefined);
});

test('parseForwarded() handles quoted strings with escapes, case and empty elements', (t) => {
  t.deepEqual(parseForwarded('For="a\\"b";PROTO=https, , for=x'), [{ for: 'a"b', proto: 'https' }, { for: 'x' }]);
  t.is(parseForwarded('for=a b'), undefined);
  t.is(parseForwarded('=x'), undefined);
});

test('proxyFix() passes a streamed body through chunk by chunk and closes it', async (t) => {
  const recorder = recordingApp({ stream: true, body: ['a', 'b'] });
  const client = new Client(recorder, { middleware: proxyFix({ xPrefix: 1 }) });
  const chunks: string[] = [];
  await client.get('/x', { headers: { 'X-Forwarded-Prefix': '/p' }, onBodyChunk: (chunk) => void chunks.push(Buffer.from(chunk).toString()) });
  t.deepEqual(chunks, ['a', 'b']);
  t.true(recorder.lastCall?.closed);
});

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['options not an object', 3, 'proxyFix() options must be an object; got 3.'],
  ['unknown option', { x_for: 1 }, "proxyFix() got an unknown option 'x_for'. Known options: xFor, xProto, xHost, xPort, xPrefix, forwarded."],
  [
    'negative count',
    { xFor: -1 },
    'proxyFix() option xFor must be the number of trusted proxies, an integer >= 0; got -1. Use 0 to ignore the header.',
  ],
  [
    'boolean count',
    { forwarded: true },
    'proxyFix() option forwarded must be the number of trusted proxies, an integer >= 0; got true. Use 0 to ignore the header.',
  ],
];

for (const [label, options, message] of badOptions) {
  test(`proxyFix() rejects bad options at once: ${label}`, (t) => {
    t.throws(() => proxyFix(options as ProxyFixOptions), { instanceOf: ImproperlyConfigured, message });
  });
}
