import test from 'ava';
import { Client } from '../../lib/testing/index.js';
import { blogApp, createBlogApp } from '../../examples/blog/app.js';
import { fetchResult, withServer } from '../server/http-helpers.js';

const NAV = '<nav><a href="/">Home</a> | <a href="/articles/">Articles</a> | <a href="/api/articles/">API</a> | <a href="/feed/">Feed</a></nav>';

test('the home page links to the default instance of the articles app and to the archive', async (t) => {
  const response = await new Client(blogApp).get('/');
  t.is(response.status, 200);
  t.is(response.headers.get('Content-Type'), 'text/html; charset=utf-8');
  const page = response.text();
  t.true(page.includes(NAV), page);
  t.true(page.includes('<li><a href="/articles/2024/urlconfs/">URLconfs &amp; namespaces</a> (2024)</li>'), page);
  t.true(page.includes('<p>Read <a href="/articles/">all articles</a> or browse <a href="/archive/">the archive</a>.</p>'), page);
});

test('the same app mounted twice: each instance reverses its own URLs (articles:… follows the current namespace)', async (t) => {
  const client = new Client(blogApp);
  const articles = (await client.get('/articles/')).text();
  t.true(articles.includes('<h1>Articles</h1>'));
  t.true(articles.includes('<li><a href="/articles/2023/hello-tsgi/">Hello, tsgi</a> (2023)</li>'), articles);
  t.true(articles.includes('<p>By year: <a href="/articles/2024/">2024</a> <a href="/articles/2023/">2023</a> </p>'), articles);
  const archive = (await client.get('/archive/')).text();
  t.true(archive.includes('<h1>Archive</h1>'));
  t.true(archive.includes('<a href="/archive/">Articles</a>'), archive);
  t.true(archive.includes('<li><a href="/archive/2023/hello-tsgi/">Hello, tsgi</a> (2023)</li>'), archive);
  t.false(archive.includes('href="/articles/'), archive);
  const detail = (await client.get('/archive/2024/urlconfs/')).text();
  t.true(detail.includes('<p><a href="/archive/2024/urlconfs/comments/">Add a comment</a></p>'), detail);
});

test('app.resolver reverses by instance namespace and application namespace', (t) => {
  t.is(blogApp.resolver.reverse('articles:year', { kwargs: { year: 2024 } }), '/articles/2024/');
  t.is(blogApp.resolver.reverse('archive:detail', { kwargs: { year: 2023, slug: 'hello-tsgi' } }), '/archive/2023/hello-tsgi/');
  t.is(blogApp.resolver.reverse('articles:index', { currentApp: 'archive' }), '/archive/');
  t.is(blogApp.resolver.reverse('api:article-detail', { kwargs: { id: 7 } }), '/api/articles/7/');
});

test('the year converter: four digits from 1990, anything earlier falls through to the 404 handler', async (t) => {
  const client = new Client(blogApp);
  const year = await client.get('/articles/2023/');
  t.is(year.status, 200);
  t.true(year.text().includes('<h1>Articles of 2023</h1>'));
  const early = await client.get('/articles/1985/');
  t.is(early.status, 404);
  t.true(early.text().includes('<p>Nothing lives at <code>/articles/1985/</code>.</p>'));
  t.is((await client.get('/articles/2001/')).status, 404, 'a year without articles is Http404 from the view');
});

test('unknown URLs get the custom 404 page, escaped', async (t) => {
  const response = await new Client(blogApp).get('/no/<script>/');
  t.is(response.status, 404);
  t.is(response.errors, 'Not Found: /no/<script>/\n');
  t.is(
    response.text(),
    `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Not found · tsgi blog</title></head>
<body>
${NAV}
<h1>Not found</h1>
<p>Nothing lives at <code>/no/&lt;script&gt;/</code>.</p>
</body>
</html>
`,
  );
});

test('a failing view gets the custom 500 page; the error goes to tsgi.errors only', async (t) => {
  const response = await new Client(blogApp).get('/oops/');
  t.is(response.status, 500);
  t.is(
    response.text(),
    '<!doctype html>\n<title>Server error</title>\n<h1>Sorry, something broke</h1>\n<p>The error was logged; please try again later.</p>\n',
  );
  t.regex(response.errors, /^Internal Server Error: \/oops\/\nError: This view fails on purpose\./);
});

test('APPEND_SLASH: /articles and /archive/2024 are 301 to the slash URL, query kept', async (t) => {
  const client = new Client(blogApp);
  const articles = await client.get('/articles?page=2');
  t.is(articles.status, 301);
  t.is(articles.headers.get('Location'), '/articles/?page=2');
  const year = await client.get('/archive/2024');
  t.is(year.status, 301);
  t.is(year.headers.get('Location'), '/archive/2024/');
  t.is((await client.get('/nothing')).status, 404, 'no redirect when the slash URL does not resolve either');
});

test('redirect(): a permanent one from the short id link, a temporary one to the latest article', async (t) => {
  const client = new Client(blogApp);
  const short = await client.get('/archive/id/2/');
  t.is(short.status, 301);
  t.is(short.headers.get('Location'), '/archive/2024/urlconfs/');
  const latest = await client.get('/articles/latest/');
  t.is(latest.status, 302);
  t.regex(latest.headers.get('Location') ?? '', /^\/articles\/\d{4}\/[-a-z0-9]+\/$/);
  t.is((await client.get('/articles/id/999/')).status, 404);
});

test('the comment form: POST through readForm() then redirect; invalid input shows errors; PUT is 405', async (t) => {
  const client = new Client(blogApp);
  const form = await client.get('/articles/2024/middleware/comments/');
  t.is(form.status, 200);
  t.true(form.text().includes('<form method="post" action="/articles/2024/middleware/comments/">'));

  const posted = await client.post('/articles/2024/middleware/comments/', { form: { author: 'Grace', text: 'Hooks & <layers>' } });
  t.is(posted.status, 302);
  t.is(posted.headers.get('Location'), '/articles/2024/middleware/');
  const article = (await client.get('/articles/2024/middleware/')).text();
  t.true(article.includes('<li><b>Grace</b>: Hooks &amp; &lt;layers&gt;</li>'), article);

  const invalid = await client.post('/articles/2024/middleware/comments/', { form: { author: ' ', text: 'kept "as typed"' } });
  t.is(invalid.status, 400);
  const page = invalid.text();
  t.true(page.includes('<p class="error">Please give your name.</p>'), page);
  t.true(page.includes('<textarea name="text">kept &quot;as typed&quot;</textarea>'), page);

  const put = await client.put('/articles/2024/middleware/comments/');
  t.is(put.status, 405);
  t.is(put.headers.get('Allow'), 'GET, POST, HEAD, OPTIONS');
  t.is((await client.post('/articles/2024/nope/comments/', { form: { author: 'a', text: 'b' } })).status, 404);
});

test('the JSON API: list, detail, and a JSON 404 from the custom handler', async (t) => {
  const client = new Client(blogApp);
  const list = await client.get('/api/articles/');
  t.is(list.status, 200);
  t.is(list.headers.get('Content-Type'), 'application/json');
  const { articles } = list.json<{ articles: Array<{ id: number; url: string }> }>();
  t.true(articles.some((article) => article.id === 1 && article.url === 'http://localhost/api/articles/1/'));
  t.deepEqual((await client.get('/api/articles/1/')).json(), {
    id: 1,
    year: 2023,
    slug: 'hello-tsgi',
    title: 'Hello, tsgi',
    body: 'A server gateway interface for TypeScript, after PEP 3333.',
    comments: 1,
    url: 'http://localhost/api/articles/1/',
    page: 'http://localhost/articles/2023/hello-tsgi/',
  });
  const missing = await client.get('/api/articles/999/');
  t.is(missing.status, 404);
  t.deepEqual(missing.json(), { error: 'No article with id 999.' });
  const deleted = await client.delete('/api/articles/1/');
  t.is(deleted.status, 405);
  t.is(deleted.headers.get('Allow'), 'GET, HEAD');
});

test('the JSON API creates an article (201 + Location) and answers 400 to bad JSON or bad fields', async (t) => {
  const client = new Client(blogApp);
  const created = await client.post('/api/articles/', { json: { title: 'Made via the API!', body: 'JSON in, JSON out.', year: 2025 } });
  t.is(created.status, 201);
  const article = created.json<{ id: number; slug: string; url: string; page: string }>();
  t.is(article.slug, 'made-via-the-api');
  t.is(created.headers.get('Location'), article.url);
  t.is(article.page, 'http://localhost/articles/2025/made-via-the-api/');
  t.is((await client.get(`/api/articles/${article.id}/`)).status, 200);
  t.is((await client.get('/archive/2025/made-via-the-api/')).status, 200);

  const badJson = await client.post('/api/articles/', { body: '{"title": ', headers: { 'Content-Type': 'application/json' } });
  t.is(badJson.status, 400);
  t.regex(badJson.json<{ error: string }>().error, /^The request body is not valid JSON: .+\. Send a JSON document\.$/);
  const badFields = await client.post('/api/articles/', { json: { title: '', body: 'x' } });
  t.is(badFields.status, 400);
  t.deepEqual(badFields.json(), { error: 'title must be a non-empty string.' });
  t.deepEqual((await client.post('/api/articles/', { json: [1] })).json(), { error: 'Send a JSON object with title and body.' });
});

test('the pipeline middleware: security headers, X-Frame-Options, ETag/304 and Server-Timing with the view name', async (t) => {
  const client = new Client(blogApp);
  // A page no other test changes, so its ETag holds between the two requests.
  const response = await client.get('/archive/2023/hello-tsgi/');
  t.is(response.headers.get('X-Content-Type-Options'), 'nosniff');
  t.is(response.headers.get('Referrer-Policy'), 'same-origin');
  t.is(response.headers.get('X-Frame-Options'), 'DENY');
  t.regex(response.headers.get('Server-Timing') ?? '', /^total;dur=\d+\.\d, view;dur=\d+\.\d;desc="archive:detail"$/);
  const etag = response.headers.get('ETag');
  t.truthy(etag);
  const again = await client.get('/archive/2023/hello-tsgi/', { headers: { 'If-None-Match': etag! } });
  t.is(again.status, 304);
  t.is(again.body.length, 0);
  const unresolved = await client.get('/missing/');
  t.is(unresolved.headers.get('Server-Timing')?.includes('view;'), false, 'processView never ran');
});

test('maintenance mode answers 503 to everything; when off, MiddlewareNotUsed leaves it out', async (t) => {
  const down = createBlogApp({ maintenance: true });
  const response = await new Client(down).get('/articles/');
  t.is(response.status, 503);
  t.is(response.headers.get('Retry-After'), '300');
  t.true(response.text().includes('down for maintenance'));
  t.is(String(down), '<FrameworkApplication 6 middleware>');
  t.is(String(blogApp), '<FrameworkApplication 5 middleware>');
});

test('a Host outside allowedHosts is 400', async (t) => {
  const response = await new Client(blogApp, { baseUrl: 'http://evil.example/' }).get('/');
  t.is(response.status, 400);
});

test('over a real socket: pages, and the Atom feed streamed chunked', async (t) => {
  await withServer(blogApp, async (server) => {
    const home = await fetchResult(server.port);
    t.is(home.status, 200);
    t.true(home.body.toString().includes(NAV));
    t.is(home.headers['content-length'], String(home.body.length));

    const feed = await fetchResult(server.port, { path: '/feed/' });
    t.is(feed.status, 200);
    t.is(feed.headers['content-type'], 'application/atom+xml; charset=utf-8');
    t.is(feed.headers['transfer-encoding'], 'chunked');
    const xml = feed.body.toString();
    const base = `http://127.0.0.1:${server.port}`;
    t.true(xml.startsWith(`<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<title>tsgi blog</title>\n<id>${base}/</id>\n`), xml);
    t.true(
      xml.includes(
        `<entry><title>Hello, tsgi</title><link href="${base}/articles/2023/hello-tsgi/"/><id>${base}/articles/2023/hello-tsgi/</id><summary>A server gateway interface for TypeScript, after PEP 3333.</summary></entry>\n`,
      ),
      xml,
    );
    t.true(xml.endsWith('</feed>\n'));

    const slash = await fetchResult(server.port, { path: '/archive' });
    t.is(slash.status, 301);
    t.is(slash.headers.location, '/archive/');
  });
});
