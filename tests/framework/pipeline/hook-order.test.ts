import test from 'ava';
import { Client } from '../../../lib/testing/index.js';
import { MiddlewareNotUsed } from '../../../lib/framework/errors.js';
import { HttpResponse, TemplateResponse, type HttpRequest, type HttpResponseBase } from '../../../lib/framework/http/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication, type GetResponse, type PipelineMiddleware } from '../../../lib/framework/pipeline/index.js';

/** A function layer recording its request/response phases and, optionally, its hooks. */
function tracer(name: string, trace: string[], hooks: { view?: boolean; exception?: boolean | HttpResponseBase; template?: boolean } = {}): PipelineMiddleware {
  return function factory(getResponse) {
    trace.push(`${name}.init`);
    const handler = async function layer(request: HttpRequest) {
      trace.push(`${name}.req`);
      const response = await getResponse(request);
      trace.push(`${name}.resp`);
      return response;
    };
    return Object.assign(handler, {
      ...(hooks.view && { processView: () => void trace.push(`${name}.view`) }),
      ...(hooks.exception !== undefined && {
        processException: () => {
          trace.push(`${name}.exception`);
          return hooks.exception instanceof HttpResponse ? hooks.exception : undefined;
        },
      }),
      ...(hooks.template && {
        processTemplateResponse: (_request: HttpRequest, response: TemplateResponse) => {
          trace.push(`${name}.template`);
          return response;
        },
      }),
    });
  };
}

test('the chain is built in reverse and runs as Django traces [A, NotUsed, F, B]', async (t) => {
  const trace: string[] = [];
  const A = tracer('A', trace, { view: true });
  const NotUsed: PipelineMiddleware = function NotUsed() {
    trace.push('NotUsed.init');
    throw new MiddlewareNotUsed('not in this deployment');
  };
  const F: PipelineMiddleware = (getResponse) => {
    trace.push('F.init');
    return async (request) => {
      trace.push('F.before');
      const response = await getResponse(request);
      trace.push('F.after');
      return response;
    };
  };
  class B {
    readonly #getResponse: GetResponse;
    constructor(getResponse: GetResponse) {
      trace.push('B.init');
      this.#getResponse = getResponse;
    }
    async handle(request: HttpRequest) {
      trace.push('B.req');
      const response = await this.#getResponse(request);
      trace.push('B.resp');
      return response;
    }
    processView() {
      trace.push('B.view');
    }
  }
  const app = createApplication({
    urlpatterns: [path('', () => { trace.push('view'); return new HttpResponse('ok'); })],
    middleware: [A, NotUsed, F, (getResponse) => new B(getResponse)],
  });
  t.deepEqual(trace, ['B.init', 'F.init', 'NotUsed.init', 'A.init']);
  trace.length = 0;
  const response = await new Client(app).get('/');
  t.is(response.text(), 'ok');
  t.deepEqual(trace, ['A.req', 'F.before', 'B.req', 'A.view', 'B.view', 'view', 'B.resp', 'F.after', 'A.resp']);
});

test('a layer that answers itself short-circuits the layers below it', async (t) => {
  const trace: string[] = [];
  const shortCircuit: PipelineMiddleware = () => async function shortCircuit() {
    trace.push('S.req');
    return new HttpResponse('from middleware', { status: 403 });
  };
  const app = createApplication({
    urlpatterns: [path('', () => { trace.push('view'); return new HttpResponse('view'); })],
    middleware: [tracer('A', trace), shortCircuit, tracer('C', trace, { view: true })],
  });
  trace.length = 0;
  const response = await new Client(app).get('/');
  t.is(response.status, 403);
  t.is(response.text(), 'from middleware');
  t.deepEqual(trace, ['A.req', 'S.req', 'A.resp']);
});

test('the first processView returning a response skips the view and later processView hooks', async (t) => {
  const trace: string[] = [];
  const answering: PipelineMiddleware = (getResponse) =>
    Object.assign((request: HttpRequest) => getResponse(request), {
      processView: (_request: HttpRequest, view: Function, args: readonly string[], kwargs: Record<string, unknown>) => {
        trace.push(`answer.view ${view.name} ${JSON.stringify(args)} ${JSON.stringify(kwargs)}`);
        return new HttpResponse('from processView');
      },
    });
  const app = createApplication({
    urlpatterns: [path('items/<int:id>/', function itemView() { trace.push('view'); return new HttpResponse('view'); })],
    middleware: [tracer('A', trace, { view: true }), answering, tracer('C', trace, { view: true })],
  });
  trace.length = 0;
  const response = await new Client(app).get('/items/7/');
  t.is(response.text(), 'from processView');
  t.deepEqual(trace, ['A.req', 'C.req', 'A.view', 'answer.view itemView [] {"id":7}', 'C.resp', 'A.resp']);
});

test('processException runs bottom layer first and the first response wins', async (t) => {
  const trace: string[] = [];
  const app = createApplication({
    urlpatterns: [path('', () => { throw new Error('view failed'); })],
    middleware: [
      tracer('A', trace, { exception: new HttpResponse('from A') }),
      tracer('B', trace, { exception: new HttpResponse('from B', { status: 503 }) }),
      tracer('C', trace, { exception: true }),
    ],
  });
  trace.length = 0;
  const response = await new Client(app).get('/');
  t.is(response.status, 503);
  t.is(response.text(), 'from B');
  t.deepEqual(trace, ['A.req', 'B.req', 'C.req', 'C.exception', 'B.exception', 'C.resp', 'B.resp', 'A.resp']);
});

test('when no processException answers, the error becomes a 500 and every layer still sees a response', async (t) => {
  const trace: string[] = [];
  const app = createApplication({
    urlpatterns: [path('', () => { throw new Error('view failed'); })],
    middleware: [tracer('A', trace, { exception: true }), tracer('B', trace, { exception: true })],
  });
  trace.length = 0;
  const response = await new Client(app).get('/');
  t.is(response.status, 500);
  t.deepEqual(trace, ['A.req', 'B.req', 'B.exception', 'A.exception', 'B.resp', 'A.resp']);
  t.regex(response.errors, /^Internal Server Error: \/\nError: view failed/m);
});

test('an exception in processView goes to the exception mapping, not to processException', async (t) => {
  const trace: string[] = [];
  const failing: PipelineMiddleware = (getResponse) =>
    Object.assign((request: HttpRequest) => getResponse(request), {
      processView: () => {
        throw new Error('processView failed');
      },
    });
  const app = createApplication({
    urlpatterns: [path('', () => { trace.push('view'); return new HttpResponse('view'); })],
    middleware: [tracer('A', trace, { exception: true }), failing],
  });
  trace.length = 0;
  const response = await new Client(app).get('/');
  t.is(response.status, 500);
  t.deepEqual(trace, ['A.req', 'A.resp']);
});

test('a URL miss is a 404 before any processView or processException hook', async (t) => {
  const trace: string[] = [];
  const app = createApplication({
    urlpatterns: [path('here/', () => new HttpResponse('here'))],
    middleware: [tracer('A', trace, { view: true, exception: true })],
  });
  trace.length = 0;
  const response = await new Client(app).get('/missing/');
  t.is(response.status, 404);
  t.deepEqual(trace, ['A.req', 'A.resp']);
  t.regex(response.errors, /^Not Found: \/missing\/$/m);
});

test('processTemplateResponse runs bottom layer first, then the response is rendered', async (t) => {
  const trace: string[] = [];
  const page = (context: Record<string, unknown>) => `<p>${String(context['who'])}</p>`;
  const changing: PipelineMiddleware = (getResponse) =>
    Object.assign((request: HttpRequest) => getResponse(request), {
      processTemplateResponse: (_request: HttpRequest, response: TemplateResponse) => {
        trace.push('changing.template');
        response.contextData['who'] = 'middleware';
        return response;
      },
    });
  const app = createApplication({
    urlpatterns: [path('', () => new TemplateResponse(page, { who: 'view' }))],
    middleware: [tracer('A', trace, { template: true }), changing, tracer('C', trace, { template: true })],
  });
  trace.length = 0;
  const response = await new Client(app).get('/');
  t.is(response.text(), '<p>middleware</p>');
  t.deepEqual(trace, ['A.req', 'C.req', 'C.template', 'changing.template', 'A.template', 'C.resp', 'A.resp']);
});

test('a processTemplateResponse that returns nothing is a 500 naming the layer', async (t) => {
  class Forgetful {
    constructor(readonly getResponse: GetResponse) {}
    handle(request: HttpRequest) {
      return this.getResponse(request);
    }
    processTemplateResponse() {
      return undefined as unknown as HttpResponseBase;
    }
  }
  const app = createApplication({
    urlpatterns: [path('', () => new TemplateResponse(() => 'page', {}))],
    middleware: [(getResponse) => new Forgetful(getResponse)],
    debug: true,
  });
  const response = await new Client(app).get('/', { headers: { Accept: 'text/plain' } });
  t.is(response.status, 500);
  t.true(response.text().includes("TypeError: Forgetful.processTemplateResponse didn't return an HttpResponse object. It returned undefined instead."));
});

test('a render() error reaches processException', async (t) => {
  const trace: string[] = [];
  const app = createApplication({
    urlpatterns: [path('', () => new TemplateResponse(() => { throw new Error('template failed'); }, {}))],
    middleware: [tracer('A', trace, { exception: new HttpResponse('recovered') })],
  });
  trace.length = 0;
  const response = await new Client(app).get('/');
  t.is(response.text(), 'recovered');
  t.deepEqual(trace, ['A.req', 'A.exception', 'A.resp']);
});

test('a view that returns nothing is a 500 that processException never sees', async (t) => {
  const trace: string[] = [];
  const app = createApplication({
    urlpatterns: [path('', function forgetfulView() { return undefined as unknown as HttpResponse; })],
    middleware: [tracer('A', trace, { exception: new HttpResponse('recovered') })],
    debug: true,
  });
  trace.length = 0;
  const response = await new Client(app).get('/', { headers: { Accept: 'text/plain' } });
  t.is(response.status, 500);
  t.true(response.text().includes("The view forgetfulView didn't return an HttpResponse object. It returned undefined instead."));
  t.deepEqual(trace, ['A.req', 'A.resp']);
});

test('an anonymous view is named <anonymous view>', async (t) => {
  const views = [(() => null) as unknown as () => HttpResponse];
  const app = createApplication({ urlpatterns: [path('', views[0]!)], debug: true });
  const response = await new Client(app).get('/', { headers: { Accept: 'text/plain' } });
  t.true(response.text().includes("The view <anonymous view> didn't return an HttpResponse object. It returned null instead."));
});

test('a middleware that returns no response is a 500 for the layer above', async (t) => {
  const trace: string[] = [];
  const broken: PipelineMiddleware = () => function broken() {
    return 'not a response' as unknown as HttpResponse;
  };
  const app = createApplication({ urlpatterns: [path('', () => new HttpResponse('ok'))], middleware: [tracer('A', trace), broken], debug: true });
  trace.length = 0;
  const response = await new Client(app).get('/', { headers: { Accept: 'text/plain' } });
  t.is(response.status, 500);
  t.true(response.text().includes("Middleware broken didn't return an HttpResponse object. It returned 'not a response' instead."));
  t.deepEqual(trace, ['A.req', 'A.resp']);
});

test('the view gets (request, kwargs, ...args) and request.resolverMatch is set', async (t) => {
  const app = createApplication({
    urlpatterns: [path('articles/<int:year>/', (request, kwargs) => new HttpResponse(`${request.resolverMatch?.urlName} ${JSON.stringify(kwargs)}`), { name: 'year' })],
  });
  const response = await new Client(app).get('/articles/2024/');
  t.is(response.text(), 'year {"year":2024}');
});
