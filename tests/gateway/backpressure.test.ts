import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemorySink } from '../../lib/gateway/memory-sink.js';
import { runGateway } from '../../lib/gateway/run-gateway.js';
import type { ResponseHead, ResponseSink } from '../../lib/gateway/types.js';
import { bytes, makeOptions, makeRequest, runWith, start200 } from './gateway-fixtures.js';

/** A sink that makes every write wait for an explicit `drain()`. */
class ManualSink implements ResponseSink {
  readonly signal = new AbortController().signal;
  written: string[] = [];
  ended = false;
  #drain: (() => void) | undefined;
  start(_head: ResponseHead): void {}
  write(chunk: Uint8Array): Promise<void> {
    this.written.push(Buffer.from(chunk).toString());
    return new Promise((resolve) => (this.#drain = resolve));
  }
  end(): void {
    this.ended = true;
  }
  abort(): void {}
  drain(): void {
    this.#drain?.();
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

for (const kind of ['sync', 'async'] as const) {
  test(`runGateway() pulls the next chunk of a ${kind} body only when the sink is ready`, async (t) => {
    const sink = new ManualSink();
    let pulled = 0;
    const body =
      kind === 'sync'
        ? (function* () {
            for (const part of ['a', 'b', 'c']) {
              pulled++;
              yield bytes(part);
            }
          })()
        : (async function* () {
            for (const part of ['a', 'b', 'c']) {
              pulled++;
              yield bytes(part);
            }
          })();
    const done = runWith((_environ, startResponse) => {
      start200(startResponse);
      return body;
    }, sink);
    await turn();
    t.deepEqual([pulled, sink.written], [1, ['a']]);
    sink.drain();
    await turn();
    t.deepEqual([pulled, sink.written], [2, ['a', 'b']]);
    sink.drain();
    await turn();
    sink.drain();
    await done;
    t.deepEqual(sink.written, ['a', 'b', 'c']);
    t.true(sink.ended);
  });
}

test('runGateway() sends an array body chunk by chunk, waiting for the sink between chunks', async (t) => {
  const sink = new ManualSink();
  const done = runWith((_environ, startResponse) => {
    start200(startResponse);
    return [bytes('a'), bytes('b'), bytes('c')];
  }, sink);
  await turn();
  t.deepEqual(sink.written, ['a']);
  sink.drain();
  await turn();
  t.deepEqual(sink.written, ['a', 'b']);
  t.false(sink.ended);
  sink.drain();
  await turn();
  sink.drain();
  await done;
  t.deepEqual(sink.written, ['a', 'b', 'c']);
  t.true(sink.ended);
});

test('runGateway() waits for a sink with a high-water mark before pulling more', async (t) => {
  const sink = new MemorySink({ highWaterMark: 4 });
  let maxAhead = 0;
  let pulled = 0;
  await runWith((_environ, startResponse) => {
    start200(startResponse);
    return (function* () {
      for (let i = 0; i < 20; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - sink.chunks.length);
        yield bytes('xyz');
      }
    })();
  }, sink);
  t.is(sink.bytesWritten, 60);
  t.is(maxAhead, 1);
  t.true(sink.ended);
});

/**
 * V8 collects big Buffers lazily: with little JS allocation going on, 1 GiB of
 * dropped chunks can pile up uncollected, which says nothing about the gateway.
 * Collecting every few chunks makes memory show what is actually retained.
 */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const MiB = 1024 * 1024;
const TOTAL = 1024 * MiB;
const CHUNK = MiB;

test('runGateway() streams 1 GiB through a slow sink in bounded memory', async (t) => {
  t.timeout(30_000);
  const sink = new MemorySink({ keepChunks: false, writeDelayMs: 0 });
  const gc = exposeGc();
  gc();
  const baseline = process.memoryUsage();
  let peakArrayBuffers = 0;
  let peakRss = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const write = sink.write.bind(sink);
  let writes = 0;
  sink.write = (chunk: Uint8Array) => {
    inFlight--;
    if (++writes % 16 === 0) gc();
    const usage = process.memoryUsage();
    peakArrayBuffers = Math.max(peakArrayBuffers, usage.arrayBuffers);
    peakRss = Math.max(peakRss, usage.rss);
    return write(chunk);
  };
  const started = Date.now();
  await runGateway(
    (_environ, startResponse) => {
      start200(startResponse);
      return (async function* () {
        for (let sent = 0; sent < TOTAL; sent += CHUNK) {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          // A fresh buffer each time: if the gateway read ahead, memory would grow with it.
          yield Buffer.alloc(CHUNK, (sent / CHUNK) % 255 + 1);
        }
      })();
    },
    makeRequest(),
    sink,
    makeOptions(),
  );
  const seconds = (Date.now() - started) / 1000;
  t.log(
    `1 GiB in ${seconds.toFixed(1)} s; growth: arrayBuffers ${((peakArrayBuffers - baseline.arrayBuffers) / MiB).toFixed(1)} MiB, ` +
      `rss ${((peakRss - baseline.rss) / MiB).toFixed(1)} MiB`,
  );
  t.is(sink.bytesWritten, TOTAL);
  t.true(sink.ended);
  t.is(maxInFlight, 1);
  t.true(peakArrayBuffers - baseline.arrayBuffers < 40 * MiB, 'arrayBuffers grew by less than 40 MiB');
  t.true(peakRss - baseline.rss < 64 * MiB, 'rss grew by less than 64 MiB');
});

test('runGateway() does not read sink.signal for a response sent in one go', async (t) => {
  const controller = new AbortController();
  let reads = 0;
  const written: string[] = [];
  const sink: ResponseSink = {
    start: () => {},
    write: (chunk) => void written.push(Buffer.from(chunk).toString()),
    end: () => void written.push('<end>'),
    abort: () => {},
    get signal() {
      reads++;
      return controller.signal;
    },
  };
  await runWith((_environ, startResponse) => {
    start200(startResponse);
    return [bytes('hello world')];
  }, sink);
  t.deepEqual(written, ['hello world', '<end>']);
  t.is(reads, 0, 'a front-end may create its AbortSignal lazily, and this path never needs one');
});

test('runGateway() waits for a slow sink on a one-chunk body before ending the response and closing the body', async (t) => {
  const sink = new MemorySink({ highWaterMark: 2 });
  const events: string[] = [];
  const end = sink.end.bind(sink);
  sink.end = () => {
    events.push(`end after ${sink.bytesWritten} bytes`);
    return end();
  };
  await runWith((_environ, startResponse) => {
    start200(startResponse);
    return Object.assign([bytes('hello')], { close: () => void events.push('close') });
  }, sink);
  t.deepEqual(events, ['end after 5 bytes', 'close']);
  t.is(sink.text(), 'hello');
  t.deepEqual(sink.head?.framing, { kind: 'length', length: 5 });
});
