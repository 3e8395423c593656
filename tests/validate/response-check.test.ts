import test from 'ava';
import { ProtocolError } from '../../lib/protocol/errors.js';
import type { Application, Body, Environ, StartResponse, Write } from '../../lib/protocol/types.js';
import { validate } from '../../lib/validate/index.js';
import { environFor, messageOf, run, TEXT } from './runner.js';

const LENGTH_5: Array<[string, string]> = [...TEXT, ['Content-Length', '5']];

// ---------------------------------------------------------------- the application's calls to startResponse() and write()

const apps: Array<[label: string, app: Application, message: string, environ?: Record<string, unknown>]> = [
  [
    '§6.1 startResponse() with one argument',
    (_environ, startResponse) => {
      (startResponse as unknown as (status: string) => void)('200 OK');
      return [];
    },
    'validate: startResponse() takes (status, headers) or (status, headers, excInfo); got 1 arguments. (SPEC.md §6.1)',
  ],
  [
    '§6.1 startResponse() with four arguments',
    (_environ, startResponse) => {
      (startResponse as unknown as (...args: unknown[]) => void)('200 OK', TEXT, new Error('x'), 'more');
      return [];
    },
    'validate: startResponse() takes (status, headers) or (status, headers, excInfo); got 4 arguments. (SPEC.md §6.1)',
  ],
  [
    '§6.2 a bad status, through startResponse()',
    (_environ, startResponse) => {
      startResponse('200OK', TEXT);
      return [];
    },
    "validate: startResponse() status must be three digits, one space and a reason phrase, such as '200 OK'; got '200OK'. Use '200 OK'. (SPEC.md §6.2)",
  ],
  [
    '§6.7 a hop-by-hop header, through startResponse()',
    (_environ, startResponse) => {
      startResponse('200 OK', [...TEXT, ['Keep-Alive', 'timeout=5']]);
      return [];
    },
    "validate: startResponse() headers must not include the hop-by-hop header 'Keep-Alive'; the server owns the connection and chooses the framing. (SPEC.md §6.7)",
  ],
  [
    '§6.12 a second startResponse() without excInfo',
    (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      startResponse('404 Not Found', TEXT);
      return [];
    },
    'validate: startResponse() was called a second time without excInfo. To send a different response, pass the error being handled as the third argument. (SPEC.md §6.12)',
  ],
  [
    '§6.12 a second call without excInfo after a failed first call',
    (_environ, startResponse) => {
      try {
        startResponse('OK', TEXT);
      } catch {
        startResponse('200 OK', TEXT);
      }
      return [];
    },
    'validate: startResponse() was called a second time without excInfo. To send a different response, pass the error being handled as the third argument. (SPEC.md §6.12)',
  ],
  [
    '§6.12 an application that catches the re-thrown excInfo and goes on yielding',
    function* (_environ: Environ, startResponse: StartResponse) {
      startResponse('200 OK', TEXT);
      yield Buffer.from('partial');
      try {
        startResponse('500 Internal Server Error', TEXT, new Error('late'));
      } catch {
        yield Buffer.from('oops');
      }
    } as Application,
    'validate: the application went on after startResponse() re-threw its excInfo; let that error propagate, so the server can abort the response. (SPEC.md §6.12)',
  ],
  [
    '§6.12 an application that catches the re-thrown excInfo and returns a body',
    async (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      await write(Buffer.from('sent'));
      try {
        startResponse('500 Internal Server Error', TEXT, new Error('late'));
      } catch {
        // swallowed: the bug under test
      }
      return [];
    },
    'validate: the application went on after startResponse() re-threw its excInfo; let that error propagate, so the server can abort the response. (SPEC.md §6.12)',
  ],
  [
    '§6.13 a non-empty chunk before startResponse()',
    function* (_environ: Environ, startResponse: StartResponse) {
      yield Buffer.from('early');
      startResponse('200 OK', TEXT);
    } as Application,
    "validate: the body's chunk 0 has 5 bytes before startResponse() was called; call startResponse() before the first non-empty chunk. (SPEC.md §6.13)",
  ],
  [
    '§6.13 a non-empty chunk after a failed startResponse()',
    function* (_environ: Environ, startResponse: StartResponse) {
      try {
        startResponse('200', TEXT);
      } catch {
        // ignored: the bug under test
      }
      yield Buffer.from('x');
    } as Application,
    "validate: the body's chunk 0 has 1 bytes although startResponse() failed; call startResponse() before the first non-empty chunk. (SPEC.md §6.13)",
  ],
  [
    '§6.14 a body that ends without startResponse()',
    function* () {
      yield Buffer.alloc(0);
    } as Application,
    'validate: the body ended but startResponse() was never called; call it before returning or before the body ends. (SPEC.md §6.14)',
  ],
  [
    '§6.15 an array returned before startResponse()',
    () => [],
    'validate: the application returned an array before calling startResponse(); nothing runs while a server reads an array, so call startResponse() first. (SPEC.md §6.15)',
  ],
  [
    '§6.16 startResponse() from the body’s close()',
    (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return Object.assign([], { close: () => startResponse('500 Internal Server Error', TEXT, new Error('late')) });
    },
    'validate: startResponse() was called after the body was closed; the response is over. (SPEC.md §6.16)',
  ],
  [
    '§7.1 write() with a string',
    (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      void (write as unknown as (text: string) => Promise<void>)('text');
      return [];
    },
    "validate: write() takes one Uint8Array; got 'text'. Encode strings first: Buffer.from(text). (SPEC.md §7.1)",
  ],
  [
    '§7.1 write() with no argument',
    (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      void (write as unknown as () => Promise<void>)();
      return [];
    },
    'validate: write() takes one Uint8Array; got 0 arguments. (SPEC.md §7.1)',
  ],
  [
    '§7.3 write() from inside the body',
    function* (_environ: Environ, startResponse: StartResponse) {
      const write = startResponse('200 OK', TEXT);
      void write(Buffer.from('x'));
      yield Buffer.from('y');
    } as Application,
    "validate: write() was called from inside the body's iteration; yield the chunk from the body instead. (SPEC.md §7.3)",
  ],
  [
    '§7.3 write() from inside an async body',
    async function* (_environ: Environ, startResponse: StartResponse) {
      const write = startResponse('200 OK', TEXT);
      await write(Buffer.from('x'));
    } as Application,
    "validate: write() was called from inside the body's iteration; yield the chunk from the body instead. (SPEC.md §7.3)",
  ],
  [
    '§8.2 a string chunk',
    function* (_environ: Environ, startResponse: StartResponse) {
      startResponse('200 OK', TEXT);
      yield 'text';
    } as unknown as Application,
    "validate: the body's chunk 0 is 'text'; every chunk must be a Uint8Array. Encode strings first: Buffer.from(text). (SPEC.md §8.2)",
  ],
  [
    '§8.2 a number in an array body',
    (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return [Buffer.from('a'), 42] as unknown as Uint8Array[];
    },
    "validate: the body's chunk 1 is 42; every chunk must be a Uint8Array. (SPEC.md §8.2)",
  ],
  [
    '§8.2 an ArrayBuffer chunk in an async body',
    async function* (_environ: Environ, startResponse: StartResponse) {
      startResponse('200 OK', TEXT);
      yield new ArrayBuffer(2);
    } as unknown as Application,
    "validate: the body's chunk 0 is an ArrayBuffer; every chunk must be a Uint8Array. (SPEC.md §8.2)",
  ],
  [
    '§8.7 a body longer than its Content-Length',
    function* (_environ: Environ, startResponse: StartResponse) {
      startResponse('200 OK', LENGTH_5);
      yield Buffer.from('hel');
      yield Buffer.from('lo!');
    } as Application,
    "validate: the response declared Content-Length 5 but the body's chunk 1 brings the body to 6 bytes; send exactly the declared length, or leave Content-Length out. (SPEC.md §8.7)",
  ],
  [
    '§8.7 write() past the Content-Length',
    async (_environ, startResponse) => {
      const write = startResponse('200 OK', LENGTH_5);
      await write(Buffer.from('hello world'));
      return [];
    },
    'validate: the response declared Content-Length 5 but write() brings the body to 11 bytes; send exactly the declared length, or leave Content-Length out. (SPEC.md §8.7)',
  ],
  [
    '§8.7 a body shorter than its Content-Length',
    function* (_environ: Environ, startResponse: StartResponse) {
      startResponse('200 OK', LENGTH_5);
      yield Buffer.from('hell');
    } as Application,
    'validate: the response declared Content-Length 5 but its body ended after 4 bytes; send exactly the declared length, or leave Content-Length out. (SPEC.md §8.7)',
  ],
  [
    '§8.7 an array shorter than its Content-Length',
    (_environ, startResponse) => {
      startResponse('200 OK', LENGTH_5);
      return [];
    },
    'validate: the response declared Content-Length 5 but its body ended after 0 bytes; send exactly the declared length, or leave Content-Length out. (SPEC.md §8.7)',
  ],
  [
    '§8.7 a HEAD body longer than its Content-Length',
    (_environ, startResponse) => {
      startResponse('200 OK', LENGTH_5);
      return [Buffer.from('hello!')];
    },
    "validate: the response declared Content-Length 5 but the body's chunk 0 brings the body to 6 bytes; send exactly the declared length, or leave Content-Length out. (SPEC.md §8.7)",
    { REQUEST_METHOD: 'HEAD' },
  ],
  [
    '§8.9 a 204 with body bytes',
    (_environ, startResponse) => {
      startResponse('204 No Content', []);
      return [Buffer.from('x')];
    },
    "validate: a 204 response must not have body bytes; the body's chunk 0 has 1. Send empty chunks only. (SPEC.md §8.9)",
  ],
  [
    '§8.9 a 304 that writes',
    async (_environ, startResponse) => {
      const write = startResponse('304 Not Modified', []);
      await write(Buffer.from('stale'));
      return [];
    },
    'validate: a 304 response must not have body bytes; write() has 5. Send empty chunks only. (SPEC.md §8.9)',
  ],
];

for (const [label, app, message, environ] of apps) {
  test(`validate(app) rejects ${label}`, async (t) => {
    t.is(messageOf(await run(validate(app), environ)), message);
  });
}

// ---------------------------------------------------------------- write() outside the body's iteration

test('validate(app) rejects write() once the server has begun iterating the body (§7.3)', (t) => {
  let write: Write | undefined;
  const body = validate(function* (_environ: Environ, startResponse: StartResponse) {
    write = startResponse('200 OK', TEXT);
    yield Buffer.from('a');
    yield Buffer.from('b');
  } as Application)(environFor(), () => () => Promise.resolve()) as Iterable<Uint8Array>;
  const iterator = body[Symbol.iterator]();
  iterator.next();
  t.throws(() => write!(Buffer.from('late')), {
    instanceOf: ProtocolError,
    message:
      "validate: write() was called after the server began iterating the body; its data must come before the body's. Yield the chunk from the body instead. (SPEC.md §7.3)",
  });
});

test('validate(app) rejects write() after the body was closed (§7.3)', async (t) => {
  let write: Write | undefined;
  const body = validate((_environ, startResponse) => {
    write = startResponse('200 OK', TEXT);
    return [];
  })(environFor(), () => () => Promise.resolve()) as Body;
  await body.close?.();
  t.throws(() => write!(Buffer.from('late')), {
    instanceOf: ProtocolError,
    message: 'validate: write() was called after the response had finished. (SPEC.md §7.3)',
  });
});

test('validate(app) returns the Promise the server’s write() returned', async (t) => {
  const promise = Promise.resolve();
  let returned: unknown;
  validate((_environ, startResponse) => {
    returned = startResponse('200 OK', TEXT)(Buffer.from('x'));
    return [];
  })(environFor(), () => () => promise);
  t.is(returned, promise);
});

// ---------------------------------------------------------------- the server's startResponse() and write()

function withServer(startResponse: StartResponse, app: Application): unknown {
  try {
    validate(app)(environFor(), startResponse);
    return undefined;
  } catch (error) {
    return error;
  }
}

test("validate(app) rejects a server's startResponse() that returns no write function (§6.17)", (t) => {
  const error = withServer((() => undefined) as unknown as StartResponse, (_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return [];
  });
  t.is(
    (error as Error).message,
    "validate: the server's startResponse() returned undefined; it must return the write function. (SPEC.md §6.17)",
  );
});

test("validate(app) rejects a server's write() that returns no Promise (§7.4)", (t) => {
  const error = withServer((() => () => undefined) as unknown as StartResponse, (_environ, startResponse) => {
    void startResponse('200 OK', TEXT)(Buffer.from('x'));
    return [];
  });
  t.is((error as Error).message, "validate: the server's write() returned undefined; it must return a Promise. (SPEC.md §7.4)");
});

function rethrowApp(excInfo: Error): Application {
  return (_environ, startResponse) => {
    void startResponse('200 OK', TEXT)(Buffer.from('sent'));
    startResponse('500 Internal Server Error', TEXT, excInfo);
    return [];
  };
}

test("validate(app) rejects a server's startResponse() that returns when it must re-throw excInfo (§6.12)", (t) => {
  const error = withServer(() => () => Promise.resolve(), rethrowApp(new Error('boom')));
  t.is(
    (error as Error).message,
    "validate: the server's startResponse() returned normally, called with excInfo after the headers were sent; it must re-throw excInfo. (SPEC.md §6.12)",
  );
});

test("validate(app) rejects a server's startResponse() that throws something other than excInfo (§6.12)", (t) => {
  let calls = 0;
  const server: StartResponse = () => {
    if (calls++ > 0) throw new TypeError('headers already sent');
    return () => Promise.resolve();
  };
  const error = withServer(server, rethrowApp(new Error('boom')));
  t.is(
    (error as Error).message,
    "validate: the server's startResponse() threw a TypeError instead of re-throwing excInfo after the headers were sent. (SPEC.md §6.12)",
  );
});

test('validate(app) passes the re-thrown excInfo itself to the application', (t) => {
  const excInfo = new Error('boom');
  let calls = 0;
  const server: StartResponse = (_status, _headers, info) => {
    if (calls++ > 0) throw info;
    return () => Promise.resolve();
  };
  t.is(withServer(server, rethrowApp(excInfo)), excInfo);
});

test('validate(app) passes startResponse() arguments to the server as given', (t) => {
  const calls: unknown[][] = [];
  const headers: Array<[string, string]> = [['Content-Type', 'text/html']];
  const excInfo = new Error('first try failed');
  validate((_environ, startResponse) => {
    startResponse('200 OK', headers);
    startResponse('500 Internal Server Error', headers, excInfo);
    return [];
  })(environFor(), (...args: unknown[]) => {
    calls.push(args);
    return () => Promise.resolve();
  });
  t.is(calls.length, 2);
  t.deepEqual(calls[0], ['200 OK', headers]);
  t.is(calls[0]![1], headers);
  t.deepEqual(calls[1], ['500 Internal Server Error', headers, excInfo]);
});
