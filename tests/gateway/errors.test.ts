import test from 'ava';
import { runGateway } from '../../lib/gateway/run-gateway.js';
import { MemorySink } from '../../lib/gateway/memory-sink.js';
import type { ResponseHead, ResponseSink } from '../../lib/gateway/types.js';
import type { ErrorStream } from '../../lib/protocol/types.js';
import { bytes, makeOptions, makeRequest, run, runWith, stableHeaders, start200, trackedBody } from './gateway-fixtures.js';
import type { Run, Tracked } from './gateway-fixtures.js';

const ERROR_TEXT = 'A server error occurred. Please contact the administrator.';

/** Asserts the fixed 500 and returns what was logged. */
function assert500(t: import('ava').ExecutionContext, { sink, errors }: Run): string {
  t.is(sink.head?.statusLine, '500 Internal Server Error');
  t.deepEqual(stableHeaders(sink), [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(ERROR_TEXT.length)],
    ['Date', '<date>'],
    ['Server', 'tsgi-test/1'],
  ]);
  t.deepEqual(sink.head?.framing, { kind: 'length', length: ERROR_TEXT.length });
  t.is(sink.text(), ERROR_TEXT);
  t.true(sink.ended);
  return errors;
}

/** The first line of the logged error after the "while serving" line. */
function loggedMessage(errors: string): string {
  return errors.split('\n')[1] ?? '';
}

test('runGateway() answers 500 and logs the traceback when the application throws', async (t) => {
  const result = await run(
    function crashingApp() {
      throw new Error('the secret database password is hunter2');
    },
    { target: '/boom?x=1' },
  );
  const errors = assert500(t, result);
  t.true(errors.startsWith('Application error while serving GET /boom?x=1:\nError: the secret database password is hunter2\n    at crashingApp '));
  t.false(result.sink.text().includes('hunter2'));
});

test('runGateway() answers 500 when an async application rejects', async (t) => {
  const errors = assert500(t, await run(async () => Promise.reject(new TypeError('async failure'))));
  t.is(loggedMessage(errors), 'TypeError: async failure');
});

test('runGateway() answers 500 when the application throws something that is not an Error', async (t) => {
  const errors = assert500(
    t,
    await run(() => {
      throw 'a bare string';
    }),
  );
  t.is(errors, "Application error while serving GET /:\n'a bare string'\n");
});

test('runGateway() answers 500 without a body to HEAD', async (t) => {
  const { sink } = await run(
    () => {
      throw new Error('x');
    },
    { method: 'HEAD' },
  );
  t.is(sink.head?.status, 500);
  t.deepEqual(sink.head?.framing, { kind: 'none' });
  t.is(sink.bytesWritten, 0);
  t.true(sink.ended);
});

test('runGateway() answers 500 when the body fails before its first chunk, and closes it', async (t) => {
  const tracker: Tracked = { log: [] };
  const result = await run((_environ, startResponse) => {
    start200(startResponse);
    const body = trackedBody([], tracker);
    return {
      [Symbol.iterator]: () => ({
        next(): IteratorResult<Uint8Array> {
          tracker.log.push('next');
          throw new Error('iteration failed');
        },
        return(): IteratorResult<Uint8Array> {
          tracker.log.push('return');
          return { done: true, value: undefined };
        },
      }),
      close: body.close,
    };
  });
  t.is(loggedMessage(assert500(t, result)), 'Error: iteration failed');
  // An iterator that threw is finished: only close() follows.
  t.deepEqual(tracker.log, ['next', 'close']);
});

test('runGateway() aborts the response when the body fails after the head was sent', async (t) => {
  let closed = 0;
  const failure = new Error('failed mid-stream');
  const { sink, errors } = await run((_environ, startResponse) => {
    start200(startResponse);
    return Object.assign(
      (function* () {
        yield bytes('partial');
        throw failure;
      })(),
      { close: () => void closed++ },
    );
  });
  t.is(sink.head?.status, 200);
  t.is(sink.text(), 'partial');
  t.false(sink.ended);
  t.true(sink.aborted);
  t.is(sink.abortReason, failure);
  t.is(closed, 1);
  t.is(loggedMessage(errors), 'Error: failed mid-stream');
});

test('runGateway() aborts when the application re-raises through startResponse(..., excInfo) after the head was sent', async (t) => {
  const failure = new Error('late failure');
  const { sink, errors } = await run((_environ, startResponse) =>
    (function* () {
      start200(startResponse);
      yield bytes('started');
      startResponse('500 Internal Server Error', [], failure);
      yield bytes('never');
    })(),
  );
  t.true(sink.aborted);
  t.is(sink.abortReason, failure);
  t.is(sink.text(), 'started');
  t.is(loggedMessage(errors), 'Error: late failure');
});

const badBodies: Array<[label: string, body: unknown, message: string]> = [
  [
    'undefined',
    undefined,
    "The application returned undefined; it must return an iterable or async iterable of Uint8Array chunks, e.g. [Buffer.from('hello')].",
  ],
  [
    'null',
    null,
    "The application returned null; it must return an iterable or async iterable of Uint8Array chunks, e.g. [Buffer.from('hello')].",
  ],
  [
    'a number',
    42,
    "The application returned 42; it must return an iterable or async iterable of Uint8Array chunks, e.g. [Buffer.from('hello')].",
  ],
  [
    'a plain object',
    { body: 'x' },
    "The application returned an object; it must return an iterable or async iterable of Uint8Array chunks, e.g. [Buffer.from('hello')].",
  ],
  [
    'a string',
    'hello',
    'The application returned a string; it must return an iterable of Uint8Array chunks. Return [Buffer.from(text)] instead.',
  ],
  [
    'a Buffer',
    Buffer.from('hello'),
    'The application returned a Uint8Array; it must return an iterable of chunks. Return [chunk] instead.',
  ],
  [
    'an array holding a string',
    ['hello'],
    "The body yielded 'hello'; chunks must be Uint8Array. Encode text first, e.g. yield Buffer.from(text).",
  ],
  ['an array holding a number', [bytes(''), 7], 'The body yielded 7; chunks must be Uint8Array.'],
];

for (const [label, body, message] of badBodies) {
  test(`runGateway() answers 500 when the application returns ${label}`, async (t) => {
    const errors = assert500(
      t,
      await run((_environ, startResponse) => {
        start200(startResponse);
        return body as Iterable<Uint8Array>;
      }),
    );
    t.is(loggedMessage(errors), `ProtocolError: ${message}`);
  });
}

test('runGateway() calls close() on a non-iterable body that has one', async (t) => {
  let closed = 0;
  const { sink } = await run((_environ, startResponse) => {
    start200(startResponse);
    return { close: () => void closed++ } as unknown as Iterable<Uint8Array>;
  });
  t.is(sink.head?.status, 500);
  t.is(closed, 1);
});

test('runGateway() stops and closes a body that yields a string', async (t) => {
  const tracker: Tracked = { log: [] };
  const { sink } = await run((_environ, startResponse) => {
    start200(startResponse);
    return trackedBody([bytes('ok'), 'text', bytes('more')], tracker);
  });
  t.true(sink.aborted);
  t.deepEqual(tracker.log, ['next', 'next', 'return', 'close']);
});

test('runGateway() answers 500 when the body yields data before startResponse()', async (t) => {
  const errors = assert500(t, await run(() => [bytes('early')]));
  t.is(
    loggedMessage(errors),
    'ProtocolError: The body yielded 5 bytes before startResponse() was called. ' +
      'Call startResponse(status, headers) before returning the body or during its first iteration.',
  );
});

test('runGateway() answers 500 when the body ends and startResponse() was never called', async (t) => {
  const errors = assert500(t, await run(() => [bytes('')]));
  t.is(
    loggedMessage(errors),
    "ProtocolError: The application's body ended without startResponse() having been called. " +
      'Call startResponse(status, headers) before returning the body or during its first iteration.',
  );
});

test('runGateway() answers 500 when the application swallows a startResponse() error', async (t) => {
  const errors = assert500(
    t,
    await run((_environ, startResponse) => {
      try {
        startResponse('200 OK', [['Connection', 'keep-alive']]);
      } catch {
        // The application ignores the error and sends a body anyway.
      }
      return [bytes('body')];
    }),
  );
  t.is(
    loggedMessage(errors),
    "ProtocolError: startResponse() headers must not contain hop-by-hop headers; got 'Connection: keep-alive'. " +
      'Remove it: the server manages the connection and the transfer coding.',
  );
});

test('runGateway() answers 500 when startResponse() is called twice without excInfo', async (t) => {
  const errors = assert500(
    t,
    await run((_environ, startResponse) => {
      startResponse('200 OK', []);
      startResponse('404 Not Found', []);
      return [];
    }),
  );
  t.regex(loggedMessage(errors), /^ProtocolError: startResponse\(\) was called a second time without excInfo/);
});

test('runGateway() logs an error thrown by close() and keeps the response', async (t) => {
  const { sink, errors } = await run((_environ, startResponse) => {
    start200(startResponse);
    return Object.assign([bytes('fine')], {
      close() {
        throw new Error('close failed');
      },
    });
  });
  t.true(sink.ended);
  t.is(sink.text(), 'fine');
  t.true(errors.startsWith('Error in the body close() while serving GET /:\nError: close failed\n'));
});

test('runGateway() waits for an asynchronous close()', async (t) => {
  const order: string[] = [];
  await run((_environ, startResponse) => {
    start200(startResponse);
    return Object.assign([bytes('x')], {
      async close() {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push('closed');
      },
    });
  });
  order.push('resolved');
  t.deepEqual(order, ['closed', 'resolved']);
});

test('runGateway() calls close() once on success and once on failure', async (t) => {
  for (const fail of [false, true]) {
    let closed = 0;
    await run((_environ, startResponse) => {
      start200(startResponse);
      return Object.assign(
        (function* () {
          yield bytes('a');
          if (fail) throw new Error('x');
        })(),
        { close: () => void closed++ },
      );
    });
    t.is(closed, 1, fail ? 'on failure' : 'on success');
  }
});

test('runGateway() answers 500 when the sink rejects the head', async (t) => {
  const sink = new MemorySink();
  const start = sink.start.bind(sink);
  let calls = 0;
  sink.start = (head: ResponseHead) => {
    if (calls++ === 0) throw new TypeError('Invalid character in header content ["X-A"]');
    start(head);
  };
  const errors = await runWith((_environ, startResponse) => {
    start200(startResponse);
    return [bytes('x')];
  }, sink);
  t.is(sink.head?.status, 500);
  t.true(sink.ended);
  t.is(loggedMessage(errors), 'TypeError: Invalid character in header content ["X-A"]');
});

test('runGateway() aborts when even the 500 cannot be sent', async (t) => {
  const sink = new MemorySink();
  sink.start = () => {
    throw new Error('socket is broken');
  };
  const errors = await runWith(() => {
    throw new Error('app failed');
  }, sink);
  t.true(sink.aborted);
  t.true(errors.includes('Application error while serving GET /:\nError: app failed'));
  t.true(errors.includes('Error sending the response while serving GET /:\nError: socket is broken'));
});

test('runGateway() resolves even when the error log and the sink throw', async (t) => {
  const throwingErrors: ErrorStream = {
    write() {
      throw new Error('log is gone');
    },
    writelines() {},
    flush() {},
  };
  const sink: ResponseSink = {
    start() {
      throw new Error('start');
    },
    write() {
      throw new Error('write');
    },
    end() {
      throw new Error('end');
    },
    abort() {
      throw new Error('abort');
    },
    signal: new AbortController().signal,
  };
  await t.notThrowsAsync(
    runGateway(
      () => {
        throw new Error('app');
      },
      makeRequest(),
      sink,
      makeOptions({ errors: throwingErrors as never }),
    ),
  );
});

test('runGateway() aborts when an async body rejects after the head was sent', async (t) => {
  const { sink, errors } = await run((_environ, startResponse) => {
    start200(startResponse);
    return (async function* () {
      yield bytes('partial');
      throw new RangeError('async iteration failed');
    })();
  });
  t.true(sink.aborted);
  t.is(sink.text(), 'partial');
  t.is(loggedMessage(errors), 'RangeError: async iteration failed');
});

test('runGateway() logs an error thrown by return() and still calls close()', async (t) => {
  let closed = 0;
  const { sink, errors } = await run((_environ, startResponse) => {
    start200(startResponse, [['Content-Length', '1']]);
    return {
      [Symbol.iterator]: () => ({
        next: (): IteratorResult<Uint8Array> => ({ done: false, value: bytes('xy') }),
        return(): IteratorResult<Uint8Array> {
          throw new Error('cleanup failed');
        },
      }),
      close: () => void closed++,
    };
  });
  t.true(sink.ended);
  t.is(closed, 1);
  t.true(errors.includes('Error in the body iterator return() while serving GET /:\nError: cleanup failed\n'));
});
