import test from 'ava';
import { Client } from '../../../lib/testing/index.js';
import { ImproperlyConfigured } from '../../../lib/framework/errors.js';
import { HttpResponse, StreamingHttpResponse, type HttpRequest } from '../../../lib/framework/http/index.js';
import { path, rePath } from '../../../lib/framework/urls/index.js';
import { createApplication, type ApplicationOptions, type PipelineMiddleware } from '../../../lib/framework/pipeline/index.js';
import { commonMiddleware, noAppendSlash, type CommonMiddlewareOptions } from '../../../lib/framework/middleware/index.js';

const ok = (text: string) => () => new HttpResponse(text);

function site(options: CommonMiddlewareOptions = {}, appOptions: Omit<ApplicationOptions, 'urlpatterns'> = {}, extra: ApplicationOptions['urlpatterns'] = []) {
  return createApplication({
    urlpatterns: [
      path('slash/', ok('slash view')),
      path('noslash', ok('noslash view')),
      path('own404/', () => new HttpResponse('gone', { status: 404 })),
      path('api/items/', noAppendSlash(ok('items'))),
      ...extra,
    ],
    middleware: [commonMiddleware(options)],
    allowedHosts: ['testserver', 'example.com', 'www.example.com', 'localhost'],
    ...appOptions,
  });
}

test('appendSlash redirects /slash to /slash/ with a 301', async (t) => {
  const response = await new Client(site()).get('/slash');
  t.is(response.status, 301);
  t.is(response.headers.get('Location'), '/slash/');
});

test('appendSlash keeps the query string', async (t) => {
  const response = await new Client(site()).get('/slash?x=1&y=%C3%A4');
  t.is(response.headers.get('Location'), '/slash/?x=1&y=%C3%A4');
});

test('appendSlash keeps the script prefix', async (t) => {
  const response = await new Client(site(), { baseUrl: 'http://localhost/app/' }).get('/slash?x=1');
  t.is(response.headers.get('Location'), '/app/slash/?x=1');
});

test('appendSlash only acts on a 404: a URL that resolves is left alone', async (t) => {
  const response = await new Client(site()).get('/noslash');
  t.is(response.status, 200);
  t.is(response.text(), 'noslash view');
});

test('appendSlash leaves a 404 alone when the path already ends in a slash or the slash URL does not resolve', async (t) => {
  const client = new Client(site());
  t.is((await client.get('/own404/')).status, 404);
  t.is((await client.get('/nothing')).status, 404);
});

test('appendSlash runs after the 404 handler', async (t) => {
  const calls: string[] = [];
  const app = site({}, { handlers: { 404: (request) => { calls.push(`404 ${request.path}`); return new HttpResponse('nope', { status: 404 }); } } });
  const response = await new Client(app).get('/slash');
  t.is(response.status, 301);
  t.deepEqual(calls, ['404 /slash']);
});

test('appendSlash escapes a leading // so the redirect cannot leave the site', async (t) => {
  // The test client takes '//evil.com' as a scheme-relative URL and sends Host: evil.com.
  const app = site({}, { allowedHosts: ['*'] }, [path('<path:rest>/', ok('catch'))]);
  const response = await new Client(app).get('//evil.com');
  t.is(response.status, 301);
  t.is(response.headers.get('Location'), '/%2Fevil.com/');
});

test('a view wrapped in noAppendSlash is never redirected to', async (t) => {
  const response = await new Client(site()).get('/api/items');
  t.is(response.status, 404);
  t.is((await new Client(site()).get('/api/items/')).text(), 'items');
});

test('a catch-all pattern defeats appendSlash (the slashless path is valid)', async (t) => {
  const app = site({}, {}, [rePath(/^(?<rest>.*)$/, ok('catch-all'))]);
  const response = await new Client(app).get('/slash');
  t.is(response.status, 200);
  t.is(response.text(), 'catch-all');
});

test('with debug, a POST that would be redirected is an explicit error', async (t) => {
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const response = await new Client(site({}, { debug: true })).request(method, '/slash?a=1', { headers: { Accept: 'text/plain' } });
    t.is(response.status, 500, method);
    t.true(
      response.text().includes(
        `You called this URL via ${method}, but the URL doesn't end in a slash and you have appendSlash set. tsgi can't redirect to the slash URL while maintaining ${method} data. Change your form to point to localhost/slash/?a=1 (note the trailing slash), or set appendSlash: false in createApplication().`,
      ),
      method,
    );
  }
});

test('without debug, a POST is redirected like a GET', async (t) => {
  const response = await new Client(site()).post('/slash', { form: { a: '1' } });
  t.is(response.status, 301);
});

test('appendSlash can be turned off by the application or the middleware option', async (t) => {
  t.is((await new Client(site({}, { appendSlash: false })).get('/slash')).status, 404);
  t.is((await new Client(site({ appendSlash: false })).get('/slash')).status, 404);
  t.is((await new Client(site({ appendSlash: true }, { appendSlash: false })).get('/slash')).status, 301);
});

test('prependWww redirects to the www host, keeping path and query', async (t) => {
  const client = new Client(site({ prependWww: true }), { baseUrl: 'http://example.com/' });
  const response = await client.get('/noslash?q=1');
  t.is(response.status, 301);
  t.is(response.headers.get('Location'), 'http://www.example.com/noslash?q=1');
});

test('prependWww adds the slash in the same redirect when needed', async (t) => {
  const client = new Client(site({}, { prependWww: true }), { baseUrl: 'https://example.com/' });
  const response = await client.get('/slash?q=1');
  t.is(response.headers.get('Location'), 'https://www.example.com/slash/?q=1');
});

test('prependWww leaves www hosts alone', async (t) => {
  const client = new Client(site({ prependWww: true }), { baseUrl: 'http://www.example.com/' });
  t.is((await client.get('/noslash')).status, 200);
});

test('disallowed user agents get 403 Forbidden user agent', async (t) => {
  const seen: string[] = [];
  const app = site({ disallowedUserAgents: [/BadBot/g, /^curl\//] }, { handlers: { 403: (_request, error) => { seen.push((error as Error).message); return new HttpResponse('no', { status: 403 }); } } });
  const client = new Client(app);
  t.is((await client.get('/noslash', { headers: { 'User-Agent': 'Mozilla BadBot/1.0' } })).status, 403);
  t.is((await client.get('/noslash', { headers: { 'User-Agent': 'Mozilla BadBot/1.0' } })).status, 403);
  t.is((await client.get('/noslash', { headers: { 'User-Agent': 'curl/8.0' } })).status, 403);
  t.is((await client.get('/noslash', { headers: { 'User-Agent': 'Mozilla/5.0' } })).status, 200);
  t.deepEqual(seen, ['Forbidden user agent', 'Forbidden user agent', 'Forbidden user agent']);
});

test('a Host outside allowedHosts is a 400', async (t) => {
  const response = await new Client(site(), { baseUrl: 'http://evil.test/' }).get('/noslash');
  t.is(response.status, 400);
  t.regex(response.errors, /Suspicious operation \(DisallowedHost\)/);
});

test('Content-Length is set on responses that are not streamed', async (t) => {
  const seen: Array<string | undefined> = [];
  const spy: PipelineMiddleware = (getResponse) => async (request: HttpRequest) => {
    const response = await getResponse(request);
    seen.push(response.headers.get('Content-Length'));
    return response;
  };
  const app = createApplication({
    urlpatterns: [
      path('text/', ok('héllo')),
      path('stream/', () => new StreamingHttpResponse([Buffer.from('a')]) as unknown as HttpResponse /* types.ts ViewResult is HttpResponse only */),
      path('preset/', () => new HttpResponse('abc', { headers: { 'Content-Length': '3' } })),
    ],
    middleware: [spy, commonMiddleware()],
    allowedHosts: ['localhost'],
  });
  const client = new Client(app);
  await client.get('/text/');
  await client.get('/stream/');
  await client.get('/preset/');
  t.deepEqual(seen, ['6', undefined, '3']);
});

const badOptions: Array<{ label: string; options: unknown; message: string }> = [
  { label: 'an unknown option', options: { appendslash: true }, message: "commonMiddleware() got an unknown option 'appendslash'. Known options: appendSlash, prependWww, disallowedUserAgents." },
  { label: 'appendSlash not a boolean', options: { appendSlash: 1 }, message: 'commonMiddleware() appendSlash must be true or false; got 1.' },
  { label: 'user agents as strings', options: { disallowedUserAgents: ['BadBot'] }, message: 'commonMiddleware() disallowedUserAgents must be an array of RegExp; got an array of length 1.' },
  { label: 'options not an object', options: 'strict', message: "commonMiddleware() options must be an object; got 'strict'." },
];

for (const { label, options, message } of badOptions) {
  test(`commonMiddleware() refuses ${label} at once`, (t) => {
    t.throws(() => commonMiddleware(options as never), { instanceOf: ImproperlyConfigured, message });
  });
}

test('appendSlash checks the URLconf a middleware put in request.urlconf', async (t) => {
  const { createResolver } = await import('../../../lib/framework/urls/index.js');
  const other = createResolver([path('other/', ok('other'))]);
  const switching: PipelineMiddleware = (getResponse) => (request) => {
    request.urlconf = other;
    return getResponse(request);
  };
  const app = createApplication({ urlpatterns: [path('slash/', ok('slash'))], middleware: [commonMiddleware(), switching], allowedHosts: ['localhost'] });
  const client = new Client(app);
  t.is((await client.get('/other')).headers.get('Location'), '/other/');
  t.is((await client.get('/slash')).status, 404);
});
