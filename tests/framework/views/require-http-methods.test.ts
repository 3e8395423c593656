import test from 'ava';
import { Client } from '../../../lib/testing/index.js';
import { ImproperlyConfigured } from '../../../lib/framework/errors.js';
import { HttpResponse } from '../../../lib/framework/http/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication } from '../../../lib/framework/pipeline/index.js';
import { requireGET, requireHttpMethods, requirePOST, requireSafe } from '../../../lib/framework/views/index.js';
import { noAppendSlash } from '../../../lib/framework/middleware/index.js';

function echo(request: { method: string }, kwargs: Record<string, unknown>) {
  return new HttpResponse(`${request.method} ${JSON.stringify(kwargs)}`);
}

const client = new Client(
  createApplication({
    urlpatterns: [
      path('both/<int:id>/', requireHttpMethods(['GET', 'POST'])(echo)),
      path('get/', requireGET(echo)),
      path('post/', requirePOST(echo)),
      path('safe/', requireSafe(echo)),
    ],
  }),
);

const cases: Array<[label: string, method: string, url: string, status: number, allow?: string]> = [
  ['GET on GET/POST', 'GET', '/both/3/', 200],
  ['POST on GET/POST', 'POST', '/both/3/', 200],
  ['PUT on GET/POST', 'PUT', '/both/3/', 405, 'GET, POST'],
  ['POST on requireGET', 'POST', '/get/', 405, 'GET'],
  ['GET on requirePOST', 'GET', '/post/', 405, 'POST'],
  ['HEAD on requireSafe', 'HEAD', '/safe/', 200],
  ['DELETE on requireSafe', 'DELETE', '/safe/', 405, 'GET, HEAD'],
];

for (const [label, method, url, status, allow] of cases) {
  test(`requireHttpMethods: ${label} -> ${status}`, async (t) => {
    const response = await client.request(method, url);
    t.is(response.status, status);
    if (allow !== undefined) {
      t.is(response.headers.get('Allow'), allow);
      t.is(response.errors, `Method Not Allowed (${method}): ${url}\n`);
    }
  });
}

test('the decorated view gets the same arguments and keeps its name', async (t) => {
  t.is((await client.get('/both/3/')).text(), 'GET {"id":3}');
  t.is(requireGET(echo).name, 'echo');
});

test('decorators stack and keep each other\'s marks', (t) => {
  const view = requirePOST(noAppendSlash(echo));
  t.is((view as unknown as { shouldAppendSlash: unknown }).shouldAppendSlash, false);
  t.is(view.name, 'echo');
});

test('requireHttpMethods() refuses a bad method list at once', (t) => {
  t.throws(() => requireHttpMethods(['get']), {
    instanceOf: ImproperlyConfigured,
    message: "requireHttpMethods() expects a non-empty array of upper-case method names such as ['GET', 'POST']; got an array of length 1.",
  });
  t.throws(() => requireHttpMethods([]), { instanceOf: ImproperlyConfigured });
  t.throws(() => requireGET(undefined as never), {
    instanceOf: TypeError,
    message: "requireHttpMethods(['GET']) expects a view function (request, kwargs, ...args) => response; got undefined.",
  });
});
