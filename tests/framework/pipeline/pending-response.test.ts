import test from 'ava';
import { Client, createEnviron } from '../../../lib/testing/index.js';
import { HttpRequest, HttpResponse, type HttpResponseBase } from '../../../lib/framework/http/index.js';
import { securityMiddleware, xFrameOptionsMiddleware } from '../../../lib/framework/middleware/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication, type PipelineMiddleware } from '../../../lib/framework/pipeline/index.js';
import { PendingResponse, type ResponseStep } from '../../../lib/framework/pipeline/pending-response.js';

// The steps of a PendingResponse must give what one then() per layer gave:
// same order, same conversions, failures passing layers that do not catch.

const request = new HttpRequest(createEnviron('/'));

/** A step that records its name and tags the response with it. */
function tagging(name: string, trace: string[], options: Partial<ResponseStep> = {}): ResponseStep {
  return {
    request,
    after: (_request, response) => {
      trace.push(name);
      response.headers.add('X-Step', name);
      return response;
    },
    fail: (_request, error) => {
      trace.push(`${name} failed: ${(error as Error).message}`);
      return new HttpResponse(`from ${name}`, { status: 500 });
    },
    catches: false,
    next: undefined,
    ...options,
  };
}

test('new PendingResponse(source, step) runs the steps bottom first, once, on one settled response', async (t) => {
  const trace: string[] = [];
  const pending = new PendingResponse(Promise.resolve(new HttpResponse('ok')), tagging('a', trace));
  t.is(pending.addStep(tagging('b', trace)), pending);
  t.true(pending.open);
  const response = await pending;
  t.false(pending.open);
  t.deepEqual(trace, ['a', 'b']);
  t.deepEqual(response.headers.getAll('X-Step'), ['a', 'b']);
  t.is(await pending.promise(), response);
  t.deepEqual(trace, ['a', 'b']);
});

test('a step whose after() throws answers with its fail(), and the steps above get that answer', async (t) => {
  const trace: string[] = [];
  const throwing = tagging('b', trace, {
    after: () => {
      throw new Error('boom');
    },
  });
  const pending = new PendingResponse(Promise.resolve(new HttpResponse('ok')), tagging('a', trace)).addStep(throwing).addStep(tagging('c', trace));
  const response = await pending.promise();
  t.deepEqual(trace, ['a', 'b failed: boom', 'c']);
  t.is(response.status, 500);
  t.deepEqual(response.headers.getAll('X-Step'), ['c']);
});

test('a failure below passes the steps that do not catch and is answered by the first that does', async (t) => {
  const trace: string[] = [];
  const pending = new PendingResponse(Promise.reject(new Error('below')), tagging('a', trace))
    .addStep(tagging('b', trace, { catches: true }))
    .addStep(tagging('c', trace));
  const response = await pending.promise();
  t.deepEqual(trace, ['b failed: below', 'c']);
  t.is((response as HttpResponse).text, 'from b');
});

test('a failure no step catches rejects the PendingResponse', async (t) => {
  const trace: string[] = [];
  const pending = new PendingResponse(Promise.reject(new Error('below')), tagging('a', trace)).addStep(tagging('b', trace));
  await t.throwsAsync(pending.promise(), { message: 'below' });
  t.deepEqual(trace, []);
});

test('a step answering with a Promise holds the steps above until it settles, rejection included', async (t) => {
  const trace: string[] = [];
  const later = tagging('b', trace, {
    after: async (_request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      trace.push('b');
      return response;
    },
  });
  const response = await new PendingResponse(Promise.resolve(new HttpResponse('ok')), tagging('a', trace)).addStep(later).addStep(tagging('c', trace));
  t.deepEqual(trace, ['a', 'b', 'c']);
  t.deepEqual(response.headers.getAll('X-Step'), ['a', 'c']);

  const failing = tagging('b', trace, { after: () => Promise.reject(new Error('late')) });
  const outcome = new PendingResponse(Promise.resolve(new HttpResponse('ok')), failing).addStep(tagging('c', trace, { catches: true }));
  t.is(((await outcome) as HttpResponse).text, 'from c');
  t.is(trace.at(-1), 'c failed: late');
});

test('addStep() after the outcome was read throws, naming what to do instead', async (t) => {
  const pending = new PendingResponse(Promise.resolve(new HttpResponse('ok')), tagging('a', []));
  await pending.promise();
  t.throws(() => pending.addStep(tagging('b', [])), {
    message: 'PendingResponse.addStep() after its outcome was read: wrap promise() in a new PendingResponse.',
  });
});

test('a user layer passing on what a bundled handler it built answered gets the bundled headers and a check', async (t) => {
  // The wrapped handler answers a PendingResponse in a pipeline; the user layer returns it as it is.
  const wrapper: PipelineMiddleware = (getResponse, context) => {
    const inner = xFrameOptionsMiddleware()(getResponse, context) as (request: HttpRequest) => Promise<HttpResponseBase>;
    return function wrapper(request) {
      return inner(request);
    };
  };
  const app = createApplication({
    urlpatterns: [path('', async () => new HttpResponse('later'))],
    middleware: [securityMiddleware(), wrapper],
    allowedHosts: ['localhost'],
  });
  const response = await new Client(app).get('/');
  t.is(response.status, 200);
  t.is(response.text(), 'later');
  t.is(response.headers.get('X-Frame-Options'), 'DENY');
  t.is(response.headers.get('X-Content-Type-Options'), 'nosniff');
});

test('a bundled layer over a user layer that awaited the pending answer itself still adds its header', async (t) => {
  // The user layer reads the PendingResponse through getResponse's Promise; the layer above starts a new one.
  const reader: PipelineMiddleware = (getResponse) => async function reader(request) {
    const response = await getResponse(request);
    response.headers.set('X-Read', 'yes');
    return response;
  };
  const app = createApplication({
    urlpatterns: [path('', async () => new HttpResponse('later'))],
    middleware: [securityMiddleware(), reader, xFrameOptionsMiddleware()],
    allowedHosts: ['localhost'],
  });
  const response = await new Client(app).get('/');
  t.deepEqual(
    response.headers.keys().filter((name) => name !== 'Date' && name !== 'Server' && name !== 'Content-Length'),
    ['Content-Type', 'X-Frame-Options', 'X-Read', 'X-Content-Type-Options', 'Referrer-Policy', 'Cross-Origin-Opener-Policy'],
  );
});

test('finish(reader) hands the outcome over once, and nothing can read it after', async (t) => {
  const trace: string[] = [];
  const pending = new PendingResponse(Promise.resolve(new HttpResponse('ok')), tagging('a', trace));
  const status = await pending.finish({ respond: (response) => response.status, fail: () => 0 });
  t.is(status, 200);
  t.deepEqual(trace, ['a']);
  t.false(pending.open);
  t.throws(() => pending.promise(), { message: 'PendingResponse.promise() after finish(): its outcome went to the last reader.' });
  t.throws(() => pending.finish({ respond: () => 1, fail: () => 0 }), { message: 'PendingResponse.finish() after its outcome was read: use promise().then().' });
});

test('finish() gives a failure to reader.fail, and an error of reader.respond rejects its Promise', async (t) => {
  const failed = new PendingResponse(Promise.reject(new Error('below')), tagging('a', []));
  t.is(await failed.finish({ respond: () => 'sent', fail: (error) => `failed: ${(error as Error).message}` }), 'failed: below');

  const laterFailure = tagging('a', [], { after: () => Promise.reject(new Error('late')) });
  t.is(await new PendingResponse(Promise.resolve(new HttpResponse('ok')), laterFailure).finish({ respond: () => 'sent', fail: () => 'failed' }), 'failed');

  const throwing = new PendingResponse(Promise.resolve(new HttpResponse('ok')), tagging('a', []));
  await t.throwsAsync(
    throwing.finish({
      respond: () => {
        throw new Error('send failed');
      },
      fail: () => 'not here',
    }),
    { message: 'send failed' },
  );
});
