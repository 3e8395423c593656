import test from 'ava';
import { Client } from '../../../lib/testing/index.js';
import {
  BadRequest,
  DisallowedHost,
  Http404,
  MultiPartParserError,
  PermissionDenied,
  RequestDataTooBig,
  SuspiciousOperation,
} from '../../../lib/framework/errors.js';
import { HttpResponse, TemplateResponse, type HttpRequest } from '../../../lib/framework/http/index.js';
import { path } from '../../../lib/framework/urls/index.js';
import { createApplication, type ApplicationOptions } from '../../../lib/framework/pipeline/index.js';

const NOT_FOUND = `
<!doctype html>
<html lang="en">
<head>
  <title>Not Found</title>
</head>
<body>
  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>
</body>
</html>
`;

function failingApp(error: unknown, options: Omit<ApplicationOptions, 'urlpatterns'> = {}) {
  return createApplication({
    urlpatterns: [
      path('fail/', function failing() { throw error; }),
      path('ok/', () => new HttpResponse('ok')),
    ],
    ...options,
  });
}

const cases: Array<{ label: string; error: unknown; status: number; title: string; log: RegExp | null }> = [
  { label: 'Http404', error: new Http404('no such article'), status: 404, title: 'Not Found', log: /^Not Found: \/fail\/$/m },
  { label: 'PermissionDenied', error: new PermissionDenied('no'), status: 403, title: '403 Forbidden', log: /^Forbidden \(Permission denied\): \/fail\/$/m },
  { label: 'MultiPartParserError', error: new MultiPartParserError('bad boundary'), status: 400, title: 'Bad Request (400)', log: /^Bad request \(Unable to parse request body\): \/fail\/$/m },
  { label: 'BadRequest', error: new BadRequest('missing field'), status: 400, title: 'Bad Request (400)', log: /^missing field: \/fail\/$/m },
  { label: 'SuspiciousOperation', error: new SuspiciousOperation('odd'), status: 400, title: 'Bad Request (400)', log: /^Suspicious operation \(SuspiciousOperation\): odd$/m },
  { label: 'DisallowedHost', error: new DisallowedHost('bad host'), status: 400, title: 'Bad Request (400)', log: /^Bad Request: \/fail\/$/m },
  { label: 'RequestDataTooBig', error: new RequestDataTooBig('too big'), status: 400, title: 'Bad Request (400)', log: /^Suspicious operation \(RequestDataTooBig\): too big$/m },
  { label: 'Error', error: new Error('boom'), status: 500, title: 'Server Error (500)', log: /^Internal Server Error: \/fail\/\nError: boom/m },
  { label: 'a thrown string', error: 'just a string', status: 500, title: 'Server Error (500)', log: /^Internal Server Error: \/fail\/$/m },
];

for (const { label, error, status, title, log } of cases) {
  test(`without debug, ${label} is answered ${status} by the default handler`, async (t) => {
    const response = await new Client(failingApp(error)).get('/fail/');
    t.is(response.status, status);
    t.true(response.text().includes(`<h1>${title}</h1>`), response.text());
    t.false(response.text().includes('boom'));
    if (log !== null) t.regex(response.errors, log);
  });
}

test('the default 404 page is Django\'s, byte for byte', async (t) => {
  const response = await new Client(failingApp(new Http404('x'))).get('/fail/');
  t.is(response.text(), NOT_FOUND);
  t.is(response.headers.get('Content-Type'), 'text/html; charset=utf-8');
});

test('a URL miss goes to the 404 handler with the Resolver404', async (t) => {
  const seen: string[] = [];
  const app = failingApp(null, {
    handlers: {
      404: (request: HttpRequest, exception: unknown) => {
        seen.push(`${request.path} ${(exception as Error).name}`);
        return new HttpResponse('custom 404', { status: 404 });
      },
    },
  });
  const response = await new Client(app).get('/nowhere');
  t.is(response.text(), 'custom 404');
  t.deepEqual(seen, ['/nowhere Resolver404']);
});

test('custom handlers get (request, exception), the 500 handler only (request)', async (t) => {
  const calls: string[] = [];
  const handlers: ApplicationOptions['handlers'] = {
    400: (_request, exception) => { calls.push(`400 ${(exception as Error).message}`); return new HttpResponse('bad', { status: 400 }); },
    403: (_request, exception) => { calls.push(`403 ${(exception as Error).message}`); return new HttpResponse('forbidden', { status: 403 }); },
    404: (_request, exception) => { calls.push(`404 ${(exception as Error).message}`); return new HttpResponse('missing', { status: 404 }); },
    500: (...args: unknown[]) => { calls.push(`500 with ${args.length} argument`); return new HttpResponse('broken', { status: 500 }); },
  };
  for (const error of [new BadRequest('b'), new PermissionDenied('p'), new Http404('h'), new Error('e')]) {
    await new Client(failingApp(error, { handlers })).get('/fail/');
  }
  t.deepEqual(calls, ['400 b', '403 p', '404 h', '500 with 1 argument']);
});

test('a handler that throws sends gotRequestException and takes the 500 path', async (t) => {
  const app = failingApp(new Http404('x'), {
    handlers: {
      404: () => { throw new Error('handler broke'); },
      500: () => new HttpResponse('custom 500', { status: 500 }),
    },
  });
  const errors: string[] = [];
  app.signals.on('gotRequestException', ({ error }) => void errors.push((error as Error).message));
  const response = await new Client(app).get('/fail/');
  t.is(response.status, 500);
  t.is(response.text(), 'custom 500');
  t.deepEqual(errors, ['handler broke']);
});

test('a 500 handler that throws falls back to the built-in 500 page', async (t) => {
  const app = failingApp(new Error('view broke'), { handlers: { 500: () => { throw new Error('500 handler broke'); } } });
  const response = await new Client(app).get('/fail/');
  t.is(response.status, 500);
  t.true(response.text().includes('<h1>Server Error (500)</h1>'));
  t.regex(response.errors, /The 500 handler failed; answering with the built-in 500 page:\nError: 500 handler broke/);
});

test('a handler that returns no response takes the 500 path', async (t) => {
  const app = failingApp(new PermissionDenied('x'), { handlers: { 403: function lazy403() { return undefined as unknown as HttpResponse; } }, debug: true });
  const response = await new Client(app).get('/fail/', { headers: { Accept: 'text/plain' } });
  t.is(response.status, 500);
  t.true(response.text().includes("The 403 handler lazy403 didn't return an HttpResponse object. It returned undefined instead."));
});

test('an unrendered TemplateResponse from a handler is rendered', async (t) => {
  const app = failingApp(new Http404('x'), {
    handlers: { 404: (request) => new TemplateResponse((context) => `missing ${String(context['path'])}`, { path: request.path }, { status: 404 }) },
  });
  const response = await new Client(app).get('/fail/');
  t.is(response.status, 404);
  t.is(response.text(), 'missing /fail/');
});

test('gotRequestException is sent for 500s only, before the 500 handler', async (t) => {
  const order: string[] = [];
  const handlers = { 500: () => { order.push('handler500'); return new HttpResponse('x', { status: 500 }); } };
  for (const error of [new Http404('a'), new PermissionDenied('b'), new BadRequest('c'), new SuspiciousOperation('d'), new TypeError('e')]) {
    const app = failingApp(error, { handlers });
    app.signals.on('gotRequestException', ({ request, error: sent }) => void order.push(`signal ${request.path} ${(sent as Error).message}`));
    await new Client(app).get('/fail/');
  }
  t.deepEqual(order, ['signal /fail/ e', 'handler500']);
});

test('with debug, PermissionDenied and MultiPartParserError still use their handlers', async (t) => {
  const forbidden = await new Client(failingApp(new PermissionDenied('x'), { debug: true })).get('/fail/');
  t.is(forbidden.status, 403);
  t.true(forbidden.text().includes('<h1>403 Forbidden</h1>'));
  const multipart = await new Client(failingApp(new MultiPartParserError('x'), { debug: true })).get('/fail/');
  t.is(multipart.status, 400);
  t.true(multipart.text().includes('<h1>Bad Request (400)</h1>'));
});

test('with debug, BadRequest and SuspiciousOperation get the technical page with status 400', async (t) => {
  for (const error of [new BadRequest('missing field'), new DisallowedHost("Invalid HTTP_HOST header: 'evil'.")]) {
    const response = await new Client(failingApp(error, { debug: true })).get('/fail/');
    t.is(response.status, 400);
    t.true(response.text().includes(`${error.name} at /fail/`), error.name);
  }
});

test('propagateExceptions lets the error escape to the gateway and sends no requestFinished', async (t) => {
  const app = failingApp(new Error('escaping'), { propagateExceptions: true });
  const signals: string[] = [];
  app.signals.on('gotRequestException', () => void signals.push('gotRequestException'));
  app.signals.on('requestFinished', () => void signals.push('requestFinished'));
  const response = await new Client(app).get('/fail/');
  t.is(response.status, 500);
  t.is(response.text(), 'A server error occurred. Please contact the administrator.');
  t.regex(response.errors, /Error: escaping/);
  t.deepEqual(signals, ['gotRequestException']);
});

test('propagateExceptions does not change 404s', async (t) => {
  const response = await new Client(failingApp(new Http404('x'), { propagateExceptions: true })).get('/fail/');
  t.is(response.status, 404);
});
