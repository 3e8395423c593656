import test from 'ava';
import { Client, createEnviron } from '../../../lib/testing/index.js';
import { ImproperlyConfigured } from '../../../lib/framework/errors.js';
import { HttpResponse, type HttpRequest, type HttpResponseBase } from '../../../lib/framework/http/index.js';
import { securityMiddleware } from '../../../lib/framework/middleware/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication, middlewareMixin, type MixinHooks, type PipelineMiddleware } from '../../../lib/framework/pipeline/index.js';
import type { StartResponse } from '../../../lib/protocol/types.js';

const startResponse: StartResponse = () => () => Promise.resolve();

/** An application with `middleware` over a view answering 'view' (later when `asyncView`), tracing what runs. */
function appWith(middleware: PipelineMiddleware[], trace: string[], asyncView = false) {
  const view = (_request: HttpRequest): HttpResponseBase | Promise<HttpResponseBase> => {
    trace.push('view');
    const response = new HttpResponse('view');
    return asyncView ? Promise.resolve(response) : response;
  };
  return createApplication({ urlpatterns: [path('', view)], middleware, allowedHosts: ['localhost'] });
}

/** Hooks that trace their calls; `processResponse` adds a header. */
function tracing(name: string, trace: string[], answerEarly?: HttpResponseBase): MixinHooks {
  return {
    processRequest(request) {
      trace.push(`${name}.request ${request.path}`);
      return answerEarly;
    },
    processResponse(_request, response) {
      trace.push(`${name}.response ${response.status}`);
      response.headers.set(`X-${name}`, 'yes');
      return response;
    },
  };
}

test('middlewareMixin() runs processRequest, the chain, then processResponse, as Django\'s MiddlewareMixin', async (t) => {
  const trace: string[] = [];
  const app = appWith([middlewareMixin(tracing('Outer', trace)), middlewareMixin(tracing('Inner', trace))], trace);
  const response = await new Client(app).get('/');
  t.is(response.text(), 'view');
  t.is(response.headers.get('X-Outer'), 'yes');
  t.is(response.headers.get('X-Inner'), 'yes');
  t.deepEqual(trace, ['Outer.request /', 'Inner.request /', 'view', 'Inner.response 200', 'Outer.response 200']);
});

test('middlewareMixin() layers keep a chain that answers at once synchronous; a late view is waited for', async (t) => {
  const trace: string[] = [];
  const syncApp = appWith([securityMiddleware(), middlewareMixin(tracing('Mixin', trace))], trace);
  t.false(syncApp(createEnviron('/'), startResponse) instanceof Promise);
  t.deepEqual(trace, ['Mixin.request /', 'view', 'Mixin.response 200']);

  const lateTrace: string[] = [];
  const lateApp = appWith([middlewareMixin(tracing('Mixin', lateTrace))], lateTrace, true);
  const response = await new Client(lateApp).get('/');
  t.is(response.headers.get('X-Mixin'), 'yes');
  t.deepEqual(lateTrace, ['Mixin.request /', 'view', 'Mixin.response 200']);
});

test('a response from processRequest skips the layers below and still goes through processResponse', async (t) => {
  const trace: string[] = [];
  const early = new HttpResponse('early', { status: 403 });
  const app = appWith([middlewareMixin(tracing('Outer', trace)), middlewareMixin(tracing('Gate', trace, early)), middlewareMixin(tracing('Inner', trace))], trace);
  const response = await new Client(app).get('/');
  t.is(response.status, 403);
  t.is(response.text(), 'early');
  t.deepEqual(trace, ['Outer.request /', 'Gate.request /', 'Gate.response 403', 'Outer.response 403']);
});

test('async hooks are awaited', async (t) => {
  const trace: string[] = [];
  const gate = middlewareMixin({
    async processRequest(request) {
      trace.push('gate');
      return request.GET.has('deny') ? new HttpResponse('denied', { status: 403 }) : undefined;
    },
    async processResponse(_request, response) {
      await Promise.resolve();
      response.headers.set('X-Late', 'yes');
      return response;
    },
  });
  const app = appWith([gate], trace);
  const allowed = await new Client(app).get('/');
  t.is(allowed.text(), 'view');
  t.is(allowed.headers.get('X-Late'), 'yes');
  const denied = await new Client(app).get('/', { query: { deny: '1' } });
  t.is(denied.status, 403);
  t.is(denied.headers.get('X-Late'), 'yes');
  t.deepEqual(trace, ['gate', 'view', 'gate']);
});

test('a hook that throws, rejects or answers no response becomes a 500, and the layers above still run', async (t) => {
  const cases: Array<[string, MixinHooks]> = [
    ['throws', { processResponse: () => { throw new Error('boom'); } }],
    ['rejects', { processResponse: async () => { throw new Error('boom'); } }],
    ['rejects in processRequest', { processRequest: async () => { throw new Error('boom'); } }],
    ['answers undefined', { processResponse: () => undefined as unknown as HttpResponseBase }],
  ];
  for (const [label, hooks] of cases) {
    for (const asyncView of [false, true]) {
      const trace: string[] = [];
      const errors: string[] = [];
      const app = createApplication({
        urlpatterns: [path('', () => (asyncView ? Promise.resolve(new HttpResponse('view')) : new HttpResponse('view')))],
        middleware: [middlewareMixin(tracing('Outer', trace)), middlewareMixin(hooks)],
        allowedHosts: ['localhost'],
      });
      app.signals.on('gotRequestException', () => void errors.push(label));
      const response = await new Client(app).get('/');
      t.is(response.status, 500, `${label}, ${asyncView ? 'async' : 'sync'} view`);
      t.deepEqual(trace, ['Outer.request /', 'Outer.response 500'], label);
      t.deepEqual(errors, [label], label);
    }
  }
});

test('a hook answering no response is named in the error', async (t) => {
  class Broken {
    processResponse(): HttpResponseBase {
      return undefined as unknown as HttpResponseBase;
    }
  }
  const seen: unknown[] = [];
  const app = appWith([middlewareMixin(new Broken())], []);
  app.signals.on('gotRequestException', ({ error }) => void seen.push(error));
  await new Client(app).get('/');
  t.is((seen[0] as Error).message, "Middleware Broken didn't return an HttpResponse object. It returned undefined instead.");
});

test('the other hooks in the object are collected, and called as methods of a class instance', async (t) => {
  class Audit {
    readonly seen: string[] = [];
    processView(request: HttpRequest): void {
      this.seen.push(`view ${request.path}`);
    }
    processResponse(_request: HttpRequest, response: HttpResponseBase): HttpResponseBase {
      this.seen.push(`response ${response.status}`);
      return response;
    }
  }
  const audit = new Audit();
  const app = appWith([middlewareMixin(audit)], []);
  await new Client(app).get('/');
  t.deepEqual(audit.seen, ['view /', 'response 200']);
});

test('middlewareMixin() refuses what is not an object of hook functions', (t) => {
  t.is(
    t.throws(() => middlewareMixin(undefined as unknown as MixinHooks), { instanceOf: ImproperlyConfigured }).message,
    'middlewareMixin() expects an object with processRequest/processResponse hooks; got undefined. Pass e.g. { processResponse(request, response) { return response; } }.',
  );
  t.is(
    t.throws(() => middlewareMixin({ processResponse: 'yes' } as unknown as MixinHooks), { instanceOf: ImproperlyConfigured }).message,
    "middlewareMixin() hook processResponse must be a function; got 'yes'.",
  );
});
