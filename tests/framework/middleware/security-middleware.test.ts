import test from 'ava';
import { Client } from '../../../lib/testing/index.js';
import { ImproperlyConfigured } from '../../../lib/framework/errors.js';
import { HttpResponse } from '../../../lib/framework/http/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication } from '../../../lib/framework/pipeline/index.js';
import { securityMiddleware, type SecurityMiddlewareOptions } from '../../../lib/framework/middleware/index.js';

function site(options: SecurityMiddlewareOptions = {}) {
  return createApplication({
    urlpatterns: [
      path('page/', () => new HttpResponse('page')),
      path('health/', () => new HttpResponse('up')),
      path('own/', () => new HttpResponse('own', { headers: { 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'custom' } })),
      path('lower/', () => new HttpResponse('lower', { headers: { 'cross-origin-opener-policy': 'unsafe-none', 'x-frame-options': 'DENY' } })),
    ],
    middleware: [securityMiddleware(options)],
    allowedHosts: ['localhost'],
  });
}

test('by default it sends nosniff, Referrer-Policy and Cross-Origin-Opener-Policy, and no HSTS', async (t) => {
  const response = await new Client(site()).get('/page/');
  t.is(response.headers.get('X-Content-Type-Options'), 'nosniff');
  t.is(response.headers.get('Referrer-Policy'), 'same-origin');
  t.is(response.headers.get('Cross-Origin-Opener-Policy'), 'same-origin');
  t.false(response.headers.has('Strict-Transport-Security'));
});

test('headers the view set are kept', async (t) => {
  const response = await new Client(site()).get('/own/');
  t.is(response.headers.get('Referrer-Policy'), 'no-referrer');
  t.is(response.headers.get('X-Content-Type-Options'), 'custom');
});

test('headers the view set in another case are kept, and only the missing ones added', async (t) => {
  const response = await new Client(site()).get('/lower/');
  t.deepEqual(response.headers.getAll('Cross-Origin-Opener-Policy'), ['unsafe-none']);
  t.deepEqual(
    response.headers.keys().filter((name) => name !== 'Date' && name !== 'Server' && name !== 'Content-Length'),
    ['cross-origin-opener-policy', 'x-frame-options', 'Content-Type', 'X-Content-Type-Options', 'Referrer-Policy'],
  );
});

test('error pages get the headers too', async (t) => {
  const response = await new Client(site()).get('/missing/');
  t.is(response.status, 404);
  t.is(response.headers.get('X-Content-Type-Options'), 'nosniff');
});

test('HSTS is sent on secure requests only', async (t) => {
  const app = site({ hstsSeconds: 3600, hstsIncludeSubdomains: true, hstsPreload: true });
  const secure = await new Client(app, { baseUrl: 'https://localhost/' }).get('/page/');
  t.is(secure.headers.get('Strict-Transport-Security'), 'max-age=3600; includeSubDomains; preload');
  const plain = await new Client(app).get('/page/');
  t.false(plain.headers.has('Strict-Transport-Security'));
  const minimal = await new Client(site({ hstsSeconds: 60 }), { baseUrl: 'https://localhost/' }).get('/page/');
  t.is(minimal.headers.get('Strict-Transport-Security'), 'max-age=60');
});

test('sslRedirect sends plain-HTTP requests to https with a 301, keeping the full path', async (t) => {
  const response = await new Client(site({ sslRedirect: true })).get('/page/?q=1');
  t.is(response.status, 301);
  t.is(response.headers.get('Location'), 'https://localhost/page/?q=1');
  const secure = await new Client(site({ sslRedirect: true }), { baseUrl: 'https://localhost/' }).get('/page/');
  t.is(secure.status, 200);
});

test('sslRedirect honours redirectExempt (matched without the leading slash) and sslHost', async (t) => {
  const app = site({ sslRedirect: true, redirectExempt: [/^health\//], sslHost: 'secure.example.com' });
  const client = new Client(app);
  t.is((await client.get('/health/')).status, 200);
  t.is((await client.get('/page/')).headers.get('Location'), 'https://secure.example.com/page/');
});

test('referrerPolicy takes a list of fallbacks, and null turns a header off', async (t) => {
  const listed = await new Client(site({ referrerPolicy: ['no-referrer', 'strict-origin-when-cross-origin'] })).get('/page/');
  t.is(listed.headers.get('Referrer-Policy'), 'no-referrer,strict-origin-when-cross-origin');
  const comma = await new Client(site({ referrerPolicy: 'origin, unsafe-url' })).get('/page/');
  t.is(comma.headers.get('Referrer-Policy'), 'origin,unsafe-url');
  const off = await new Client(site({ referrerPolicy: null, crossOriginOpenerPolicy: null, contentTypeNosniff: false })).get('/page/');
  t.false(off.headers.has('Referrer-Policy'));
  t.false(off.headers.has('Cross-Origin-Opener-Policy'));
  t.false(off.headers.has('X-Content-Type-Options'));
});

const badOptions: Array<{ label: string; options: unknown; message: string }> = [
  { label: 'a negative hstsSeconds', options: { hstsSeconds: -1 }, message: 'securityMiddleware() hstsSeconds must be an integer >= 0 (e.g. 31536000 for a year); got -1.' },
  { label: 'an unknown referrer policy', options: { referrerPolicy: 'same-site' }, message: "securityMiddleware() referrerPolicy must be one of 'no-referrer', 'no-referrer-when-downgrade', 'origin', 'origin-when-cross-origin', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin', 'unsafe-url'; got 'same-site'." },
  { label: 'an unknown opener policy', options: { crossOriginOpenerPolicy: 'deny' }, message: "securityMiddleware() crossOriginOpenerPolicy must be one of 'same-origin', 'same-origin-allow-popups', 'unsafe-none'; got 'deny'." },
  { label: 'an empty sslHost', options: { sslHost: '' }, message: "securityMiddleware() sslHost must be a host name such as 'secure.example.com', or null; got ''." },
  { label: 'redirectExempt as strings', options: { redirectExempt: ['^health/'] }, message: 'securityMiddleware() redirectExempt must be an array of RegExp; got an array of length 1.' },
  { label: 'an unknown option', options: { hsts: 1 }, message: "securityMiddleware() got an unknown option 'hsts'. Known options: sslRedirect, sslHost, redirectExempt, hstsSeconds, hstsIncludeSubdomains, hstsPreload, contentTypeNosniff, referrerPolicy, crossOriginOpenerPolicy." },
];

for (const { label, options, message } of badOptions) {
  test(`securityMiddleware() refuses ${label} at once`, (t) => {
    t.throws(() => securityMiddleware(options as never), { instanceOf: ImproperlyConfigured, message });
  });
}
