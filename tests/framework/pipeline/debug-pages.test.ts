import test from 'ava';
import { Client } from '../../../lib/testing/index.js';
import { Http404 } from '../../../lib/framework/errors.js';
import { HttpResponse } from '../../../lib/framework/http/index.js';
import { include, path } from '../../../lib/framework/urls/index.js';
import { createApplication } from '../../../lib/framework/pipeline/index.js';

const polls = [path('', () => new HttpResponse('index'), { name: 'index' }), path('<int:pk>/', () => new HttpResponse('detail'), { name: 'detail' })];

function debugApp() {
  return createApplication({
    urlpatterns: [
      path('', () => new HttpResponse('home'), { name: 'home' }),
      path('polls/', include({ patterns: polls, appName: 'polls' })),
      path('article/<int:id>/', function articleDetail() { throw new Http404('No article 5 <script>'); }, { name: 'article' }),
      path('boom/', function explode() { throw new Error('it <b>broke</b>'); }),
    ],
    debug: true,
  });
}

test('the technical 404 lists the patterns tried, in order', async (t) => {
  const response = await new Client(debugApp()).get('/polls/abc/');
  t.is(response.status, 404);
  const page = response.text();
  t.true(page.includes('<title>Page not found at /polls/abc/</title>'));
  const items = [...page.matchAll(/<li>(.*?)<\/li>/g)].map((match) => match[1]!);
  t.is(items.length, 5);
  t.true(items[1]!.includes('polls/') && items[2]!.includes('&lt;int:pk&gt;/'), items.join(' | '));
  t.true(page.includes("The current path, <code>polls/abc/</code>, didn't match any of these."));
});

test('the technical 404 escapes the path', async (t) => {
  const response = await new Client(debugApp()).get('/<script>alert(1)</script>');
  t.false(response.text().includes('<script>alert'));
  t.true(response.text().includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('an Http404 raised by a view shows the view and its message, escaped', async (t) => {
  const response = await new Client(debugApp()).get('/article/5/');
  t.is(response.status, 404);
  const page = response.text();
  t.true(page.includes('<th>Raised by:</th><td>article</td>'), page);
  t.true(page.includes('No article 5 &lt;script&gt;'));
  t.false(page.includes('<li>'));
});

test('an empty URLconf answers the welcome page with 200 in debug', async (t) => {
  const app = createApplication({ urlpatterns: [], debug: true });
  const response = await new Client(app).get('/');
  t.is(response.status, 200);
  t.true(response.text().includes('It works'));
});

test('an empty URLconf without debug is a plain 404', async (t) => {
  const response = await new Client(createApplication({ urlpatterns: [] })).get('/');
  t.is(response.status, 404);
  t.false(response.text().includes('It works'));
});

test('the technical 500 shows the error, the stack, the request and the environ, escaped', async (t) => {
  const client = new Client(debugApp());
  const response = await client.get('/boom/?q=1&q=2', { headers: { Cookie: 'sessionid=s3cr3t-value; theme=dark' } });
  t.is(response.status, 500);
  const page = response.text();
  t.true(page.includes('<title>Error at /boom/</title>'));
  t.true(page.includes('Error: it &lt;b&gt;broke&lt;/b&gt;'));
  t.false(page.includes('<b>broke</b>'));
  t.true(page.includes('at explode'), 'the stack names the view');
  t.true(page.includes('sessionid, theme'), 'cookie names');
  t.false(page.includes('s3cr3t-value'), 'never cookie values');
  t.true(page.includes('q = &quot;1&quot;, &quot;2&quot;'));
  t.true(page.includes('<th>REQUEST_METHOD</th><td><pre>&#x27;GET&#x27;</pre></td>'));
});

test('the technical 500 masks environ values whose key looks like a secret', async (t) => {
  const client = new Client(debugApp(), {
    baseEnviron: { API_URL: 'https://api', MY_TOKEN: 'tok-123', DB_PASSWORD: 'pw-123', STRIPE_SECRET: 'sec-123', SIGNATURE_KEY: 'sig', PLAIN: 'visible-value' },
  });
  const response = await client.get('/boom/', { headers: { Authorization: 'Bearer abc-123', Cookie: 'a=cookie-123' } });
  const page = response.text();
  for (const secret of ['https://api', 'tok-123', 'pw-123', 'sec-123', 'Bearer abc-123', 'cookie-123']) t.false(page.includes(secret), secret);
  for (const key of ['API_URL', 'MY_TOKEN', 'DB_PASSWORD', 'STRIPE_SECRET', 'HTTP_AUTHORIZATION', 'HTTP_COOKIE']) {
    t.true(page.includes(`<th>${key}</th><td><pre>********************</pre></td>`), key);
  }
  t.true(page.includes('visible-value'));
});

test('the technical 500 is plain text for a client that does not accept HTML', async (t) => {
  const response = await new Client(debugApp()).get('/boom/', { headers: { Accept: 'application/json', 'X-Api-Key': 'k-123' } });
  t.is(response.status, 500);
  t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
  const text = response.text();
  t.true(text.startsWith('Error at /boom/\n\nError: it <b>broke</b>\n'));
  t.true(text.includes('  HTTP_X_API_KEY = ********************'));
  t.false(text.includes('k-123'));
});

test('Accept with text/html;q=0 counts as not accepting HTML', async (t) => {
  const response = await new Client(debugApp()).get('/boom/', { headers: { Accept: 'text/html;q=0, text/plain' } });
  t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
});

test('without debug nothing of the error reaches the client', async (t) => {
  const app = createApplication({ urlpatterns: [path('boom/', () => { throw new Error('secret detail'); })] });
  const response = await new Client(app).get('/boom/');
  t.false(response.text().includes('secret detail'));
  t.regex(response.errors, /secret detail/);
});
