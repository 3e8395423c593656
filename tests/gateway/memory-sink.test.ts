import test from 'ava';
import { MemorySink } from '../../lib/gateway/memory-sink.js';
import type { ResponseHead } from '../../lib/gateway/types.js';
import { ClientDisconnected } from '../../lib/protocol/errors.js';

function head(framing: ResponseHead['framing'] = { kind: 'chunked' }): ResponseHead {
  return { status: 200, statusLine: '200 OK', headers: [], framing };
}

test('new MemorySink() records the head, copies of the chunks, and the end', (t) => {
  const sink = new MemorySink();
  sink.start(head());
  const chunk = Buffer.from('abc');
  t.is(sink.write(chunk), undefined);
  chunk.fill(0x7a);
  sink.write(Buffer.from('def'));
  sink.end();
  t.is(sink.head?.status, 200);
  t.is(sink.text(), 'abcdef');
  t.deepEqual(sink.body(), Buffer.from('abcdef'));
  t.is(sink.bytesWritten, 6);
  t.true(sink.ended);
  t.false(sink.aborted);
});

test('new MemorySink() records an abort and its reason', (t) => {
  const sink = new MemorySink();
  const reason = new Error('x');
  sink.start(head());
  sink.abort(reason);
  t.true(sink.aborted);
  t.is(sink.abortReason, reason);
  t.throws(() => sink.write(Buffer.from('a')), { message: 'MemorySink: write() after the response was aborted.' });
});

const misuse: Array<[label: string, act: (sink: MemorySink) => unknown, message: string]> = [
  ['write() before start()', (sink) => sink.write(Buffer.from('a')), 'MemorySink: write() before start().'],
  ['end() before start()', (sink) => sink.end(), 'MemorySink: end() before start().'],
  [
    'start() twice',
    (sink) => {
      sink.start(head());
      sink.start(head());
    },
    'MemorySink: start() was called twice.',
  ],
  [
    'write() after end()',
    (sink) => {
      sink.start(head());
      sink.end();
      sink.write(Buffer.from('a'));
    },
    'MemorySink: write() after the response ended.',
  ],
  [
    'abort() after end()',
    (sink) => {
      sink.start(head());
      sink.end();
      sink.abort(new Error('x'));
    },
    'MemorySink: abort() after end().',
  ],
  [
    "write() with framing 'none'",
    (sink) => {
      sink.start(head({ kind: 'none' }));
      sink.write(Buffer.from('ab'));
    },
    "MemorySink: write() of 2 bytes with framing 'none'.",
  ],
  [
    'write() past the Content-Length',
    (sink) => {
      sink.start(head({ kind: 'length', length: 3 }));
      sink.write(Buffer.from('ab'));
      sink.write(Buffer.from('cd'));
    },
    'MemorySink: write() past Content-Length 3 (2 + 2 bytes).',
  ],
];

for (const [label, act, message] of misuse) {
  test(`new MemorySink() rejects ${label}`, (t) => {
    t.throws(() => act(new MemorySink()), { message });
  });
}

test('new MemorySink() offers sendContinue() only when the request expects it', (t) => {
  t.is(new MemorySink().sendContinue, undefined);
  t.false('sendContinue' in new MemorySink());
  const sink = new MemorySink({ expectContinue: true });
  sink.sendContinue?.();
  t.is(sink.continues, 1);
  sink.start(head());
  t.throws(() => sink.sendContinue?.(), { message: 'MemorySink: sendContinue() after the head was sent.' });
});

test('sink.disconnect() before the head drops the head too', (t) => {
  const sink = new MemorySink();
  sink.disconnect();
  sink.start(head());
  t.is(sink.head, undefined);
});

test('sink.disconnect() aborts the signal with ClientDisconnected and drops later calls', (t) => {
  const sink = new MemorySink();
  sink.start(head());
  sink.disconnect();
  t.true(sink.signal.aborted);
  t.true(sink.signal.reason instanceof ClientDisconnected);
  t.is(sink.write(Buffer.from('lost')), undefined);
  sink.end();
  t.is(sink.bytesWritten, 0);
  t.false(sink.ended);
});

test('sink.disconnected and sink.signal agree, whether the signal was asked for before or after disconnect()', (t) => {
  const early = new MemorySink();
  const signal = early.signal;
  t.false(early.disconnected);
  t.false(signal.aborted);
  early.disconnect();
  t.true(early.disconnected);
  t.true(signal.aborted);
  t.is(early.signal, signal);

  const late = new MemorySink();
  late.disconnect();
  late.disconnect();
  t.true(late.disconnected);
  t.true(late.signal.aborted);
  t.true(late.signal.reason instanceof ClientDisconnected);
  t.is((late.signal.reason as Error).message, 'The client disconnected.');
});

test('new MemorySink({ keepChunks: false }) counts bytes without keeping them', (t) => {
  const sink = new MemorySink({ keepChunks: false });
  sink.start(head());
  sink.write(Buffer.alloc(10));
  t.is(sink.bytesWritten, 10);
  t.deepEqual(sink.chunks, []);
});

test('new MemorySink({ writeDelayMs }) makes each write wait', async (t) => {
  const sink = new MemorySink({ writeDelayMs: 20 });
  sink.start(head());
  const started = Date.now();
  const pending = sink.write(Buffer.from('a'));
  t.true(pending instanceof Promise);
  await pending;
  t.true(Date.now() - started >= 15);
});

test('new MemorySink({ highWaterMark }) asks to wait once that many bytes are unread', async (t) => {
  const sink = new MemorySink({ highWaterMark: 4 });
  sink.start(head());
  t.is(sink.write(Buffer.from('abc')), undefined);
  const full = sink.write(Buffer.from('d'));
  t.true(full instanceof Promise);
  await full;
  t.is(sink.write(Buffer.from('e')), undefined);
});

test('new MemorySink({ highWaterMark, writeDelayMs }) waits for both', async (t) => {
  const sink = new MemorySink({ highWaterMark: 1, writeDelayMs: 1 });
  sink.start(head());
  await sink.write(Buffer.from('ab'));
  t.is(sink.bytesWritten, 2);
});

const badOptions: Array<[label: string, options: object, message: string]> = [
  ['a negative delay', { writeDelayMs: -1 }, 'MemorySink writeDelayMs must be a number >= 0; got -1.'],
  ['a zero high-water mark', { highWaterMark: 0 }, 'MemorySink highWaterMark must be a positive integer; got 0.'],
  ['a fractional high-water mark', { highWaterMark: 1.5 }, 'MemorySink highWaterMark must be a positive integer; got 1.5.'],
];

for (const [label, options, message] of badOptions) {
  test(`new MemorySink(options) rejects ${label}`, (t) => {
    t.throws(() => new MemorySink(options), { instanceOf: RangeError, message });
  });
}
