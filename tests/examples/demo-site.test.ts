import test from 'ava';
import site from '../../examples/demo-site.js';
import { fetchResult, withServer } from '../server/http-helpers.js';

test('GET / is an HTML index linking to every route', async (t) => {
  await withServer(site, async (server) => {
    const result = await fetchResult(server.port);
    t.is(result.status, 200);
    t.is(result.headers['content-type'], 'text/html; charset=utf-8');
    const html = result.body.toString();
    for (const href of ['/environ', '/stream', '/echo']) t.true(html.includes(`href="${href}"`), href);
    t.regex(String(result.headers['x-elapsed']), /^\d+\.\dms$/);
  });
});

test('GET /environ is the demo app', async (t) => {
  await withServer(site, async (server) => {
    const text = (await fetchResult(server.port, { path: '/environ' })).body.toString();
    t.true(text.startsWith('Hello world!\n\n'));
    t.true(text.includes('\nPATH_INFO = /environ\n'));
  });
});

test('GET /stream sends each chunk as it comes, chunked', async (t) => {
  await withServer(site, async (server) => {
    const result = await fetchResult(server.port, { path: '/stream?n=3&delay=10' });
    t.is(result.headers['transfer-encoding'], 'chunked');
    t.is(result.body.toString(), 'chunk 1 of 3\nchunk 2 of 3\nchunk 3 of 3\n');
  });
});

test('GET /echo shows the form and POST /echo echoes the fields, escaped', async (t) => {
  await withServer(site, async (server) => {
    const form = await fetchResult(server.port, { path: '/echo' });
    t.true(form.body.toString().includes('<form method="post" action="/echo">'));
    const body = 'name=Ada&message=%3Cb%3Ehi%3C%2Fb%3E+%C3%A9';
    const echoed = await fetchResult(server.port, {
      path: '/echo',
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) },
      body,
    });
    t.is(echoed.status, 200);
    const html = echoed.body.toString();
    t.true(html.includes('<p>You sent 2 field(s):</p>'));
    t.true(html.includes('<li><b>name</b>: Ada</li>'));
    t.true(html.includes('<li><b>message</b>: &#60;b&#62;hi&#60;/b&#62; é</li>'), html);
  });
});

test('POST /echo refuses a form over 64 KiB with 413', async (t) => {
  await withServer(site, async (server) => {
    const body = `message=${'x'.repeat(70_000)}`;
    const result = await fetchResult(server.port, {
      path: '/echo',
      method: 'POST',
      headers: { 'Content-Length': String(body.length) },
      body,
    });
    t.is(result.status, 413);
  });
});

test('PUT /echo is 405 with Allow', async (t) => {
  await withServer(site, async (server) => {
    const result = await fetchResult(server.port, { path: '/echo', method: 'PUT', headers: { 'Content-Length': '0' } });
    t.is(result.status, 405);
    t.is(result.headers.allow, 'GET, HEAD, POST');
  });
});

test('an unknown path is 404', async (t) => {
  await withServer(site, async (server) => {
    const result = await fetchResult(server.port, { path: '/nope' });
    t.is(result.status, 404);
    t.is(result.body.toString(), 'Nothing at /nope. Try /.\n');
  });
});
