import test from 'ava';
import { timeout, ResponseTimeout, type TimeoutOptions } from '../../middleware/timeout.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Application, Environ } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp } from '../../lib/testing/recording-app.js';

const TEXT: [string, string] = ['Content-Type', 'text/plain'];

/** A fake clock: timers fire only when the test says so. */
function fakeClock() {
  const timers: Array<{ callback: () => void; ms: number; cancelled: boolean }> = [];
  return {
    timers,
    schedule: (callback: () => void, ms: number): (() => void) => {
      const timer = { callback, ms, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    /** Waits (in event-loop turns, not time) until the request armed its timer, then fires it. */
    async fire(): Promise<void> {
      await until(() => timers.length > 0);
      const timer = timers.at(-1)!;
      if (!timer.cancelled) timer.callback();
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition never became true');
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('timeout() lets a prompt response through and cancels its timer', async (t) => {
  const clock = fakeClock();
  const recorder = recordingApp({ body: ['hello'] });
  const client = new Client(recorder, { middleware: timeout({ ms: 1000, schedule: clock.schedule }) });
  const response = await client.get('/x');
  t.is(response.text(), 'hello');
  t.is(clock.timers.length, 1);
  t.is(clock.timers[0]!.ms, 1000);
  t.true(clock.timers[0]!.cancelled);
  t.true(recorder.lastCall?.closed);
  t.is(response.errors, '');
});

test('timeout() answers 503 when the app has not returned, logs the request, and closes the late body when it arrives', async (t) => {
  const clock = fakeClock();
  const gate = deferred();
  let closed = 0;
  const seen: Environ[] = [];
  const app: Application = async (_environ, startResponse) => {
    await gate.promise;
    const write = startResponse('200 OK', [TEXT]);
    await write(Buffer.from('too late'));
    return Object.assign([Buffer.from('late')], { close: () => void (closed += 1) });
  };
  const client = new Client(app, { middleware: timeout({ ms: 50, schedule: clock.schedule, onTimeout: (environ) => void seen.push(environ) }) });
  const pending = client.get('/slow?q=1');
  await clock.fire();
  gate.resolve();
  const response = await pending;
  t.is(response.statusLine, '503 Service Unavailable');
  t.is(response.text(), '503 Service Unavailable: the application did not respond in time.\n');
  t.is(response.errors, 'timeout(): GET /slow?q=1 did not start its response within 50 ms; answered 503 Service Unavailable.\n');
  t.is(closed, 1);
  t.is(seen.length, 1);
  t.is(seen[0]?.PATH_INFO, '/slow');
});

test('timeout({ status: 504 }) replaces a pending response of the app with excInfo', async (t) => {
  const clock = fakeClock();
  const gate = deferred();
  const app: Application = async (_environ, startResponse) => {
    startResponse('200 OK', [TEXT, ['X-App', 'yes']]);
    await gate.promise;
    return [Buffer.from('late')];
  };
  const client = new Client(app, { middleware: timeout({ ms: 50, status: 504, schedule: clock.schedule }) });
  const pending = client.get('/x');
  await clock.fire();
  gate.resolve();
  const response = await pending;
  t.is(response.statusLine, '504 Gateway Timeout');
  t.false(response.headers.has('X-App'));
});

test('timeout() answers in place of a streaming body whose first chunk is late, then return()s and closes it once', async (t) => {
  const clock = fakeClock();
  const gate = deferred();
  let finallyRan = false;
  let waiting = false;
  let closed = 0;
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [TEXT]);
    return Object.assign(
      (async function* () {
        try {
          yield new Uint8Array(0);
          waiting = true;
          await gate.promise;
          yield Buffer.from('late');
          yield Buffer.from('never pulled');
        } finally {
          finallyRan = true;
        }
      })(),
      { close: () => void (closed += 1) },
    );
  };
  const client = new Client(app, { middleware: timeout({ ms: 50, schedule: clock.schedule }) });
  const pending = client.get('/x');
  // Fired while the server waits for the gated chunk: the pending next() must settle before return().
  await until(() => waiting);
  await clock.fire();
  gate.resolve();
  const response = await pending;
  t.is(response.statusLine, '503 Service Unavailable');
  t.false(response.text().includes('late'));
  t.true(finallyRan);
  t.is(closed, 1);
});

test('timeout() closes a streaming body it never pulled from when the deadline passes first', async (t) => {
  const clock = fakeClock();
  let started = false;
  let closed = 0;
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [TEXT]);
    return Object.assign(
      (async function* () {
        started = true;
        yield Buffer.from('x');
      })(),
      { close: () => void (closed += 1) },
    );
  };
  let fired = false;
  const client = new Client(app, {
    middleware: (inner) => {
      const timed = timeout({ ms: 50, schedule: clock.schedule })(inner);
      return async (environ, startResponse) => {
        const body = await timed(environ, startResponse);
        await clock.fire();
        fired = true;
        return body;
      };
    },
  });
  const response = await client.get('/x');
  t.true(fired);
  t.is(response.status, 503);
  t.false(started);
  t.is(closed, 1);
});

test('timeout() stops watching once the first byte is out: a later fire does nothing', async (t) => {
  const clock = fakeClock();
  const recorder = recordingApp({ stream: true, startInBody: true, body: ['a', 'b', 'c'] });
  const client = new Client(recorder, { middleware: timeout({ ms: 50, schedule: clock.schedule }) });
  const seen: string[] = [];
  const response = await client.get('/x', {
    onBodyChunk: async (chunk) => {
      seen.push(Buffer.from(chunk).toString());
      if (seen.length === 1) await clock.fire();
    },
  });
  t.deepEqual(seen, ['a', 'b', 'c'], 'passed through chunk by chunk');
  t.is(response.status, 200);
  t.true(clock.timers[0]!.cancelled);
  t.is(response.errors, '');
  t.true(recorder.lastCall?.closed);
});

test('timeout() counts data sent through write() as a started response', async (t) => {
  const clock = fakeClock();
  const gate = deferred();
  const app: Application = async (_environ, startResponse) => {
    const write = startResponse('200 OK', [TEXT]);
    await write(Buffer.from('early '));
    await gate.promise;
    return [Buffer.from('late')];
  };
  const client = new Client(app, { middleware: timeout({ ms: 50, schedule: clock.schedule }) });
  const pending = client.get('/x');
  await clock.fire();
  gate.resolve();
  const response = await pending;
  t.is(response.text(), 'early late');
  t.true(clock.timers[0]!.cancelled);
});

test('timeout() ignores an error the app throws after the deadline', async (t) => {
  const clock = fakeClock();
  const gate = deferred();
  const app: Application = async () => {
    await gate.promise;
    throw new Error('late failure');
  };
  const client = new Client(app, { middleware: timeout({ ms: 50, schedule: clock.schedule }) });
  const pending = client.get('/x');
  await clock.fire();
  gate.resolve();
  const response = await pending;
  t.is(response.status, 503);
  t.false(response.errors.includes('late failure'));
});

test('timeout() passes an error before the deadline on and cancels the timer', async (t) => {
  const clock = fakeClock();
  const recorder = recordingApp({ fail: 'before-start' });
  const client = new Client(recorder, { middleware: timeout({ ms: 50, schedule: clock.schedule }) });
  const response = await client.get('/x');
  t.is(response.status, 500);
  t.true(clock.timers[0]!.cancelled);
});

test('timeout() logs an onTimeout that throws instead of raising it', async (t) => {
  const clock = fakeClock();
  const gate = deferred();
  const app: Application = async (_environ, startResponse) => {
    await gate.promise;
    startResponse('200 OK', [TEXT]);
    return [];
  };
  const onTimeout = (): void => {
    throw new Error('hook broke');
  };
  const client = new Client(app, { middleware: timeout({ ms: 5, schedule: clock.schedule, onTimeout }) });
  const pending = client.get('/x');
  await clock.fire();
  gate.resolve();
  const response = await pending;
  t.is(response.status, 503);
  t.true(response.errors.endsWith('timeout(): onTimeout failed for GET /x: Error: hook broke\n'));
});

test('timeout() with the real timer answers a request that never starts in time', async (t) => {
  const gate = deferred();
  const app: Application = async (_environ, startResponse) => {
    await gate.promise;
    startResponse('200 OK', [TEXT]);
    return [];
  };
  // The app is released by the timeout itself: ordering, not duration.
  const client = new Client(app, { middleware: timeout({ ms: 1, onTimeout: () => gate.resolve() }) });
  const response = await client.get('/x');
  t.is(response.status, 503);
});

test('ResponseTimeout is a named TsgiError', (t) => {
  const error = new ResponseTimeout('x');
  t.is(error.name, 'ResponseTimeout');
});

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['options not an object', 5, 'timeout() options must be an object; got 5.'],
  ['unknown option', { seconds: 5 }, "timeout() got an unknown option 'seconds'. Known options: ms, status, onTimeout, schedule."],
  ['zero ms', { ms: 0 }, 'timeout() option ms must be a whole number of milliseconds from 1 to 2147483647; got 0.'],
  ['too many ms', { ms: 2 ** 31 }, 'timeout() option ms must be a whole number of milliseconds from 1 to 2147483647; got 2147483648.'],
  ['status 500', { status: 500 }, 'timeout() option status must be 503 or 504; got 500.'],
  ['onTimeout not a function', { onTimeout: 'log' }, "timeout() option onTimeout must be a function; got 'log'."],
];

for (const [label, options, message] of badOptions) {
  test(`timeout() rejects bad options at once: ${label}`, (t) => {
    t.throws(() => timeout(options as TimeoutOptions), { instanceOf: ImproperlyConfigured, message });
  });
}
