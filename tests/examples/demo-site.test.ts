import test from 'ava';
import site from '../../examples/demo-site.js';
import { fetchResult, withServer } from '../server/http-helpers.js';

test('GET / is an HTML index linking to every route, timed by the gateway middleware', async (t) => {
  await withServer(site, async (server) => {
    const result = await fetchResult(server.port);
    t.is(result.status, 200);
    t.is(result.headers['content-type'], 'text/html; charset=utf-8');
    t.is(result.headers['x-frame-options'], 'DENY');
    t.is(result.headers['x-content-type-options'], 'nosniff');
    t.regex(String(result.headers['x-elapsed']), /^\d+\.\dms$/);
    t.is(
      result.body.toString(),
      `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>tsgi demo site</title></head>
<body>
<h1>tsgi demo site</h1>
<ul>
<li><a href="/environ">/environ</a>: the environ of your request</li>
<li><a href="/stream">/stream</a>: a response streamed in chunks</li>
<li><a href="/echo">/echo</a>: a form echoed back</li>
<li><a href="/blog/">/blog/</a>: the blog example (includes, namespaces, a JSON API)</li>
</ul>
</body>
</html>
`,
    );
  });
});

test('GET /environ lists the environ as text, as the demo app does', async (t) => {
  await withServer(site, async (server) => {
    const result = await fetchResult(server.port, { path: '/environ?x=%C3%A9' });
    t.is(result.headers['content-type'], 'text/plain; charset=utf-8');
    const text = result.body.toString();
    t.true(text.startsWith('Hello world!\n\n'));
    for (const line of ['PATH_INFO = /environ', 'QUERY_STRING = x=%C3%A9', 'REQUEST_METHOD = GET', 'tsgi.version = [1, 0]', 'tsgi.url_scheme = http']) {
      t.true(text.includes(`\n${line}\n`), line);
    }
  });
});

test('GET /stream sends each chunk as it comes, chunked', async (t) => {
  await withServer(site, async (server) => {
    const result = await fetchResult(server.port, { path: '/stream?n=3&delay=10' });
    t.is(result.headers['transfer-encoding'], 'chunked');
    t.is(result.headers['x-accel-buffering'], 'no');
    t.is(result.body.toString(), 'chunk 1 of 3\nchunk 2 of 3\nchunk 3 of 3\n');
  });
});

test('GET /echo shows the form and POST /echo echoes every field, escaped', async (t) => {
  await withServer(site, async (server) => {
    const form = await fetchResult(server.port, { path: '/echo' });
    t.true(form.body.toString().includes('<form method="post" action="/echo">'));
    const body = 'name=Ada&message=%3Cb%3Ehi%3C%2Fb%3E+%C3%A9&tag=a&tag=b';
    const echoed = await fetchResult(server.port, {
      path: '/echo',
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) },
      body,
    });
    t.is(echoed.status, 200);
    const html = echoed.body.toString();
    t.true(
      html.includes(
        '<p>You sent 4 field(s):</p>\n<ul>\n<li><b>name</b>: Ada</li>\n<li><b>message</b>: &lt;b&gt;hi&lt;/b&gt; é</li>\n<li><b>tag</b>: a</li>\n<li><b>tag</b>: b</li>\n</ul>\n',
      ),
      html,
    );
  });
});

test('POST /echo refuses a form over 64 KiB with 413', async (t) => {
  await withServer(site, async (server) => {
    const body = `message=${'x'.repeat(70_000)}`;
    const result = await fetchResult(server.port, {
      path: '/echo',
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) },
      body,
    });
    t.is(result.status, 413);
    t.is(result.body.toString(), 'Forms up to 65536 bytes, please.\n');
  });
});

test('PUT /echo is 405 with Allow', async (t) => {
  await withServer(site, async (server) => {
    const result = await fetchResult(server.port, { path: '/echo', method: 'PUT', headers: { 'Content-Length': '0' } });
    t.is(result.status, 405);
    t.is(result.headers.allow, 'GET, HEAD, POST');
  });
});

test('the blog is mounted under /blog/: its links carry the prefix, /blog is 301 to /blog/', async (t) => {
  await withServer(site, async (server) => {
    const slash = await fetchResult(server.port, { path: '/blog' });
    t.is(slash.status, 301);
    t.is(slash.headers.location, '/blog/');
    const archive = (await fetchResult(server.port, { path: '/blog/archive/' })).body.toString();
    t.true(archive.includes('<li><a href="/blog/archive/2023/hello-tsgi/">Hello, tsgi</a> (2023)</li>'), archive);
    const api = await fetchResult(server.port, { path: '/blog/api/articles/1/' });
    t.is(api.headers['content-type'], 'application/json');
    t.is((JSON.parse(api.body.toString()) as { page: string }).page, `http://127.0.0.1:${server.port}/blog/articles/2023/hello-tsgi/`);
  });
});

test('an unknown path is 404 from the site\'s handler', async (t) => {
  await withServer(site, async (server) => {
    const result = await fetchResult(server.port, { path: '/nope' });
    t.is(result.status, 404);
    t.is(result.body.toString(), 'Nothing at /nope. Try /.\n');
  });
});

test('a Host outside the allowed hosts is 400', async (t) => {
  await withServer(site, async (server) => {
    const result = await fetchResult(server.port, { headers: { Host: 'evil.example' } });
    t.is(result.status, 400);
  });
});
