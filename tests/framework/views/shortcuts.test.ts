import test from 'ava';
import { Client } from '../../../lib/testing/index.js';
import { Http404, NoReverseMatch } from '../../../lib/framework/errors.js';
import { HttpResponse, TemplateResponse, type HttpRequest } from '../../../lib/framework/http/index.js';
import { include, path } from '../../../lib/framework/urls/index.js';
import { createApplication } from '../../../lib/framework/pipeline/index.js';
import { getOr404, redirect, render, resolveUrl } from '../../../lib/framework/views/index.js';

function detail() {
  return new HttpResponse('detail');
}

function archive() {
  return new HttpResponse('archive');
}

const blog = [path('<int:id>/', detail, { name: 'detail' })];
const app = createApplication({
  urlpatterns: [
    path('blog/', include({ patterns: blog, appName: 'blog' })),
    path('go/name/', (request) => redirect('blog:detail', { request, kwargs: { id: 5 } })),
    path('archive/<int:year>/', archive),
    path('go/view/', (request) => redirect(archive, { request, args: [2024], permanent: true })),
    path('go/url/', (request) => redirect('/elsewhere/', { request })),
    path('go/absolute/', () => redirect('https://example.com/x')),
    path('go/relative/', () => redirect('../up/')),
    path('go/object/', () => redirect({ getAbsoluteUrl: () => '/objects/1/' })),
    path('go/unknown/', (request) => redirect('no-such-name', { request })),
    path('items/<int:id>/', async (_request, kwargs) => {
      const items = new Map([[1, 'first']]);
      const item = await getOr404(() => items.get(kwargs.id), `No item ${kwargs.id}.`);
      return new HttpResponse(item);
    }),
    path('page/', (request) => render(request, (context, req) => `${String(context['title'])} at ${req?.path}`, { title: 'Home' })),
  ],
});
const client = new Client(app, { baseUrl: 'http://localhost/site/' });

test('redirect() reverses a pattern name through the request (script prefix included)', async (t) => {
  const response = await client.get('/go/name/');
  t.is(response.status, 302);
  t.is(response.headers.get('Location'), '/site/blog/5/');
});

test('redirect() reverses a view, permanently when asked', async (t) => {
  const response = await client.get('/go/view/');
  t.is(response.status, 301);
  t.is(response.headers.get('Location'), '/site/archive/2024/');
});

test('redirect() takes URLs, relative URLs and objects with getAbsoluteUrl as they are', async (t) => {
  t.is((await client.get('/go/url/')).headers.get('Location'), '/elsewhere/');
  t.is((await client.get('/go/absolute/')).headers.get('Location'), 'https://example.com/x');
  t.is((await client.get('/go/relative/')).headers.get('Location'), '../up/');
  t.is((await client.get('/go/object/')).headers.get('Location'), '/objects/1/');
});

test('redirect() to a name that does not reverse is an error (500)', async (t) => {
  const response = await client.get('/go/unknown/');
  t.is(response.status, 500);
  t.regex(response.errors, /NoReverseMatch/);
});

test('resolveUrl() reverses with a resolver when there is no request', (t) => {
  t.is(resolveUrl('blog:detail', { resolver: app.resolver, kwargs: { id: 2 } }), '/blog/2/');
  t.is(resolveUrl('a.b'), 'a.b');
});

test('resolveUrl() without a resolver refuses a name', (t) => {
  t.throws(() => resolveUrl('home'), {
    instanceOf: NoReverseMatch,
    message: "redirect() cannot reverse 'home' without a resolver: pass { request } (in a view) or { resolver: app.resolver }, or give a URL.",
  });
  t.throws(() => resolveUrl(detail), {
    instanceOf: NoReverseMatch,
    message: 'redirect() cannot reverse the view detail without a resolver: pass { request } (in a view) or { resolver: app.resolver }, or give a URL.',
  });
});

test('resolveUrl() re-throws for a view that does not reverse, even with a resolver', (t) => {
  // As in Django, views inside a namespaced include are reversed by name only.
  t.throws(() => resolveUrl(detail, { resolver: app.resolver }), { instanceOf: NoReverseMatch });
});

test('getOr404() returns the value or raises Http404', async (t) => {
  t.is((await client.get('/items/1/')).text(), 'first');
  const missing = await client.get('/items/2/');
  t.is(missing.status, 404);
  t.is(await getOr404(async () => 0), 0);
  await t.throwsAsync(getOr404(() => null), { instanceOf: Http404, message: 'No object matches the given query.' });
  await t.throwsAsync(getOr404('x' as never), { instanceOf: TypeError });
});

test('render() returns a TemplateResponse the pipeline renders', async (t) => {
  const response = await client.get('/page/');
  t.is(response.text(), 'Home at /site/page/');
  const request = { path: '/' } as HttpRequest;
  t.true(render(request, () => '') instanceof TemplateResponse);
});
