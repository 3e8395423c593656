import test from 'ava';
import { createHash } from 'node:crypto';
import { Client } from '../../../lib/testing/index.js';
import { ImproperlyConfigured } from '../../../lib/framework/errors.js';
import { HttpResponse, StreamingHttpResponse } from '../../../lib/framework/http/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication } from '../../../lib/framework/pipeline/index.js';
import { conditionalGetMiddleware, parseEtags, parseHttpDate, quoteEtag } from '../../../lib/framework/middleware/index.js';

const ETAG = `"${createHash('md5').update('hello').digest('hex')}"`;
const LAST_MODIFIED = 'Sun, 06 Nov 1994 08:49:37 GMT';
const EARLIER = 'Sat, 05 Nov 1994 08:49:37 GMT';
const LATER = 'Mon, 07 Nov 1994 08:49:37 GMT';

const client = new Client(
  createApplication({
    urlpatterns: [
      path('page/', () => {
        const response = new HttpResponse('hello', { headers: { 'Cache-Control': 'max-age=60', 'X-Custom': 'dropped on 304' } });
        response.setCookie('seen', 'yes');
        return response;
      }),
      path('dated/', () => new HttpResponse('hello', { headers: { 'Last-Modified': LAST_MODIFIED, 'Cache-Control': 'no-store' } })),
      path('weak/', () => new HttpResponse('hello', { headers: { ETag: 'W/"v1"' } })),
      path('private/', () => new HttpResponse('hello', { headers: { 'Cache-Control': 'private, no-store' } })),
      path('empty/', () => new HttpResponse('')),
      path('missing/', () => new HttpResponse('hello', { status: 404 })),
      path('stream/', () => new StreamingHttpResponse([Buffer.from('hello')]) as unknown as HttpResponse /* types.ts ViewResult is HttpResponse only */),
    ],
    middleware: [conditionalGetMiddleware()],
  }),
);

test('a GET response gets a strong ETag: the MD5 of its content', async (t) => {
  const response = await client.get('/page/');
  t.is(response.status, 200);
  t.is(response.headers.get('ETag'), ETAG);
});

test('no ETag with Cache-Control: no-store, for empty content, or for a streamed response', async (t) => {
  t.false((await client.get('/private/')).headers.has('ETag'));
  t.false((await client.get('/empty/')).headers.has('ETag'));
  t.false((await client.get('/stream/')).headers.has('ETag'));
});

const table: Array<{ label: string; method?: string; url: string; headers: Record<string, string>; status: number }> = [
  { label: 'If-None-Match matching', url: '/page/', headers: { 'If-None-Match': ETAG }, status: 304 },
  { label: 'If-None-Match matching weakly', url: '/page/', headers: { 'If-None-Match': `"other", W/${ETAG}` }, status: 304 },
  { label: 'If-None-Match *', url: '/page/', headers: { 'If-None-Match': '*' }, status: 304 },
  { label: 'If-None-Match other', url: '/page/', headers: { 'If-None-Match': '"other"' }, status: 200 },
  { label: 'If-None-Match matching on HEAD', method: 'HEAD', url: '/page/', headers: { 'If-None-Match': ETAG }, status: 304 },
  { label: 'If-None-Match matching on POST (untouched)', method: 'POST', url: '/page/', headers: { 'If-None-Match': ETAG }, status: 200 },
  { label: 'If-Match matching', url: '/page/', headers: { 'If-Match': ETAG }, status: 200 },
  { label: 'If-Match *', url: '/page/', headers: { 'If-Match': '*' }, status: 200 },
  { label: 'If-Match other', url: '/page/', headers: { 'If-Match': '"other"' }, status: 412 },
  { label: 'If-Match on a weak ETag', url: '/weak/', headers: { 'If-Match': 'W/"v1"' }, status: 412 },
  { label: 'If-None-Match weak on a weak ETag', url: '/weak/', headers: { 'If-None-Match': '"v1"' }, status: 304 },
  { label: 'If-Modified-Since equal', url: '/dated/', headers: { 'If-Modified-Since': LAST_MODIFIED }, status: 304 },
  { label: 'If-Modified-Since later', url: '/dated/', headers: { 'If-Modified-Since': LATER }, status: 304 },
  { label: 'If-Modified-Since earlier', url: '/dated/', headers: { 'If-Modified-Since': EARLIER }, status: 200 },
  { label: 'If-Modified-Since not a date', url: '/dated/', headers: { 'If-Modified-Since': 'yesterday' }, status: 200 },
  { label: 'If-None-Match present: If-Modified-Since ignored', url: '/dated/', headers: { 'If-None-Match': '"x"', 'If-Modified-Since': LATER }, status: 200 },
  { label: 'If-Unmodified-Since earlier', url: '/dated/', headers: { 'If-Unmodified-Since': EARLIER }, status: 412 },
  { label: 'If-Unmodified-Since equal', url: '/dated/', headers: { 'If-Unmodified-Since': LAST_MODIFIED }, status: 200 },
  { label: 'If-Unmodified-Since without Last-Modified', url: '/page/', headers: { 'If-Unmodified-Since': LATER }, status: 412 },
  { label: 'If-Match present: If-Unmodified-Since ignored', url: '/dated/', headers: { 'If-Match': '*', 'If-Unmodified-Since': EARLIER }, status: 412 },
  { label: 'a 404 is never made conditional', url: '/missing/', headers: { 'If-None-Match': '*' }, status: 404 },
];

for (const { label, method = 'GET', url, headers, status } of table) {
  test(`conditional GET: ${label} -> ${status}`, async (t) => {
    const response = await client.request(method, url, { headers });
    t.is(response.status, status);
  });
}

test('a 304 keeps the caching headers and the cookies, and nothing else', async (t) => {
  const response = await client.get('/page/', { headers: { 'If-None-Match': ETAG } });
  t.is(response.status, 304);
  t.is(response.body.length, 0);
  t.is(response.headers.get('ETag'), ETAG);
  t.is(response.headers.get('Cache-Control'), 'max-age=60');
  t.false(response.headers.has('X-Custom'));
  t.false(response.headers.has('Content-Type'));
  t.regex(response.headers.get('Set-Cookie') ?? '', /^seen=yes/);
});

test('a 412 is logged as Precondition Failed', async (t) => {
  const response = await client.get('/page/', { headers: { 'If-Match': '"other"' } });
  t.is(response.errors, 'Precondition Failed: /page/\n');
});

test('parseEtags keeps valid tags and understands *', (t) => {
  t.deepEqual(parseEtags('"a", W/"b", c, "d'), ['"a"', 'W/"b"']);
  t.deepEqual(parseEtags(' * '), ['*']);
  t.deepEqual(parseEtags(''), []);
});

test('quoteEtag quotes a bare tag only', (t) => {
  t.is(quoteEtag('abc'), '"abc"');
  t.is(quoteEtag('"abc"'), '"abc"');
  t.is(quoteEtag('W/"abc"'), 'W/"abc"');
});

const dates: Array<[label: string, text: string, seconds: number | null]> = [
  ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', 784111777],
  ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT', 784111777],
  ['asctime', 'Sun Nov  6 08:49:37 1994', 784111777],
  ['not a date', 'Sun, 06 Nov 1994', null],
  ['a bad month', 'Sun, 06 Foo 1994 08:49:37 GMT', null],
  ['an hour out of range', 'Sun, 06 Nov 1994 25:49:37 GMT', null],
];

for (const [label, text, seconds] of dates) {
  test(`parseHttpDate reads ${label}`, (t) => {
    t.is(parseHttpDate(text), seconds);
  });
}

test('conditionalGetMiddleware() takes no options', (t) => {
  t.throws(() => conditionalGetMiddleware({ weak: true } as never), {
    instanceOf: ImproperlyConfigured,
    message: "conditionalGetMiddleware() takes no options; got 'weak'.",
  });
});
