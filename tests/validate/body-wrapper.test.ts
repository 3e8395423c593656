import test from 'ava';
import { ProtocolError } from '../../lib/protocol/errors.js';
import type { Application, Body, Environ, StartResponse } from '../../lib/protocol/types.js';
import { validate } from '../../lib/validate/index.js';
import { environFor, TEXT } from './runner.js';

/** A generator app that records what happened to it. */
function tracked(kind: 'sync' | 'async', log: string[]): Application {
  if (kind === 'sync') {
    return function* (_environ: Environ, startResponse: StartResponse) {
      startResponse('200 OK', TEXT);
      try {
        yield Buffer.from('a');
        yield Buffer.from('b');
      } finally {
        log.push('finally');
      }
    } as Application;
  }
  return async function* (_environ: Environ, startResponse: StartResponse) {
    startResponse('200 OK', TEXT);
    try {
      yield Buffer.from('a');
      yield Buffer.from('b');
    } finally {
      log.push('finally');
    }
  } as Application;
}

function bodyOf(app: Application): Body {
  return validate(app)(environFor(), () => () => Promise.resolve()) as Body;
}

function syncIterator(body: Body): Iterator<Uint8Array> {
  return (body as Iterable<Uint8Array>)[Symbol.iterator]();
}

function asyncIterator(body: Body): AsyncIterator<Uint8Array> {
  return (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
}

// ---------------------------------------------------------------- forwarding return() and close()

for (const kind of ['sync', 'async'] as const) {
  test(`the validated ${kind} body forwards return() to the application's iterator`, async (t) => {
    const log: string[] = [];
    const body = bodyOf(tracked(kind, log));
    const iterator = kind === 'sync' ? syncIterator(body) : asyncIterator(body);
    await iterator.next();
    await iterator.return?.();
    t.deepEqual(log, ['finally']);
    await body.close?.();
  });

  test(`the validated ${kind} body runs the generator's finally when a for loop breaks`, async (t) => {
    const log: string[] = [];
    const body = bodyOf(tracked(kind, log));
    if (kind === 'sync') {
      for (const chunk of body as Iterable<Uint8Array>) if (chunk.length > 0) break;
    } else {
      for await (const chunk of body as AsyncIterable<Uint8Array>) if (chunk.length > 0) break;
    }
    t.deepEqual(log, ['finally']);
    t.notThrows(() => body.close?.());
  });

  test(`the validated ${kind} body calls return() on the application's iterator when a chunk is rejected`, async (t) => {
    const log: string[] = [];
    const app = (kind === 'sync'
      ? function* (_environ: Environ, startResponse: StartResponse) {
          startResponse('200 OK', TEXT);
          try {
            yield 'bad';
          } finally {
            log.push('finally');
          }
        }
      : async function* (_environ: Environ, startResponse: StartResponse) {
          startResponse('200 OK', TEXT);
          try {
            yield 'bad';
          } finally {
            log.push('finally');
          }
        }) as unknown as Application;
    const body = bodyOf(app);
    const iterator = kind === 'sync' ? syncIterator(body) : asyncIterator(body);
    await t.throwsAsync(async () => iterator.next(), { instanceOf: ProtocolError });
    t.deepEqual(log, ['finally']);
    t.notThrows(() => body.close?.());
  });
}

test('the validated body returns what the application’s close() returns', async (t) => {
  const closed = Promise.resolve('closed');
  const body = bodyOf(function* (_environ: Environ, startResponse: StartResponse) {
    startResponse('200 OK', TEXT);
    yield Buffer.from('x');
  } as Application);
  // A generator has no close(): the wrapper's close() returns undefined.
  t.is(body.close?.(), undefined);
  const withClose = bodyOf((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return { *[Symbol.iterator]() {}, close: () => closed };
  });
  for (const _chunk of withClose as Iterable<Uint8Array>);
  t.is(withClose.close?.(), closed);
});

// ---------------------------------------------------------------- the server's handling of the body

const generator = function* (_environ: unknown, startResponse: (s: string, h: Array<[string, string]>) => unknown) {
  startResponse('200 OK', TEXT);
  yield Buffer.from('a');
  yield Buffer.from('b');
} as unknown as Application;

const asyncGenerator = async function* (_environ: unknown, startResponse: (s: string, h: Array<[string, string]>) => unknown) {
  startResponse('200 OK', TEXT);
  yield Buffer.from('a');
  yield Buffer.from('b');
} as unknown as Application;

test('the validated body rejects a second close() by the server (§8.5)', async (t) => {
  const body = bodyOf(generator);
  for (const _chunk of body as Iterable<Uint8Array>);
  body.close?.();
  t.throws(() => body.close?.(), {
    instanceOf: ProtocolError,
    message: "validate: the server called the body's close() a second time; it must call it exactly once. (SPEC.md §8.5)",
  });
});

test('the validated array body rejects a second close() by the server (§8.5)', (t) => {
  const body = bodyOf((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return [];
  });
  body.close?.();
  t.throws(() => body.close?.(), {
    instanceOf: ProtocolError,
    message: "validate: the server called the body's close() a second time; it must call it exactly once. (SPEC.md §8.5)",
  });
});

test('the validated body rejects a next() after close() (§8.5)', (t) => {
  const body = bodyOf(generator);
  const iterator = syncIterator(body);
  iterator.next();
  iterator.return?.();
  body.close?.();
  t.throws(() => iterator.next(), {
    instanceOf: ProtocolError,
    message: 'validate: the server asked the body for another chunk after closing it. (SPEC.md §8.5)',
  });
});

test('the validated body rejects an iterator asked for after close() (§8.5)', (t) => {
  const body = bodyOf(generator);
  body.close?.();
  t.throws(() => syncIterator(body), {
    instanceOf: ProtocolError,
    message: 'validate: the server asked the body for an iterator after closing it. (SPEC.md §8.5)',
  });
});

test('the validated body rejects a second iterator (§8.4)', (t) => {
  const body = bodyOf(generator);
  for (const _chunk of body as Iterable<Uint8Array>);
  t.throws(() => syncIterator(body), {
    instanceOf: ProtocolError,
    message: 'validate: the server asked the body for a second iterator; a body is iterated once. (SPEC.md §8.4)',
  });
});

test('the validated body rejects a next() before the previous one settled (§8.4)', async (t) => {
  const body = bodyOf(asyncGenerator);
  const iterator = asyncIterator(body);
  const first = iterator.next();
  await t.throwsAsync(iterator.next(), {
    instanceOf: ProtocolError,
    message:
      "validate: the server called next() on the body's iterator before the previous call settled; ask for one chunk at a time. (SPEC.md §8.4)",
  });
  t.is(Buffer.from((await first).value as Uint8Array).toString(), 'a');
});

for (const kind of ['sync', 'async'] as const) {
  test(`the validated ${kind} body rejects close() while the server's iterator is still open (§8.6)`, async (t) => {
    const log: string[] = [];
    const body = bodyOf(tracked(kind, log));
    const iterator = kind === 'sync' ? syncIterator(body) : asyncIterator(body);
    await iterator.next();
    t.throws(() => body.close?.(), {
      instanceOf: ProtocolError,
      message:
        'validate: the server closed the body without calling return() on the iterator it stopped using; call return() before close(), so generators run their finally blocks. (SPEC.md §8.6)',
    });
  });
}

test('the validated body forwards close() to the application even when it reports an abandoned iterator', (t) => {
  let closed = 0;
  const body = bodyOf((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return { *[Symbol.iterator]() { yield Buffer.from('x'); }, close: () => void closed++ };
  });
  syncIterator(body).next();
  t.throws(() => body.close?.(), { instanceOf: ProtocolError });
  t.is(closed, 1);
});

test('the validated body writes a failed close() to tsgi.errors when it reports an abandoned iterator', async (t) => {
  const environ = environFor();
  const errors = environ['tsgi.errors'] as unknown as { text: string };
  const body = validate((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return { *[Symbol.iterator]() { yield Buffer.from('x'); }, close: () => Promise.reject(new Error('disk gone')) };
  })(environ, () => () => Promise.resolve()) as Body;
  syncIterator(body).next();
  t.throws(() => body.close?.(), { instanceOf: ProtocolError });
  await new Promise((resolve) => setImmediate(resolve));
  t.is(errors.text, "validate: the body's close() failed: Error: disk gone\n");
});

test('the validated body does not report an iterator that threw as open', (t) => {
  const body = bodyOf(function* (_environ: Environ, startResponse: StartResponse) {
    startResponse('200 OK', TEXT);
    yield Buffer.from('x');
    throw new Error('mid-body');
  } as Application);
  const iterator = syncIterator(body);
  iterator.next();
  t.throws(() => iterator.next(), { message: 'mid-body' });
  t.notThrows(() => body.close?.());
});

test('the validated body does not report an iterator whose creation threw as open', (t) => {
  const body = bodyOf((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return {
      [Symbol.iterator](): Iterator<Uint8Array> {
        throw new Error('no iterator today');
      },
    };
  });
  t.throws(() => syncIterator(body), { message: 'no iterator today' });
  t.notThrows(() => body.close?.());
});

test('the validated body does not report an unfinished iterator the server never asked for', (t) => {
  const body = bodyOf(generator);
  t.notThrows(() => body.close?.());
});
