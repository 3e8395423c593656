import test from 'ava';
import { MemorySink } from '../../lib/gateway/memory-sink.js';
import { runGateway } from '../../lib/gateway/run-gateway.js';
import type { ResponseHead, ResponseSink } from '../../lib/gateway/types.js';
import { ClientDisconnected } from '../../lib/protocol/errors.js';
import { bytes, makeOptions, makeRequest, runWith, source, start200, tick, trackedBody } from './gateway-fixtures.js';
import type { Tracked } from './gateway-fixtures.js';

/** A sink whose client leaves after `afterWrites` writes; every write after that throws, like a dead socket. */
class LeavingSink implements ResponseSink {
  readonly #controller = new AbortController();
  readonly signal = this.#controller.signal;
  head: ResponseHead | undefined;
  writes = 0;
  ended = false;
  aborted = false;
  constructor(readonly afterWrites: number, readonly stall = false) {}
  start(head: ResponseHead): void {
    this.head = head;
  }
  write(): void | Promise<void> {
    if (this.signal.aborted) throw new ClientDisconnected('write after close');
    this.writes++;
    if (this.writes === this.afterWrites) {
      setImmediate(() => this.#controller.abort());
      // A socket that went away never drains.
      if (this.stall) return new Promise<void>(() => {});
    }
  }
  end(): void {
    this.ended = true;
  }
  abort(): void {
    this.aborted = true;
  }
}

test('runGateway() stops a sync body at the next chunk boundary when the client leaves', async (t) => {
  const sink = new MemorySink();
  const tracker: Tracked = { log: [] };
  let pulled = 0;
  const errors = await runWith((_environ, startResponse) => {
    start200(startResponse);
    const body = trackedBody([bytes('a'), bytes('b'), bytes('c'), bytes('d')], tracker);
    return {
      [Symbol.iterator]() {
        const inner = body[Symbol.iterator]();
        return {
          next: () => {
            if (++pulled === 3) sink.disconnect();
            return inner.next();
          },
          return: () => inner.return!(),
        };
      },
      close: body.close,
    };
  }, sink);
  t.is(errors, '');
  t.deepEqual(sink.chunks.map(String), ['a', 'b']);
  t.deepEqual(tracker.log, ['next', 'next', 'next', 'return', 'close']);
  t.false(sink.ended);
  t.false(sink.aborted);
});

test('runGateway() stops waiting on a backpressure Promise that never resolves when the client leaves', async (t) => {
  const sink = new LeavingSink(1, true);
  const tracker: Tracked = { log: [] };
  const errors = await runWith((_environ, startResponse) => {
    start200(startResponse);
    return trackedBody([bytes('a'), bytes('b')], tracker);
  }, sink);
  t.is(errors, '');
  t.is(sink.writes, 1);
  t.deepEqual(tracker.log, ['next', 'return', 'close']);
  t.false(sink.ended);
});

test('runGateway() stops waiting on a pending async next() when the client leaves', async (t) => {
  const sink = new MemorySink();
  const log: string[] = [];
  const errors = await runWith((_environ, startResponse) => {
    start200(startResponse);
    let calls = 0;
    return {
      [Symbol.asyncIterator]: () => ({
        next(): Promise<IteratorResult<Uint8Array>> {
          log.push('next');
          if (calls++ === 0) return Promise.resolve({ done: false, value: bytes('first') });
          setImmediate(() => sink.disconnect());
          return new Promise(() => {}); // an event stream with nothing more to say
        },
        return(): Promise<IteratorResult<Uint8Array>> {
          log.push('return');
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
      close: () => void log.push('close'),
    };
  }, sink);
  t.is(errors, '');
  t.is(sink.text(), 'first');
  t.deepEqual(log, ['next', 'next', 'return', 'close']);
});

test('runGateway() lets an async generator finish its cleanup when abandoned on disconnect', async (t) => {
  const sink = new MemorySink();
  const log: string[] = [];
  await runWith((_environ, startResponse) => {
    start200(startResponse);
    return (async function* () {
      try {
        yield bytes('a');
        sink.disconnect();
        yield bytes('b');
        yield bytes('c');
      } finally {
        log.push('finally');
      }
    })();
  }, sink);
  t.deepEqual(log, ['finally']);
  t.is(sink.text(), 'a');
});

test('runGateway() does not log a ClientDisconnected from tsgi.input', async (t) => {
  const sink = new MemorySink();
  async function* truncated(): AsyncGenerator<Uint8Array> {
    yield bytes('12345');
    sink.disconnect();
    throw new Error('aborted');
  }
  let closed = 0;
  let caught: unknown;
  const errors = await runWith(
    async (environ, startResponse) => {
      start200(startResponse);
      try {
        await environ['tsgi.input'].read();
      } catch (error) {
        caught = error;
        throw error;
      }
      return Object.assign([], { close: () => void closed++ });
    },
    sink,
    { method: 'POST', rawHeaders: ['Host', 'h', 'Content-Length', '100'], body: truncated() },
  );
  t.true(caught instanceof ClientDisconnected);
  t.is(errors, '');
  t.is(sink.head, undefined);
});

test('runGateway() aborts, without logging, when tsgi.input fails before the sink notices', async (t) => {
  const sink = new MemorySink();
  const errors = await runWith(
    async (environ, startResponse) => {
      start200(startResponse);
      await environ['tsgi.input'].read();
      return [];
    },
    sink,
    { method: 'POST', rawHeaders: ['Host', 'h', 'Content-Length', '100'], body: source('only ten b') },
  );
  t.is(errors, '');
  t.true(sink.aborted);
  t.true(sink.abortReason instanceof ClientDisconnected);
});

test('runGateway() does not log a failing sink write after the client left', async (t) => {
  const sink = new LeavingSink(1);
  const errors = await runWith((_environ, startResponse) => {
    start200(startResponse);
    return (async function* () {
      yield bytes('a');
      await tick();
      await tick();
      yield bytes('b');
    })();
  }, sink);
  t.is(errors, '');
  t.is(sink.writes, 1);
  t.false(sink.ended);
});

test('runGateway() does not log an application error raised after the client left', async (t) => {
  const sink = new MemorySink();
  let closed = 0;
  const errors = await runWith((_environ, startResponse) => {
    start200(startResponse);
    return Object.assign(
      (function* () {
        yield bytes('a');
        sink.disconnect();
        throw new Error('because the client left');
      })(),
      { close: () => void closed++ },
    );
  }, sink);
  t.is(errors, '');
  t.is(closed, 1);
  t.false(sink.aborted);
});

test('runGateway() closes the body of an async application that finishes after the client left', async (t) => {
  const sink = new MemorySink();
  let closed = 0;
  const errors = await runWith(async (_environ, startResponse) => {
    sink.disconnect();
    await tick();
    start200(startResponse);
    return Object.assign([bytes('unsent')], { close: () => void closed++ });
  }, sink);
  t.is(errors, '');
  t.is(closed, 1);
  t.is(sink.head, undefined);
  t.is(sink.bytesWritten, 0);
});

test('runGateway() sends no 500 to a client that left', async (t) => {
  const sink = new MemorySink();
  const options = makeOptions();
  await runGateway(
    () => {
      sink.disconnect();
      throw new Error('x');
    },
    makeRequest(),
    sink,
    options,
  );
  t.is(sink.head, undefined);
  t.is(options.errors.text, '');
});
