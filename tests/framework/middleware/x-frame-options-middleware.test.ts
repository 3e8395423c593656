import test from 'ava';
import { Client } from '../../../lib/testing/index.js';
import { ImproperlyConfigured } from '../../../lib/framework/errors.js';
import { HttpResponse } from '../../../lib/framework/http/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication } from '../../../lib/framework/pipeline/index.js';
import { xFrameOptionsMiddleware, xframeOptionsExempt, type XFrameOptionsMiddlewareOptions } from '../../../lib/framework/middleware/index.js';

function site(options?: XFrameOptionsMiddlewareOptions) {
  return createApplication({
    urlpatterns: [
      path('page/', () => new HttpResponse('page')),
      path('own/', () => new HttpResponse('own', { headers: { 'X-Frame-Options': 'SAMEORIGIN' } })),
      path('widget/', xframeOptionsExempt(function widget() { return new HttpResponse('widget'); })),
    ],
    middleware: [xFrameOptionsMiddleware(options)],
  });
}

test('X-Frame-Options is DENY by default', async (t) => {
  t.is((await new Client(site()).get('/page/')).headers.get('X-Frame-Options'), 'DENY');
});

test('SAMEORIGIN can be chosen', async (t) => {
  t.is((await new Client(site({ value: 'SAMEORIGIN' })).get('/page/')).headers.get('X-Frame-Options'), 'SAMEORIGIN');
});

test('a header the view set is kept', async (t) => {
  t.is((await new Client(site()).get('/own/')).headers.get('X-Frame-Options'), 'SAMEORIGIN');
});

test('an exempt view gets no header, and keeps its name', async (t) => {
  const response = await new Client(site()).get('/widget/');
  t.is(response.text(), 'widget');
  t.false(response.headers.has('X-Frame-Options'));
  t.is(xframeOptionsExempt(function widget() { return new HttpResponse(''); }).name, 'widget');
});

test('bad options are refused at once', (t) => {
  t.throws(() => xFrameOptionsMiddleware({ value: 'ALLOW-FROM x' as never }), {
    instanceOf: ImproperlyConfigured,
    message: "xFrameOptionsMiddleware() value must be one of 'DENY', 'SAMEORIGIN'; got 'ALLOW-FROM x'.",
  });
  t.throws(() => xframeOptionsExempt('view' as never), {
    instanceOf: TypeError,
    message: "xframeOptionsExempt() expects a view function (request, kwargs, ...args) => response; got 'view'.",
  });
});
