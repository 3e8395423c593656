import test from 'ava';
import { urlMap, type UrlMapMounts, type UrlMapOptions } from '../../middleware/url-map.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Application, StartResponse } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { createEnviron } from '../../lib/testing/create-environ.js';
import { recordingApp, type RecordingApp } from '../../lib/testing/recording-app.js';
import { validate } from '../../lib/validate/index.js';

/** Each mount a recorder answering its own name; every mount validated on its side. */
function mounted(locations: string[]): { apps: Record<string, RecordingApp>; client: Client } {
  const apps: Record<string, RecordingApp> = {};
  const mounts: Record<string, Application> = {};
  for (const location of locations) {
    apps[location] = recordingApp({ body: [location] });
    mounts[location] = validate(apps[location]);
  }
  return { apps, client: new Client(urlMap(mounts)) };
}

const paths: Array<[path: string, mount: string, scriptName: string, pathInfo: string]> = [
  ['/', '/', '', '/'],
  ['/other', '/', '', '/other'],
  ['/api', '/api', '/api', ''],
  ['/api/', '/api', '/api', '/'],
  ['/api/users/1', '/api', '/api', '/users/1'],
  ['/apix', '/', '', '/apix'],
  ['/api/v2', '/api/v2', '/api/v2', ''],
  ['/api/v2/x', '/api/v2', '/api/v2', '/x'],
  ['/api/v2x', '/api', '/api', '/v2x'],
];

for (const [path, mount, scriptName, pathInfo] of paths) {
  test(`urlMap() sends ${path} to ${mount} with SCRIPT_NAME ${JSON.stringify(scriptName)} and PATH_INFO ${JSON.stringify(pathInfo)}`, async (t) => {
    const { apps, client } = mounted(['/', '/api', '/api/v2']);
    const response = await client.get(path);
    t.is(response.text(), mount);
    const environ = apps[mount]!.lastEnviron!;
    t.is(environ.SCRIPT_NAME, scriptName);
    t.is(environ.PATH_INFO, pathInfo);
    t.true(apps[mount]!.lastCall?.closed);
  });
}

test('urlMap() answers a plain 404 when nothing matches, without calling any mount', async (t) => {
  const { apps, client } = mounted(['/api']);
  const response = await client.get('/apix');
  t.is(response.statusLine, '404 Not Found');
  t.is(response.text(), 'Not Found');
  t.is(apps['/api']!.calls.length, 0);
});

test('urlMap() appends the prefix to an existing SCRIPT_NAME', async (t) => {
  const api = recordingApp();
  const client = new Client(urlMap({ '/api': validate(api) }), { baseUrl: 'http://localhost/site/' });
  await client.get('/api/x');
  t.is(api.lastEnviron?.SCRIPT_NAME, '/site/api');
  t.is(api.lastEnviron?.PATH_INFO, '/x');
});

test('urlMap() matches non-ASCII mount paths against the UTF-8 bytes of PATH_INFO', async (t) => {
  const { apps, client } = mounted(['/', '/café']);
  const response = await client.get('/caf%C3%A9/menu');
  t.is(response.text(), '/café');
  t.is(apps['/café']!.lastEnviron?.PATH_INFO, '/menu');
});

test('urlMap() restores SCRIPT_NAME and PATH_INFO when the body is closed', async (t) => {
  const seenInside: string[] = [];
  const app: Application = (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return Object.assign(
      (function* () {
        seenInside.push(`${environ.SCRIPT_NAME} ${environ.PATH_INFO}`);
        yield Buffer.from('x');
      })(),
      { close: () => void seenInside.push(`close ${environ.SCRIPT_NAME} ${environ.PATH_INFO}`) },
    );
  };
  const map = urlMap({ '/api': app });
  const environ = createEnviron('/api/items');
  const body = await map(environ, (() => async () => undefined) as StartResponse);
  t.is(environ.SCRIPT_NAME, '/api');
  for (const _chunk of body as Iterable<Uint8Array>);
  await body.close?.();
  t.deepEqual(seenInside, ['/api /items', 'close /api /items']);
  t.is(environ.SCRIPT_NAME, '');
  t.is(environ.PATH_INFO, '/api/items');
});

test('urlMap() restores the environ when the mounted app throws or rejects', async (t) => {
  const failing: Application = () => {
    throw new Error('sync boom');
  };
  const rejecting: Application = async () => {
    throw new Error('async boom');
  };
  const map = urlMap([['/a', failing], ['/b', rejecting]]);
  const start = (() => async () => undefined) as StartResponse;
  const a = createEnviron('/a/x');
  t.throws(() => map(a, start), { message: 'sync boom' });
  t.is(a.SCRIPT_NAME, '');
  t.is(a.PATH_INFO, '/a/x');
  const b = createEnviron('/b/y');
  await t.throwsAsync(async () => map(b, start), { message: 'async boom' });
  t.is(b.SCRIPT_NAME, '');
  t.is(b.PATH_INFO, '/b/y');
});

test('urlMap() as a middleware: notFound gets every unmatched request, environ unchanged, validated on both sides', async (t) => {
  const site = recordingApp({ body: ['site'] });
  const admin = recordingApp({ body: ['admin'] });
  const client = new Client(site, { middleware: (app) => urlMap({ '/admin': validate(admin) }, { notFound: app }) });
  const response = await client.get('/blog/post');
  t.is(response.text(), 'site');
  t.is(site.lastEnviron?.PATH_INFO, '/blog/post');
  t.is(site.lastEnviron?.SCRIPT_NAME, '');
  t.true(site.lastCall?.closed);
  t.is((await client.get('/admin/users')).text(), 'admin');
  t.is(admin.lastEnviron?.PATH_INFO, '/users');
});

test('urlMap() matches host mounts by Host, SERVER_NAME or SERVER_NAME:SERVER_PORT, before the others', async (t) => {
  const { apps, client } = mounted(['/', 'http://admin.example.com/', 'http://api.example.com:8080/v1']);
  const admin = await client.get('/x', { headers: { Host: 'ADMIN.example.com' } });
  t.is(admin.text(), 'http://admin.example.com/');
  t.is(apps['http://admin.example.com/']!.lastEnviron?.PATH_INFO, '/x');
  const adminPort = await client.get('/x', { headers: { Host: 'admin.example.com:9000' } });
  t.is(adminPort.text(), 'http://admin.example.com/', 'SERVER_NAME matches without the port');
  const api = await client.get('/v1/items', { headers: { Host: 'api.example.com:8080' } });
  t.is(api.text(), 'http://api.example.com:8080/v1');
  t.is(apps['http://api.example.com:8080/v1']!.lastEnviron?.SCRIPT_NAME, '/v1');
  const wrongPort = await client.get('/v1/items', { headers: { Host: 'api.example.com:8081' } });
  t.is(wrongPort.text(), '/');
  const other = await client.get('/x', { headers: { Host: 'www.example.com' } });
  t.is(other.text(), '/');
});

test('urlMap() passes a streamed body through chunk by chunk and closes it', async (t) => {
  const api = recordingApp({ stream: true, startInBody: true, body: ['a', 'b', 'c'] });
  const client = new Client(urlMap({ '/api': validate(api) }));
  const seen: string[] = [];
  await client.get('/api', { onBodyChunk: (chunk) => void seen.push(Buffer.from(chunk).toString()) });
  t.deepEqual(seen, ['a', 'b', 'c']);
  t.true(api.lastCall?.closed);
});

test('urlMap() keeps an array body an array, so the gateway computes Content-Length', async (t) => {
  const api: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from('ab'), Buffer.from('cd')];
  };
  const client = new Client(urlMap({ '/api': validate(api) }));
  const response = await client.get('/api');
  t.is(response.headers.get('Content-Length'), '4');
  t.is(response.framing.kind, 'length');
});

const app: Application = () => [];
const badMounts: Array<[label: string, mounts: unknown, options: unknown, message: string]> = [
  ['mounts not an object', 'x', {}, "urlMap() expects an object of mounts, such as { '/api': api }, or a list of [location, app] pairs; got 'x'."],
  ['relative path', { api: app }, {}, "urlMap() mount 'api' must start with '/' (or be http://host/path); got 'api'. Write '/api'."],
  ['trailing slash', { '/api/': app }, {}, "urlMap() mount '/api/' must not end with '/' (SCRIPT_NAME never does, SPEC §14.5). Write '/api'."],
  ['dot segment', { '/a/../b': app }, {}, "urlMap() mount '/a/../b' has an empty, '.' or '..' segment, or a query; a mount is a plain path such as '/api/v1'."],
  ['empty segment', { '/a//b': app }, {}, "urlMap() mount '/a//b' has an empty, '.' or '..' segment, or a query; a mount is a plain path such as '/api/v1'."],
  ['duplicate in a list', [['/api', app], ['/api', app]], {}, "urlMap() mount '/api' duplicates '/api'. Mount one application per location."],
  [
    'duplicate host differing in case',
    { 'http://A.example/': app, 'http://a.example/': app },
    {},
    "urlMap() mount 'http://a.example/' duplicates 'http://A.example/'. Mount one application per location.",
  ],
  ['not an app', { '/api': 'api' }, {}, "urlMap() mount '/api' must be an application (a function); got 'api'."],
  ['not a pair', [['/api']], {}, 'urlMap() mount 0 must be a [location, app] pair; got an array of length 1.'],
  ['unknown option', { '/': app }, { fallback: app }, "urlMap() got an unknown option 'fallback'. Known options: notFound."],
  ['notFound not an app', { '/': app }, { notFound: 404 }, 'urlMap() option notFound must be an application; got 404.'],
];

for (const [label, mounts, options, message] of badMounts) {
  test(`urlMap() rejects bad mounts at once: ${label}`, (t) => {
    t.throws(() => urlMap(mounts as UrlMapMounts, options as UrlMapOptions), { instanceOf: ImproperlyConfigured, message });
  });
}

test('urlMap() returns a named application', (t) => {
  t.is(urlMap({ '/': app }).name, 'urlMapApp');
});
