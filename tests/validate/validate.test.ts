import { spawnSync } from 'node:child_process';
import test from 'ava';
import { ImproperlyConfigured, ProtocolError } from '../../lib/protocol/errors.js';
import type { Application, Body, Environ, StartResponse } from '../../lib/protocol/types.js';
import { validate } from '../../lib/validate/index.js';
import { environFor, helloApp, messageOf, run, TEXT } from './runner.js';

const noStart: StartResponse = () => () => Promise.resolve();

// ---------------------------------------------------------------- validate(app, options)

test('validate(app) rejects an app that is not a function at once', (t) => {
  t.throws(() => validate('app' as unknown as Application), {
    instanceOf: ImproperlyConfigured,
    message: "validate() expects an application function; got 'app'.",
  });
});

test('validate(app, options) rejects options that are not an object', (t) => {
  t.throws(() => validate(helloApp(), 5 as never), {
    instanceOf: ImproperlyConfigured,
    message: 'validate() options must be an object; got 5.',
  });
});

test('validate(app, options) rejects an unknown option', (t) => {
  t.throws(() => validate(helloApp(), { onUnclose: () => {} } as never), {
    instanceOf: ImproperlyConfigured,
    message: "validate() got an unknown option 'onUnclose'; the options are onUnclosed.",
  });
});

test('validate(app, { onUnclosed }) rejects an onUnclosed that is not a function', (t) => {
  t.throws(() => validate(helloApp(), { onUnclosed: 'log' as never }), {
    instanceOf: ImproperlyConfigured,
    message: "validate() option onUnclosed must be a function; got 'log'.",
  });
});

test('validate(app) names the validated application after the app', (t) => {
  function shop(): Body {
    return [];
  }
  t.is(validate(shop).name, 'validate(shop)');
  t.is(validate(() => []).name, 'validate(anonymous)');
});

// ---------------------------------------------------------------- a compliant application passes untouched

test('validate(app) passes the status, headers and chunks of an array body through unchanged', async (t) => {
  const headers: Array<[string, string]> = [['Content-Type', 'text/plain'], ['X-Id', '7']];
  const chunks = [Buffer.from('a'), Buffer.from(''), Buffer.from('bc')];
  const exchange = await run(validate((_environ, startResponse) => {
    startResponse('201 Created', headers);
    return chunks;
  }));
  t.is(exchange.error, undefined);
  t.is(exchange.status, '201 Created');
  t.is(exchange.headers, headers);
  t.deepEqual(exchange.headers, [['Content-Type', 'text/plain'], ['X-Id', '7']]);
  t.is(exchange.chunks[0], chunks[0]);
  t.is(exchange.chunks[2], chunks[2]);
  t.is(exchange.text, 'abc');
});

test('validate(app) keeps an array body an array of the same length, without changing the original', (t) => {
  const original = [Buffer.from('a'), Buffer.from('b')];
  const body = validate((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return original;
  })(environFor(), noStart) as Body;
  t.true(Array.isArray(body));
  t.is((body as Uint8Array[]).length, 2);
  t.deepEqual(Object.keys(body), ['0', '1']);
  t.is(typeof body.close, 'function');
  t.false('close' in original);
});

test('validate(app) forwards close() to the original array body exactly once', async (t) => {
  const closes = { count: 0 };
  const exchange = await run(validate(helloApp(['x'], closes)));
  t.is(exchange.error, undefined);
  t.is(closes.count, 1);
});

test('validate(app) keeps a synchronous body synchronous', (t) => {
  const body = validate((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return new Set([Buffer.from('x')]);
  })(environFor(), noStart) as Body;
  t.false(Array.isArray(body));
  t.is(typeof (body as Iterable<Uint8Array>)[Symbol.iterator], 'function');
  t.false(Symbol.asyncIterator in body);
});

test('validate(app) keeps an asynchronous body asynchronous', (t) => {
  const body = validate(async function* (_environ: Environ, startResponse: StartResponse) {
    startResponse('200 OK', TEXT);
    yield Buffer.from('x');
  } as Application)(environFor(), noStart) as Body;
  t.is(typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator], 'function');
  t.false(Symbol.iterator in body);
});

test('validate(app) keeps a body that is both synchronous and asynchronous both', async (t) => {
  class Both {
    *[Symbol.iterator](): Iterator<Uint8Array> {
      yield Buffer.from('sync');
    }
    async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      yield Buffer.from('async');
    }
  }
  const body = validate((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return new Both();
  })(environFor(), noStart) as Body;
  t.is(typeof (body as Iterable<Uint8Array>)[Symbol.iterator], 'function');
  const chunks: string[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk).toString());
  t.deepEqual(chunks, ['async']);
});

test('validate(app) returns a Promise when the app does, and nothing else when it does not', async (t) => {
  const asyncApp = validate(async (_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return [Buffer.from('late')];
  });
  const result = asyncApp(environFor(), noStart);
  t.true(result instanceof Promise);
  t.is((await result as Uint8Array[]).length, 1);
  t.false(validate(helloApp())(environFor(), noStart) instanceof Promise);
});

test('validate(app) streams an async body one chunk at a time', async (t) => {
  const events: string[] = [];
  const app = validate(async function* (_environ: Environ, startResponse: StartResponse) {
    startResponse('200 OK', TEXT);
    for (const part of ['a', 'b', 'c']) {
      events.push(`yield ${part}`);
      yield Buffer.from(part);
    }
  } as Application);
  const body = app(environFor(), noStart) as AsyncIterable<Uint8Array> & Body;
  for await (const chunk of body) events.push(`got ${Buffer.from(chunk).toString()}`);
  await body.close?.();
  t.deepEqual(events, ['yield a', 'got a', 'yield b', 'got b', 'yield c', 'got c']);
});

test('validate(app) lets startResponse be called during the first iteration, after empty chunks', async (t) => {
  const exchange = await run(validate(function* (_environ: Environ, startResponse: StartResponse) {
    yield Buffer.alloc(0);
    startResponse('200 OK', TEXT);
    yield Buffer.from('late start');
  } as Application));
  t.is(exchange.error, undefined);
  t.is(exchange.text, 'late start');
});

test('validate(app) lets write() send data before the body', async (t) => {
  const exchange = await run(validate(async (_environ, startResponse) => {
    const write = startResponse('200 OK', [...TEXT, ['Content-Length', '5']]);
    await write(Buffer.from('wr'));
    return [Buffer.from('ite')];
  }));
  t.is(exchange.error, undefined);
  t.is(exchange.text, 'write');
});

test('validate(app) lets excInfo replace the status and headers before any byte was sent', async (t) => {
  const exchange = await run(validate((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    try {
      throw new Error('database down');
    } catch (error) {
      startResponse('503 Service Unavailable', TEXT, error);
      return [Buffer.from('try later')];
    }
  }));
  t.is(exchange.error, undefined);
  t.is(exchange.status, '503 Service Unavailable');
});

test('validate(app) lets the re-thrown excInfo propagate once bytes were sent', async (t) => {
  const failure = new Error('mid-stream');
  const exchange = await run(validate(function* (_environ: Environ, startResponse: StartResponse) {
    startResponse('200 OK', TEXT);
    yield Buffer.from('partial');
    startResponse('500 Internal Server Error', TEXT, failure);
  } as Application));
  t.is(exchange.error, failure);
});

test('validate(app) accepts a HEAD response with Content-Length and no body, or with the body', async (t) => {
  const app = (withBody: boolean): Application => (_environ, startResponse) => {
    startResponse('200 OK', [...TEXT, ['Content-Length', '5']]);
    return withBody ? [Buffer.from('hello')] : [];
  };
  t.is((await run(validate(app(false)), { REQUEST_METHOD: 'HEAD' })).error, undefined);
  t.is((await run(validate(app(true)), { REQUEST_METHOD: 'HEAD' })).error, undefined);
});

test('validate(app) accepts a 304 that keeps the full Content-Length and sends no bytes', async (t) => {
  const exchange = await run(validate((_environ, startResponse) => {
    startResponse('304 Not Modified', [['ETag', '"v1"'], ['Content-Length', '1234']]);
    return [];
  }));
  t.is(exchange.error, undefined);
});

test('validate(validate(app)) nests: both layers pass a compliant app through', async (t) => {
  const closes = { count: 0 };
  const exchange = await run(validate(validate(helloApp(['one', 'two'], closes))));
  t.is(exchange.error, undefined);
  t.is(exchange.text, 'onetwo');
  t.is(closes.count, 1);
});

test('validate(app) shows the application its own checked streams and keeps keys it adds visible', async (t) => {
  const environ = environFor({ CONTENT_LENGTH: '0' });
  const input = environ['tsgi.input'];
  const app = validate((env, startResponse) => {
    env['myapp.seen'] = true;
    t.not(env['tsgi.input'], input);
    startResponse('200 OK', TEXT);
    return [];
  });
  app(environ, noStart);
  t.is(environ['myapp.seen'], true);
});

// ---------------------------------------------------------------- the application's return value

const returns: Array<[label: string, app: Application, message: string]> = [
  [
    '§3.3 undefined',
    ((_environ: Environ, startResponse: StartResponse) => {
      startResponse('200 OK', TEXT);
    }) as unknown as Application,
    'validate: the application returned undefined; it must return a body. Return [] to send nothing. (SPEC.md §3.3)',
  ],
  [
    '§3.3 a Promise of null',
    (async () => null) as unknown as Application,
    'validate: the application returned null; it must return a body. Return [] to send nothing. (SPEC.md §3.3)',
  ],
  [
    '§3.3 false',
    (() => false) as unknown as Application,
    'validate: the application returned false; it must return a body. Return [] to send nothing. (SPEC.md §3.3)',
  ],
  [
    '§3.3 a plain object',
    (() => ({ body: 'x' })) as unknown as Application,
    'validate: the application returned an object, which is not a body; return an Iterable or AsyncIterable of Uint8Array, such as [chunk]. (SPEC.md §3.3)',
  ],
  [
    '§3.4 a string',
    (() => 'hello') as unknown as Application,
    "validate: the application returned 'hello', which is not a body; return [Buffer.from(text)] instead. (SPEC.md §3.4)",
  ],
  [
    '§3.4 a Buffer',
    (() => Buffer.from('hello')) as unknown as Application,
    'validate: the application returned a Buffer, which is not a body; return [chunk] instead. (SPEC.md §3.4)',
  ],
];

for (const [label, app, message] of returns) {
  test(`validate(app) rejects an application returning ${label}`, async (t) => {
    t.is(messageOf(await run(validate(app))), message);
  });
}

// ---------------------------------------------------------------- how the server calls the application

test('validate(app) rejects a call with one argument (§3.1)', (t) => {
  const app = validate(helloApp()) as unknown as (...args: unknown[]) => unknown;
  t.throws(() => app(environFor()), {
    instanceOf: ProtocolError,
    message: 'validate: the application was called with 1 arguments; a server calls it with (environ, startResponse). (SPEC.md §3.1)',
  });
});

test('validate(app) rejects a startResponse that is not a function (§3.1)', (t) => {
  const app = validate(helloApp()) as unknown as (...args: unknown[]) => unknown;
  t.throws(() => app(environFor(), {}), {
    instanceOf: ProtocolError,
    message: "validate: the application's second argument must be the startResponse function; got an object. (SPEC.md §3.1)",
  });
});

test('validate(app) checks the environ before calling the application (§14.2)', (t) => {
  let called = false;
  const app = validate(() => {
    called = true;
    return [];
  });
  t.throws(() => app(environFor({ PATH_INFO: 'x' }), noStart), {
    instanceOf: ProtocolError,
    message: "validate: environ['PATH_INFO'] must be empty or start with '/'; got 'x'. (SPEC.md §14.2)",
  });
  t.false(called);
});

// ---------------------------------------------------------------- closing: openBodies, assertAllClosed(), the finalizer

test('validated.openBodies counts bodies returned and not closed', async (t) => {
  const app = validate(helloApp());
  const first = app(environFor(), noStart) as Body;
  app(environFor(), noStart);
  t.is(app.openBodies, 2);
  await first.close?.();
  t.is(app.openBodies, 1);
});

test('validated.assertAllClosed() names each request whose body is open', (t) => {
  const app = validate(helloApp());
  app(environFor({ PATH_INFO: '/a', QUERY_STRING: 'x=1' }), noStart);
  app(environFor({ REQUEST_METHOD: 'POST', REQUEST_URI: '/b%20c' }), noStart);
  t.throws(() => app.assertAllClosed(), {
    instanceOf: ProtocolError,
    message:
      'validate: 2 response bodies were not closed (GET /a?x=1, POST /b%20c); the server must call close() exactly once on every body. (SPEC.md §8.5)',
  });
});

test('validated.assertAllClosed() passes once every body was closed', async (t) => {
  const app = validate(helloApp());
  const exchange = await run(app);
  t.is(exchange.error, undefined);
  t.notThrows(() => app.assertAllClosed());
});

test('validated.assertAllClosed() uses the singular for one body', (t) => {
  const app = validate(helloApp());
  app(environFor(), noStart);
  t.throws(() => app.assertAllClosed(), {
    message: 'validate: 1 response body was not closed (GET /); the server must call close() exactly once on every body. (SPEC.md §8.5)',
  });
});

test('validate(app) reports a body garbage-collected without close() to tsgi.errors', (t) => {
  const script = `
    const { validate } = await import(${JSON.stringify(new URL('../../lib/validate/index.js', import.meta.url).href)});
    const { setupTestingDefaults } = await import(${JSON.stringify(new URL('../../lib/protocol/setup-testing-defaults.js', import.meta.url).href)});
    const hello = (environ, startResponse) => { startResponse('200 OK', [['Content-Type', 'text/plain']]); return [Buffer.from('x')]; };
    const app = validate(hello);
    const environ = setupTestingDefaults({ PATH_INFO: '/leak' });
    const errors = environ['tsgi.errors'];
    app(environ, () => () => Promise.resolve());
    const seen = [];
    const other = validate(hello, { onUnclosed: (error) => seen.push(error.message) });
    other(setupTestingDefaults({ PATH_INFO: '/other' }), () => () => Promise.resolve());
    for (let i = 0; i < 20 && (errors.text === '' || seen.length === 0); i++) {
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    process.stdout.write(JSON.stringify({ errors: errors.text, seen }));
  `;
  const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  t.is(child.stderr, '');
  const output = JSON.parse(child.stdout) as { errors: string; seen: string[] };
  t.is(
    output.errors,
    'validate: the body of GET /leak was garbage-collected without the server calling its close(); the server must call close() exactly once. (SPEC.md §8.5)\n',
  );
  t.deepEqual(output.seen, [
    'validate: the body of GET /other was garbage-collected without the server calling its close(); the server must call close() exactly once. (SPEC.md §8.5)',
  ]);
});
