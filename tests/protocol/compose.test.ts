import test from 'ava';
import { compose } from '../../lib/protocol/compose.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { setupTestingDefaults } from '../../lib/protocol/setup-testing-defaults.js';
import type { Application, Middleware, StartResponse } from '../../lib/protocol/types.js';

/** A middleware that records its name on the way in and out. */
function tracing(label: string, trace: string[]): Middleware {
  return function trace_(app: Application): Application {
    return async function traced(environ, startResponse) {
      trace.push(`${label} in`);
      const body = await app(environ, startResponse);
      trace.push(`${label} out`);
      return body;
    };
  };
}

const app: Application = (_environ, startResponse) => {
  startResponse('200 OK', []);
  return [Buffer.from('ok')];
};
const startResponse: StartResponse = () => async () => {};

// compose(...middleware)

test('compose(a, b, c) runs a outermost', async (t) => {
  const trace: string[] = [];
  const stack = compose(tracing('a', trace), tracing('b', trace), tracing('c', trace))(app);
  await stack(setupTestingDefaults({}), startResponse);
  t.deepEqual(trace, ['a in', 'b in', 'c in', 'c out', 'b out', 'a out']);
});

test('compose(a, b, c)(app) is a(b(c(app)))', (t) => {
  const applied: string[] = [];
  const named = (label: string): Middleware => (inner) => {
    applied.push(label);
    const wrapped: Application = (environ, start) => inner(environ, start);
    Object.defineProperty(wrapped, 'label', { value: label });
    return wrapped;
  };
  const stack = compose(named('a'), named('b'), named('c'))(app);
  t.deepEqual(applied, ['c', 'b', 'a'], 'innermost is applied first');
  t.is((stack as unknown as { label: string }).label, 'a');
});

test('compose() with no middleware is the identity', (t) => {
  t.is(compose()(app), app);
});

test('compose(a)(app) returns exactly what a(app) returns: no per-request wrapper', (t) => {
  const inner: Application = () => [];
  t.is(compose(() => inner)(app), inner);
});

test('compose() nests inside compose()', async (t) => {
  const trace: string[] = [];
  const inner = compose(tracing('b', trace), tracing('c', trace));
  const stack = compose(tracing('a', trace), inner)(app);
  await stack(setupTestingDefaults({}), startResponse);
  t.deepEqual(trace, ['a in', 'b in', 'c in', 'c out', 'b out', 'a out']);
});

test('compose() names the result after its layers', (t) => {
  function gzip(next: Application): Application {
    return next;
  }
  t.is(compose(gzip, (next) => next).name, 'compose(gzip, anonymous)');
});

test('compose() checks its arguments at once', (t) => {
  const ok: Middleware = (next) => next;
  const cases: Array<[string, unknown[], string]> = [
    ['undefined', [ok, undefined], 'argument 2 is undefined'],
    ['null', [null], 'argument 1 is null'],
    ['options object', [ok, ok, { level: 6 }], 'argument 3 is an object'],
    ['a string', ['gzip'], "argument 1 is 'gzip'"],
    ['a promise', [Promise.resolve(ok)], 'argument 1 is a Promise'],
  ];
  for (const [label, args, detail] of cases) {
    t.throws(() => compose(...(args as Middleware[])), {
      instanceOf: TypeError,
      message: `compose() expects functions; ${detail}. Pass middleware, e.g. compose(gzip(), auth()), not its options or result.`,
    }, label);
  }
});

// compose(...)(app)

test('compose(...)(app) checks its app argument', (t) => {
  function logRequests(next: Application): Application {
    return next;
  }
  t.throws(() => compose(logRequests)(undefined as unknown as Application), {
    instanceOf: TypeError,
    message: 'compose(logRequests) expects an application function; got undefined. Call it as compose(...)(app).',
  });
});

test('compose(...)(app) names a middleware that returns no application', (t) => {
  function forgetful(_next: Application): Application {
    return undefined as unknown as Application;
  }
  t.throws(() => compose((next) => next, forgetful)(app), {
    instanceOf: ImproperlyConfigured,
    message:
      'Middleware forgetful (argument 2 of compose()) returned undefined instead of an application. ' +
      'A middleware must return a function (environ, startResponse) => body.',
  });
});

test('compose(...)(app) describes an anonymous middleware that returns a non-function', (t) => {
  const layers = [(() => Promise.resolve(app)) as unknown as Middleware];
  t.throws(() => compose(...layers)(app), {
    instanceOf: ImproperlyConfigured,
    message:
      'Middleware an anonymous middleware (argument 1 of compose()) returned a Promise instead of an application. ' +
      'A middleware must return a function (environ, startResponse) => body.',
  });
});

test('compose() is not affected by later changes to the array it was spread from', (t) => {
  const trace: string[] = [];
  const layers = [tracing('a', trace)];
  const composed = compose(...layers);
  layers.push(() => {
    throw new Error('never applied');
  });
  t.notThrows(() => composed(app));
});
