import test from 'ava';
import { Client, createEnviron } from '../../../lib/testing/index.js';
import { PermissionDenied } from '../../../lib/framework/errors.js';
import { HttpRequest, HttpResponse, JsonResponse, type HttpResponseBase } from '../../../lib/framework/http/index.js';
import { commonMiddleware, securityMiddleware, xFrameOptionsMiddleware } from '../../../lib/framework/middleware/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication, type MiddlewareFunction, type PipelineMiddleware } from '../../../lib/framework/pipeline/index.js';
import type { Body, StartResponse } from '../../../lib/protocol/types.js';

// The chain answers synchronously while every layer does, and with Promises
// once one waits: the responses must be the same either way.

/** `value` now, or (async) a Promise of it. */
function answer<T>(value: T, async: boolean): T | Promise<T> {
  return async ? Promise.resolve(value) : value;
}

/** A failure: thrown now, or (async) as a rejected Promise. */
function fail(error: unknown, async: boolean): never | Promise<never> {
  if (async) return Promise.reject(error);
  throw error;
}

const bundled = [securityMiddleware(), commonMiddleware(), xFrameOptionsMiddleware()];
const kinds = [
  { label: 'sync', a: 'a sync', async: false },
  { label: 'async', a: 'an async', async: true },
];

for (const view of kinds) {
  for (const layer of kinds) {
    test(`${view.a} view under ${layer.a} user layer gets the bundled headers`, async (t) => {
      const user: PipelineMiddleware = (getResponse) => (request) => (layer.async ? getResponse(request) : new HttpResponse('short'));
      const app = createApplication({
        urlpatterns: [path('items/<int:id>/', (_request, { id }) => answer(new JsonResponse({ id }), view.async))],
        middleware: [...bundled, user],
        allowedHosts: ['localhost'],
      });
      const response = await new Client(app).get('/items/7/');
      t.is(response.status, 200);
      t.deepEqual(
        response.headers.keys().filter((name) => name !== 'Date' && name !== 'Server'),
        ['Content-Type', 'X-Frame-Options', 'Content-Length', 'X-Content-Type-Options', 'Referrer-Policy', 'Cross-Origin-Opener-Policy'],
      );
      t.is(response.text(), layer.async ? '{"id":7}' : 'short');
    });
  }

  test(`a layer that fails ${view.label === 'sync' ? 'by throwing' : 'with a rejected Promise'} answers 403 to the layer above`, async (t) => {
    const seen: number[] = [];
    const outer: PipelineMiddleware = (getResponse) => async (request) => {
      const response = await getResponse(request);
      seen.push(response.status);
      return response;
    };
    const failing: PipelineMiddleware = () => () => fail(new PermissionDenied('no'), view.async);
    const app = createApplication({ urlpatterns: [path('', () => new HttpResponse('ok'))], middleware: [outer, ...bundled, failing], allowedHosts: ['localhost'] });
    const response = await new Client(app).get('/');
    t.is(response.status, 403);
    t.is(response.headers.get('X-Frame-Options'), 'DENY');
    t.deepEqual(seen, [403]);
  });

  test(`a layer answering a non-response ${view.label === 'sync' ? 'at once' : 'in a Promise'} is a 500 naming it`, async (t) => {
    const broken: PipelineMiddleware = () => function broken() {
      return answer(42, view.async) as unknown as HttpResponse;
    };
    const app = createApplication({ urlpatterns: [path('', () => new HttpResponse('ok'))], middleware: [...bundled, broken], debug: true, allowedHosts: ['localhost'] });
    const response = await new Client(app).get('/', { headers: { Accept: 'text/plain' } });
    t.is(response.status, 500);
    t.true(response.text().includes("Middleware broken didn't return an HttpResponse object. It returned 42 instead."));
  });

  test(`processException sees a view error ${view.label === 'sync' ? 'thrown' : 'rejected'}`, async (t) => {
    const errors: unknown[] = [];
    const catcher: PipelineMiddleware = (getResponse) => {
      const handler: MiddlewareFunction = (request) => getResponse(request);
      handler.processException = (_request, error) => {
        errors.push(error);
        return answer(new HttpResponse('caught', { status: 409 }), view.async);
      };
      return handler;
    };
    const boom = new Error('boom');
    const app = createApplication({ urlpatterns: [path('', () => fail(boom, view.async))], middleware: [...bundled, catcher], allowedHosts: ['localhost'] });
    const response = await new Client(app).get('/');
    t.is(response.status, 409);
    t.is(response.text(), 'caught');
    t.deepEqual(errors, [boom]);
  });

  test(`${view.a} processView answer skips the view and the later hooks`, async (t) => {
    const trace: string[] = [];
    const hooked = (name: string, response?: HttpResponseBase): PipelineMiddleware => (getResponse) => {
      const handler: MiddlewareFunction = (request) => getResponse(request);
      handler.processView = () => {
        trace.push(name);
        return answer(response, view.async);
      };
      return handler;
    };
    const app = createApplication({
      urlpatterns: [path('', () => { trace.push('view'); return new HttpResponse('view'); })],
      middleware: [...bundled, hooked('A'), hooked('B', new HttpResponse('from B')), hooked('C')],
      allowedHosts: ['localhost'],
    });
    const response = await new Client(app).get('/');
    t.is(response.text(), 'from B');
    t.is(response.headers.get('X-Frame-Options'), 'DENY');
    t.deepEqual(trace, ['A', 'B']);
  });

  test(`a disallowed host is a 400 from commonMiddleware with the security headers (${view.label} view)`, async (t) => {
    const app = createApplication({
      urlpatterns: [path('', () => answer(new HttpResponse('ok'), view.async))],
      middleware: [securityMiddleware(), commonMiddleware()],
      allowedHosts: ['example.com'],
    });
    const response = await new Client(app).get('/', { headers: { Host: 'evil.test' } });
    t.is(response.status, 400);
    t.is(response.headers.get('X-Content-Type-Options'), 'nosniff');
  });
}

test('the getResponse a factory receives returns a Promise even when the chain below answers at once', async (t) => {
  let given: unknown;
  const probe: PipelineMiddleware = (getResponse) => (request) => {
    given = getResponse(request);
    return given as Promise<HttpResponseBase>;
  };
  const app = createApplication({ urlpatterns: [path('', () => new HttpResponse('ok'))], middleware: [probe] });
  const response = await new Client(app).get('/');
  t.is(response.text(), 'ok');
  t.true(given instanceof Promise);
});

test('an application whose layers all answer at once returns the body at once; otherwise a Promise', async (t) => {
  const calls: string[] = [];
  const startResponse: StartResponse = (status) => {
    calls.push(status);
    return () => Promise.resolve();
  };
  const syncApp = createApplication({ urlpatterns: [path('', () => new HttpResponse('ok'))], middleware: bundled, allowedHosts: ['localhost'] });
  const body = syncApp(createEnviron('/'), startResponse);
  t.false(body instanceof Promise);
  t.deepEqual([...(body as Iterable<Uint8Array>)].map((chunk) => Buffer.from(chunk).toString()), ['ok']);
  t.is((body as Body & { close(): unknown }).close(), undefined);

  const asyncApp = createApplication({ urlpatterns: [path('', async () => new HttpResponse('later'))], middleware: bundled, allowedHosts: ['localhost'] });
  const pending = asyncApp(createEnviron('/'), startResponse);
  t.true(pending instanceof Promise);
  await (pending as Promise<Body & { close(): unknown }>).then((later) => later.close());
  t.deepEqual(calls, ['200 OK', '200 OK']);
});

test('a layer that passes getResponse\'s Promise on unchanged keeps a chain that answers at once synchronous', async (t) => {
  const seen: string[] = [];
  const passThrough: PipelineMiddleware = (getResponse) => {
    const handler: MiddlewareFunction = (request) => getResponse(request);
    handler.processView = (request) => void seen.push(`view ${request.path}`);
    return handler;
  };
  const statuses: string[] = [];
  const startResponse: StartResponse = (status, headers) => {
    statuses.push(`${status} ${headers.map(([name]) => name).join(',')}`);
    return () => Promise.resolve();
  };
  const app = createApplication({ urlpatterns: [path('', () => new HttpResponse('ok'))], middleware: [...bundled, passThrough], allowedHosts: ['localhost'] });
  const body = app(createEnviron('/'), startResponse);
  t.false(body instanceof Promise);
  t.deepEqual([...(body as Iterable<Uint8Array>)].map((chunk) => Buffer.from(chunk).toString()), ['ok']);
  t.deepEqual(seen, ['view /']);
  t.deepEqual(statuses, ['200 OK Content-Type,X-Frame-Options,Content-Length,X-Content-Type-Options,Referrer-Policy,Cross-Origin-Opener-Policy']);
});

test('a layer that chains on getResponse\'s Promise is followed, its then() callbacks run, and its own response is the answer', async (t) => {
  const trace: string[] = [];
  const watching: PipelineMiddleware = (getResponse) => (request) => {
    const given = getResponse(request);
    void given.then((response) => void trace.push(`watched ${response.status}`));
    return given;
  };
  const replacing: PipelineMiddleware = (getResponse) => (request) => getResponse(request).then(() => new HttpResponse('replaced', { status: 202 }));
  const startResponse: StartResponse = () => () => Promise.resolve();
  const watched = createApplication({ urlpatterns: [path('', () => new HttpResponse('ok'))], middleware: [watching] });
  const body = watched(createEnviron('/'), startResponse);
  t.false(body instanceof Promise);
  await Promise.resolve();
  t.deepEqual(trace, ['watched 200']);

  const replaced = createApplication({ urlpatterns: [path('', () => new HttpResponse('ok'))], middleware: [replacing] });
  const later = replaced(createEnviron('/'), startResponse);
  t.true(later instanceof Promise);
  const response = await new Client(replaced).get('/');
  t.is(response.status, 202);
  t.is(response.text(), 'replaced');
});

test('requestFinished is sent once the body is closed, after the response closers', async (t) => {
  const trace: string[] = [];
  const app = createApplication({
    urlpatterns: [path('', () => {
      const response = new HttpResponse('ok');
      response.addCloser(() => void trace.push('closer'));
      return response;
    })],
  });
  app.signals.on('requestFinished', () => void trace.push('finished'));
  await new Client(app).get('/');
  t.deepEqual(trace, ['closer', 'finished']);
});

test('response.close() runs sync closers at once, waits for an async one before the next, and reports failures', async (t) => {
  const trace: string[] = [];
  const written: string[] = [];
  const response = new HttpResponse('ok');
  response.addCloser(() => void trace.push('a'));
  response.addCloser(() => {
    throw new Error('b failed');
  });
  response.addCloser(async () => {
    await Promise.resolve();
    trace.push('c');
    throw new Error('c failed');
  });
  response.addCloser(() => void trace.push('d'));
  const closing = response.close({ write: (text: string) => void written.push(text) });
  t.true(closing instanceof Promise);
  t.deepEqual(trace, ['a']);
  await closing;
  t.deepEqual(trace, ['a', 'c', 'd']);
  t.is(written.length, 2);
  t.true(written[0]!.startsWith('Error closing <HttpResponse status=200, "text/html; charset=utf-8">: Error: b failed'));
  t.true(written[1]!.startsWith('Error closing <HttpResponse status=200, "text/html; charset=utf-8">: Error: c failed'));
  t.true(response.close() instanceof Promise);
  t.deepEqual(trace, ['a', 'c', 'd']);
});

test('request headers are read through the environ with any spelling of the name', (t) => {
  const seen: Array<string | undefined> = [];
  const app = createApplication({
    urlpatterns: [path('', (request: HttpRequest) => {
      seen.push(request.headers.get('User-Agent'), request.headers.get('user-agent'), request.headers.get('USER_AGENT'));
      return new HttpResponse('ok');
    })],
  });
  app(createEnviron('/', { headers: { 'User-Agent': 'probe/1' } }), () => () => Promise.resolve());
  t.deepEqual(seen, ['probe/1', 'probe/1', undefined]);
});

for (const below of kinds) {
  test(`a bundled layer's own late error is converted when the layer below answers ${below.label === 'sync' ? 'at once' : 'later'}`, async (t) => {
    // commonMiddleware refuses (in debug) to redirect a POST to the slash URL: an error raised after the layer below answered.
    const notFound: PipelineMiddleware = () => () => answer(new HttpResponse('missing', { status: 404 }), below.async);
    const app = createApplication({
      urlpatterns: [path('slash/', () => new HttpResponse('slash'))],
      middleware: [securityMiddleware(), commonMiddleware(), notFound],
      allowedHosts: ['localhost'],
      debug: true,
    });
    const response = await new Client(app).post('/slash', { headers: { Accept: 'text/plain' } });
    t.is(response.status, 500);
    t.true(response.text().includes("You called this URL via POST, but the URL doesn't end in a slash"));
    t.is(response.headers.get('X-Content-Type-Options'), 'nosniff');
  });
}

test('a bundled handler built over a hand-made getResponse leaves its rejections to the pipeline', async (t) => {
  const wrapped: PipelineMiddleware = (getResponse, context) =>
    xFrameOptionsMiddleware()(async (request) => {
      const response = await getResponse(request);
      if (response.status === 200) throw new PermissionDenied('wrapped');
      return response;
    }, context);
  const app = createApplication({ urlpatterns: [path('', () => new HttpResponse('ok'))], middleware: [wrapped] });
  const response = await new Client(app).get('/');
  t.is(response.status, 403);
});

test('a bundled handler called by hand passes a rejection of getResponse on', async (t) => {
  const app = createApplication({ urlpatterns: [path('', () => new HttpResponse('ok'))] });
  const handler = xFrameOptionsMiddleware()(() => Promise.reject(new Error('below')), { settings: app.settings, resolver: app.resolver });
  const request = new HttpRequest(createEnviron('/'));
  await t.throwsAsync(Promise.resolve((handler as (request: HttpRequest) => Promise<HttpResponseBase>)(request)), { message: 'below' });
});
