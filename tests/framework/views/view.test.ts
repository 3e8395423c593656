import test from 'ava';
import { Client } from '../../../lib/testing/index.js';
import { HttpResponse, type HttpRequest } from '../../../lib/framework/http/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication } from '../../../lib/framework/pipeline/index.js';
import { View } from '../../../lib/framework/views/index.js';
import type { Kwargs } from '../../../lib/framework/types.js';

class ArticleView extends View {
  greeting = 'Article';
  get(request: HttpRequest, kwargs: Kwargs) {
    return new HttpResponse(`${this.greeting} ${String(kwargs['id'])} ${request.method} ${this.request === request}`);
  }
  post(_request: HttpRequest, kwargs: Kwargs) {
    return new HttpResponse(`saved ${String(this.kwargs['id'])} ${String(kwargs['id'])}`, { status: 201 });
  }
}

class PostOnly extends View {
  post() {
    return new HttpResponse('posted');
  }
}

class ExplicitHead extends View {
  get() {
    return new HttpResponse('full body');
  }
  head() {
    return new HttpResponse('', { headers: { 'X-Head': 'own' } });
  }
}

const app = createApplication({
  urlpatterns: [
    path('articles/<int:id>/', ArticleView.asView()),
    path('short/<int:id>/', ArticleView.asView({ greeting: 'Short' })),
    path('post-only/', PostOnly.asView()),
    path('explicit-head/', ExplicitHead.asView()),
  ],
});
const client = new Client(app);

test('a View dispatches each method to its handler with (request, kwargs)', async (t) => {
  t.is((await client.get('/articles/5/')).text(), 'Article 5 GET true');
  const posted = await client.post('/articles/5/');
  t.is(posted.status, 201);
  t.is(posted.text(), 'saved 5 5');
});

test('asView() options are set on each instance', async (t) => {
  t.is((await client.get('/short/7/')).text(), 'Short 7 GET true');
});

test('HEAD falls back to get', async (t) => {
  const response = await client.head('/articles/5/');
  t.is(response.status, 200);
  t.is(response.body.length, 0);
});

test('an explicit head handler wins over get', async (t) => {
  t.is((await client.head('/explicit-head/')).headers.get('X-Head'), 'own');
});

test('OPTIONS answers 200 with Allow and an empty body', async (t) => {
  const response = await client.options('/articles/5/');
  t.is(response.status, 200);
  t.is(response.headers.get('Allow'), 'GET, POST, HEAD, OPTIONS');
  t.is(response.headers.get('Content-Length'), '0');
  t.is(response.body.length, 0);
  t.is((await client.options('/post-only/')).headers.get('Allow'), 'POST, OPTIONS');
});

test('a method without a handler is 405 with Allow, logged as a warning', async (t) => {
  const response = await client.patch('/articles/5/');
  t.is(response.status, 405);
  t.is(response.headers.get('Allow'), 'GET, POST, HEAD, OPTIONS');
  t.is(response.errors, 'Method Not Allowed (PATCH): /articles/5/\n');
  const get = await client.get('/post-only/');
  t.is(get.status, 405);
  t.is(get.headers.get('Allow'), 'POST, OPTIONS');
});

test('an unknown method is 405 too', async (t) => {
  const response = await client.request('BREW', '/articles/5/');
  t.is(response.status, 405);
});

test('asView() returns a named view function carrying its class and options', (t) => {
  const view = ArticleView.asView({ greeting: 'x' });
  t.is(view.name, 'ArticleView.asView()');
  t.is(view.viewClass, ArticleView);
  t.deepEqual(view.viewInitOptions, { greeting: 'x' });
});

test('a view that returns nothing is reported under the asView() name', async (t) => {
  class Silent extends View {
    get() {
      return undefined as unknown as HttpResponse;
    }
  }
  const debugApp = createApplication({ urlpatterns: [path('', Silent.asView())], debug: true });
  const response = await new Client(debugApp).get('/', { headers: { Accept: 'text/plain' } });
  t.true(response.text().includes("The view Silent.asView() didn't return an HttpResponse object. It returned undefined instead."));
});

test('asView() refuses a method name as an option', (t) => {
  t.throws(() => ArticleView.asView({ get: () => null }), {
    instanceOf: TypeError,
    message: 'The method name get is not accepted as an option to ArticleView.asView().',
  });
});

test('asView() refuses an option that is not an attribute of the class', (t) => {
  t.throws(() => ArticleView.asView({ greting: 'typo' }), {
    instanceOf: TypeError,
    message: "ArticleView.asView() received an invalid option 'greting'. asView() only accepts options that are already attributes of the class.",
  });
});

test('a subclass can narrow httpMethodNames', async (t) => {
  class ReadOnly extends ArticleView {
    override httpMethodNames = ['get', 'head', 'options'];
  }
  const readOnly = new Client(createApplication({ urlpatterns: [path('<int:id>/', ReadOnly.asView())] }));
  t.is((await readOnly.post('/1/')).status, 405);
  t.is((await readOnly.options('/1/')).headers.get('Allow'), 'GET, HEAD, OPTIONS');
});

test('a View describes itself', (t) => {
  t.is(String(new ArticleView()), '<ArticleView GET,POST,HEAD,OPTIONS>');
});
