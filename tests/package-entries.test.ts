/**
 * The package's public entries resolve through its own `exports` map, as a
 * user's `import ... from 'tsgi/...'` would.
 */
import test from 'ava';
import * as tsgi from 'tsgi';
import * as adapters from 'tsgi/adapters';
import * as framework from 'tsgi/framework';
import * as gateway from 'tsgi/gateway';
import * as middleware from 'tsgi/middleware';
import { compress as compressByPath } from 'tsgi/middleware/compress';
import * as server from 'tsgi/server';
import * as testing from 'tsgi/testing';
import * as uwsgi from 'tsgi/uwsgi';

test("'tsgi' exports the protocol utilities, compose() and validate()", (t) => {
  for (const name of ['compose', 'validate', 'Headers', 'requestUri', 'applicationUri', 'shiftPathInfo',
    'setupTestingDefaults', 'isHopByHop', 'FileWrapper', 'statusLine', 'ProtocolError', 'TsgiError']) {
    t.is(typeof (tsgi as Record<string, unknown>)[name], 'function', name);
  }
  t.deepEqual(tsgi.TSGI_VERSION, [1, 0]);
});

test("'tsgi/gateway', 'tsgi/server' and 'tsgi/testing' export their entry points", (t) => {
  t.is(typeof gateway.runGateway, 'function');
  t.is(typeof server.makeServer, 'function');
  t.is(typeof server.demoApp, 'function');
  t.is(typeof testing.Client, 'function');
  t.is(typeof testing.createEnviron, 'function');
});

test("an application built from the 'tsgi' entry passes validation through the test client", async (t) => {
  const app: tsgi.Application = (environ, startResponse) => {
    startResponse(tsgi.statusLine(200), [['Content-Type', 'text/plain']]);
    return [Buffer.from(environ.PATH_INFO)];
  };
  const response = await new testing.Client(tsgi.compose()(app)).get('/entry');
  t.is(response.statusLine, '200 OK');
  t.is(response.text(), '/entry');
});

test("'tsgi/framework' exports createApplication(), the URLconf, requests and responses", async (t) => {
  for (const name of ['createApplication', 'path', 'rePath', 'include', 'createResolver', 'HttpRequest',
    'HttpResponse', 'JsonResponse', 'commonMiddleware', 'View', 'Http404', 'NoReverseMatch']) {
    t.is(typeof (framework as Record<string, unknown>)[name], 'function', name);
  }
  const app = framework.createApplication({
    urlpatterns: [framework.path('items/<int:id>/', (_request, { id }) => new framework.JsonResponse({ id }))],
    allowedHosts: ['testserver'],
  });
  const response = await new testing.Client(app).get('/items/7/');
  t.deepEqual(response.json(), { id: 7 });
});

test("'tsgi/middleware' and 'tsgi/middleware/<name>' export the bundled middleware", (t) => {
  for (const name of ['accessLog', 'basicAuth', 'bearerAuth', 'showExceptions', 'requestId', 'serverTiming',
    'compress', 'conditionalGet', 'contentLength', 'etag', 'head', 'staticFiles', 'urlMap', 'proxyFix',
    'methodOverride', 'cors', 'bodyLimit', 'timeout']) {
    t.is(typeof (middleware as Record<string, unknown>)[name], 'function', name);
  }
  t.is(compressByPath, middleware.compress);
});

test("'tsgi/middleware/_internal/…' is not part of the public API", async (t) => {
  await t.throwsAsync(import('tsgi/middleware/_internal/head-body' as string), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
});

test("'tsgi/adapters' exports the five adapters", (t) => {
  for (const name of ['fromNodeHandler', 'toNodeHandler', 'fromFetchHandler', 'toFetchHandler', 'runCgi', 'environOf']) {
    t.is(typeof (adapters as Record<string, unknown>)[name], 'function', name);
  }
});

test("'tsgi/uwsgi' exports the uwsgi server, client and codec", (t) => {
  for (const name of ['makeUwsgiServer', 'uwsgiRequest', 'encodePacket', 'decodePacket', 'UwsgiPacketDecoder', 'UwsgiProtocolError']) {
    t.is(typeof (uwsgi as Record<string, unknown>)[name], 'function', name);
  }
});
