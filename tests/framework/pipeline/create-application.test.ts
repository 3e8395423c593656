import test from 'ava';
import { Client, createEnviron } from '../../../lib/testing/index.js';
import { ImproperlyConfigured, MiddlewareNotUsed } from '../../../lib/framework/errors.js';
import { HttpResponse } from '../../../lib/framework/http/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication, Signals, type PipelineMiddleware } from '../../../lib/framework/pipeline/index.js';
import type { Body, HeaderList } from '../../../lib/protocol/index.js';

const home = () => new HttpResponse('home');

test('the application exposes its resolver, signals and frozen settings', (t) => {
  const app = createApplication({ urlpatterns: [path('', home, { name: 'home' })], allowedHosts: ['example.com'] });
  t.is(app.resolver.reverse('home'), '/');
  t.true(app.signals instanceof Signals);
  t.true(Object.isFrozen(app.settings));
  t.like(app.settings, { debug: false, appendSlash: true, prependWww: false, propagateExceptions: false });
  t.deepEqual(app.settings.allowedHosts, ['example.com']);
  t.deepEqual(app.settings.request.allowedHosts, ['example.com']);
  t.is(String(app), '<FrameworkApplication 0 middleware>');
});

test('middleware factories get (getResponse, { settings, resolver }) once, at creation', async (t) => {
  let calls = 0;
  const seeing: PipelineMiddleware = (getResponse, context) => {
    calls += 1;
    t.is(typeof getResponse, 'function');
    t.true(context.settings.appendSlash);
    t.is(context.resolver.reverse('home'), '/');
    return (request) => getResponse(request);
  };
  const app = createApplication({ urlpatterns: [path('', home, { name: 'home' })], middleware: [seeing] });
  const client = new Client(app);
  await client.get('/');
  await client.get('/');
  t.is(calls, 1);
});

const badOptions: Array<{ label: string; options: unknown; message: string }> = [
  { label: 'not an object', options: null, message: 'createApplication() expects an options object with urlpatterns; got null.' },
  { label: 'an unknown option', options: { urlpatterns: [], debgu: true }, message: "createApplication() got an unknown option 'debgu'. Known options: urlpatterns, middleware, debug, allowedHosts, appendSlash, prependWww, handlers, propagateExceptions, request." },
  { label: 'debug not a boolean', options: { urlpatterns: [], debug: 'yes' }, message: "createApplication() debug must be true or false; got 'yes'." },
  { label: 'allowedHosts a string', options: { urlpatterns: [], allowedHosts: 'example.com' }, message: "createApplication() allowedHosts must be an array of host names (e.g. ['example.com', '.example.org']); got 'example.com'." },
  { label: 'a handler not a function', options: { urlpatterns: [], handlers: { 404: 'notFound' } }, message: "createApplication() handlers[404] must be a view function (request, exception); got 'notFound'." },
  { label: 'a handler for another status', options: { urlpatterns: [], handlers: { 401: () => null } }, message: 'createApplication() handlers has no status 401: only 400, 403, 404 and 500 have handlers.' },
  { label: 'request.debug', options: { urlpatterns: [], request: { debug: true } }, message: 'createApplication() request.debug is not accepted: set createApplication({ debug }) instead.' },
  { label: 'middleware not an array', options: { urlpatterns: [], middleware: () => null }, message: 'createApplication() middleware must be an array of factories (getResponse, context) => handler; got function middleware.' },
  { label: 'a middleware entry not a function', options: { urlpatterns: [], middleware: ['commonMiddleware'] }, message: "createApplication() middleware[0] must be a factory (getResponse, context) => handler; got 'commonMiddleware'." },
  { label: 'a factory returning undefined', options: { urlpatterns: [], middleware: [function forgetful() {}] }, message: 'Middleware factory forgetful returned undefined.' },
  { label: 'a factory returning an object without handle', options: { urlpatterns: [], middleware: [function odd() { return { process: () => null }; }] }, message: 'Middleware factory odd returned an object; return a function (request) => response, or an object with a handle(request) method.' },
  { label: 'a hook that is not a function', options: { urlpatterns: [], middleware: [() => Object.assign(function hooked() { return null; }, { processView: 'x' })] }, message: "Middleware hooked has a processView that is not a function; got 'x'." },
];

for (const { label, options, message } of badOptions) {
  test(`createApplication() refuses ${label}`, (t) => {
    t.throws(() => createApplication(options as never), { instanceOf: ImproperlyConfigured, message });
  });
}

test('a factory error other than MiddlewareNotUsed propagates from createApplication()', (t) => {
  const broken: PipelineMiddleware = () => {
    throw new RangeError('bad config');
  };
  t.throws(() => createApplication({ urlpatterns: [], middleware: [broken] }), { instanceOf: RangeError, message: 'bad config' });
});

test('MiddlewareNotUsed is reported on stderr in debug only', (t) => {
  const written: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((chunk: string) => written.push(chunk)) as unknown as typeof process.stderr.write;
  try {
    const skipped: PipelineMiddleware = function skipped() {
      throw new MiddlewareNotUsed('no cache configured');
    };
    createApplication({ urlpatterns: [], middleware: [skipped] });
    t.deepEqual(written, []);
    const app = createApplication({ urlpatterns: [], middleware: [skipped], debug: true });
    t.deepEqual(written, ["MiddlewareNotUsed('skipped'): no cache configured\n"]);
    t.is(String(app), '<FrameworkApplication 0 middleware debug>');
  } finally {
    process.stderr.write = original;
  }
});

test('requestStarted comes before the request, requestFinished only once the body is closed', async (t) => {
  const events: string[] = [];
  const app = createApplication({ urlpatterns: [path('', () => { events.push('view'); return new HttpResponse('home'); })] });
  app.signals.on('requestStarted', ({ environ }) => void events.push(`started ${environ.PATH_INFO}`));
  app.signals.on('requestFinished', ({ request }) => void events.push(`finished ${request.path}`));
  let head: [string, HeaderList] | undefined;
  const body: Body = await app(createEnviron('/'), (status, headers) => {
    head = [status, headers];
    return async () => {};
  });
  t.is(head?.[0], '200 OK');
  t.deepEqual(events, ['started /', 'view']);
  for await (const _chunk of body) { /* drain */ }
  t.deepEqual(events, ['started /', 'view']);
  await body.close?.();
  t.deepEqual(events, ['started /', 'view', 'finished /']);
});

test('through the test client, requestFinished has been sent when the response arrives', async (t) => {
  const events: string[] = [];
  const app = createApplication({ urlpatterns: [path('', home)] });
  app.signals.on('requestFinished', () => void events.push('finished'));
  await new Client(app).get('/');
  t.deepEqual(events, ['finished']);
});

test('a listener that throws is reported and never breaks the request', async (t) => {
  const app = createApplication({ urlpatterns: [path('', home)] });
  app.signals.on('requestStarted', function brokenListener() {
    throw new Error('listener broke');
  });
  app.signals.on('requestFinished', async function rejecting() {
    throw new Error('async listener broke');
  });
  const response = await new Client(app).get('/');
  t.is(response.text(), 'home');
  t.regex(response.errors, /A requestStarted listener \(brokenListener\) failed; the request goes on:\nError: listener broke/);
});

test('responses >= 400 are logged once with the reason phrase and the path', async (t) => {
  const app = createApplication({ urlpatterns: [path('gone/', () => new HttpResponse('', { status: 410 })), path('ok/', home)] });
  const client = new Client(app);
  t.is((await client.get('/gone/')).errors, 'Gone: /gone/\n');
  t.is((await client.get('/ok/')).errors, '');
});

test('request.reverse() works in views, with the script prefix', async (t) => {
  const app = createApplication({ urlpatterns: [path('a/<int:id>/', (request) => new HttpResponse(request.reverse('a', { kwargs: { id: 3 } })), { name: 'a' })] });
  const response = await new Client(app, { baseUrl: 'http://localhost/mount/' }).get('/a/1/');
  t.is(response.text(), '/mount/a/3/');
});

test('request options reach every HttpRequest', async (t) => {
  const app = createApplication({
    urlpatterns: [path('', async (request) => new HttpResponse(String((await request.body()).byteLength)))],
    request: { dataUploadMaxMemorySize: 4 },
  });
  const client = new Client(app);
  t.is((await client.post('/', { body: 'abcd' })).text(), '4');
  t.is((await client.post('/', { body: 'abcde' })).status, 400);
});

test('a middleware may switch request.urlconf to another URLconf, as in Django', async (t) => {
  const { createResolver } = await import('../../../lib/framework/urls/index.js');
  const mobile = createResolver([path('', () => new HttpResponse('mobile home'))]);
  const switching: PipelineMiddleware = (getResponse) => (request) => {
    if (request.META['HTTP_X_MOBILE'] === '1') request.urlconf = mobile;
    return getResponse(request);
  };
  const app = createApplication({ urlpatterns: [path('', home)], middleware: [switching] });
  const client = new Client(app);
  t.is((await client.get('/')).text(), 'home');
  t.is((await client.get('/', { headers: { 'X-Mobile': '1' } })).text(), 'mobile home');
});
