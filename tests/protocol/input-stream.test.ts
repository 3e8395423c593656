import test from 'ava';
import { ClientDisconnected } from '../../lib/protocol/errors.js';
import { createInputStream } from '../../lib/protocol/input-stream.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

/** An async source that records how many chunks were pulled. */
function recordingSource(chunks: string[]): { source: AsyncIterable<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  return {
    source: {
      async *[Symbol.asyncIterator]() {
        for (const chunk of chunks) {
          pulled++;
          yield bytes(chunk);
        }
      },
    },
    pulled: () => pulled,
  };
}

async function* failingAfter(chunks: string[], error: Error): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield bytes(chunk);
  throw error;
}

// createInputStream(source, options)

test('createInputStream(null) reads as empty, repeatedly', async (t) => {
  const input = createInputStream(null);
  t.is((await input.read()).length, 0);
  t.is((await input.read(10)).length, 0);
  t.is((await input.readline()).length, 0);
  t.deepEqual(await input.readlines(), []);
});

test('createInputStream(Uint8Array) serves a whole body', async (t) => {
  const input = createInputStream(bytes('hello'));
  t.is(text(await input.read(2)), 'he');
  t.is(text(await input.read()), 'llo');
  t.is(text(await input.read()), '');
});

test('createInputStream(Iterable) accepts a sync iterable of chunks', async (t) => {
  const input = createInputStream([bytes('ab'), bytes(''), bytes('cd')]);
  t.is(text(await input.read()), 'abcd');
});

test('createInputStream() rejects a bad contentLength at once', (t) => {
  for (const [label, value] of [
    ['negative', -1],
    ['fraction', 1.5],
    ['NaN', Number.NaN],
  ] as const) {
    t.throws(() => createInputStream(null, { contentLength: value }), {
      instanceOf: TypeError,
      message: `createInputStream() contentLength must be a non-negative integer; got ${value}. Omit it to read to the end of the source.`,
    }, label);
  }
});

test('createInputStream() calls onFirstRead once, just before the first pull', async (t) => {
  let calls = 0;
  const { source, pulled } = recordingSource(['ab', 'cd']);
  const input = createInputStream(source, {
    onFirstRead: () => {
      t.is(pulled(), 0);
      calls++;
    },
  });
  t.is(calls, 0);
  await input.read(0);
  t.is(calls, 0, 'read(0) needs no data');
  await input.read(1);
  await input.read();
  t.is(calls, 1);
});

test('createInputStream() never calls onFirstRead when contentLength is 0', async (t) => {
  let calls = 0;
  const input = createInputStream([bytes('next request')], { contentLength: 0, onFirstRead: () => calls++ });
  t.is((await input.read()).length, 0);
  t.is(calls, 0);
});

// contentLength

test('contentLength cuts the source and simulates EOF there', async (t) => {
  const { source, pulled } = recordingSource(['abc', 'defGET / HTTP/1.1', 'never']);
  const input = createInputStream(source, { contentLength: 6 });
  t.is(text(await input.read()), 'abcdef');
  t.is(text(await input.read()), '');
  t.is(pulled(), 2, 'does not pull past contentLength');
});

test('contentLength stops readline at the body end', async (t) => {
  const input = createInputStream([bytes('line one\nline'), bytes(' two more')], { contentLength: 13 });
  t.deepEqual((await input.readlines()).map(text), ['line one\n', 'line']);
});

// read(size)

test('read(size) returns at most size bytes, pulling only what it needs', async (t) => {
  const { source, pulled } = recordingSource(['abcd', 'efgh', 'ijkl']);
  const input = createInputStream(source);
  t.is(text(await input.read(2)), 'ab');
  t.is(pulled(), 1);
  t.is(text(await input.read(2)), 'cd');
  t.is(pulled(), 1);
  t.is(text(await input.read(6)), 'efghij');
  t.is(pulled(), 3);
  t.is(text(await input.read(100)), 'kl');
  t.is(text(await input.read(100)), '');
});

test('read(size) joins chunks across boundaries', async (t) => {
  const input = createInputStream(['a', 'bc', 'def', 'g'].map(bytes));
  t.is(text(await input.read(1)), 'a');
  t.is(text(await input.read(5)), 'bcdef');
  t.is(text(await input.read(5)), 'g');
});

test('read() and read(-1) return the rest', async (t) => {
  const input = createInputStream(['ab', 'cd', 'ef'].map(bytes));
  t.is(text(await input.read(1)), 'a');
  t.is(text(await input.read(-1)), 'bcdef');
  const again = createInputStream(['ab', 'cd'].map(bytes));
  t.is(text(await again.read()), 'abcd');
});

test('read(0) returns an empty chunk without reading', async (t) => {
  const { source, pulled } = recordingSource(['ab']);
  const input = createInputStream(source);
  t.is((await input.read(0)).length, 0);
  t.is(pulled(), 0);
});

test('read(size) rejects a size that is not an integer', async (t) => {
  const input = createInputStream(bytes('abc'));
  const cases: Array<[string, unknown, string]> = [
    ['fraction', 1.5, '1.5'],
    ['string', '3', "'3'"],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
  ];
  for (const [label, size, shown] of cases) {
    await t.throwsAsync(input.read(size as number), {
      instanceOf: TypeError,
      message: `tsgi.input.read() size must be an integer; got ${shown}. Omit it (or pass -1) to read everything.`,
    }, label);
  }
  t.is(text(await input.read()), 'abc', 'a bad size consumes nothing');
});

test('read(size) keeps memory bounded on a 1 GiB upload', async (t) => {
  const total = 1024 * 1024 * 1024;
  let sent = 0;
  let received = 0;
  let lead = 0;
  async function* upload(): AsyncGenerator<Uint8Array> {
    while (sent < total) {
      sent += 65536;
      lead = Math.max(lead, sent - received);
      yield Buffer.allocUnsafe(65536);
    }
  }
  const input = createInputStream(upload(), { contentLength: total });
  const before = process.memoryUsage().rss;
  for (;;) {
    const block = await input.read(65536);
    if (block.length === 0) break;
    received += block.length;
  }
  t.is(received, total);
  t.true(lead <= 65536, `pulled ${lead} bytes ahead of the reader`);
  const grown = process.memoryUsage().rss - before;
  t.true(grown < 256 * 1024 * 1024, `rss grew by ${grown} bytes`);
});

// readline(size)

test('readline() returns one line with its newline, then the last partial line', async (t) => {
  const input = createInputStream(['first\nsec', 'ond\n', 'third'].map(bytes));
  t.is(text(await input.readline()), 'first\n');
  t.is(text(await input.readline()), 'second\n');
  t.is(text(await input.readline()), 'third');
  t.is(text(await input.readline()), '');
});

test('readline(size) stops at size bytes or the newline, whichever is first', async (t) => {
  const input = createInputStream(['abcdef\n', 'gh\nij'].map(bytes));
  t.is(text(await input.readline(4)), 'abcd');
  t.is(text(await input.readline(4)), 'ef\n');
  t.is(text(await input.readline(3)), 'gh\n');
  t.is(text(await input.readline(0)), '');
  t.is(text(await input.readline(-1)), 'ij');
});

test('readline(size) stops at size when the newline lies just beyond it', async (t) => {
  const input = createInputStream(['ab', 'c\n'].map(bytes));
  t.is(text(await input.readline(3)), 'abc');
  t.is(text(await input.readline()), '\n');
});

test('readline() finds a newline in a later chunk', async (t) => {
  const input = createInputStream(['a', 'b', 'c', '\nd'].map(bytes));
  t.is(text(await input.readline()), 'abc\n');
  t.is(text(await input.readline()), 'd');
});

test('readline(size) rejects a bad size', async (t) => {
  await t.throwsAsync(createInputStream(null).readline(2.5), {
    instanceOf: TypeError,
    message: 'tsgi.input.readline() size must be an integer; got 2.5. Omit it (or pass -1) to read everything.',
  });
});

// readlines(hint)

test('readlines() returns every remaining line', async (t) => {
  const input = createInputStream(bytes('a\nb\n\nc'));
  t.deepEqual((await input.readlines()).map(text), ['a\n', 'b\n', '\n', 'c']);
  t.deepEqual(await input.readlines(), []);
});

test('readlines(hint) stops once at least hint bytes were read', async (t) => {
  const input = createInputStream(bytes('aa\nbb\ncc\ndd\n'));
  t.deepEqual((await input.readlines(4)).map(text), ['aa\n', 'bb\n']);
  t.deepEqual((await input.readlines(0)).map(text), ['cc\n', 'dd\n'], 'a hint of 0 means no hint');
});

test('readlines(hint) rejects a bad hint', async (t) => {
  await t.throwsAsync(createInputStream(null).readlines(0.5), {
    instanceOf: TypeError,
    message: 'tsgi.input.readlines() size must be an integer; got 0.5. Omit it (or pass -1) to read everything.',
  });
});

// for await (const line of input)

test('for await yields lines like a Python file', async (t) => {
  const input = createInputStream(['one\ntw', 'o\nthree'].map(bytes));
  const lines: string[] = [];
  for await (const line of input) lines.push(text(line));
  t.deepEqual(lines, ['one\n', 'two\n', 'three']);
});

test('the stream describes itself', (t) => {
  t.is(Object.prototype.toString.call(createInputStream(null)), '[object InputStream]');
});

// client disconnects

test('a source that ends before contentLength rejects with ClientDisconnected', async (t) => {
  const input = createInputStream(['0123456789'].map(bytes), { contentLength: 100 });
  t.is(text(await input.read(4)), '0123');
  const error = await t.throwsAsync(input.read(), {
    instanceOf: ClientDisconnected,
    message: 'The client disconnected after sending 10 of 100 request body bytes.',
  });
  t.is(error?.cause, undefined);
  await t.throwsAsync(input.read(1), { is: error }, 'later reads reject too');
  await t.throwsAsync(input.readline(), { is: error });
});

test('a source that throws rejects with ClientDisconnected, keeping the cause', async (t) => {
  const reset = new Error('read ECONNRESET');
  const input = createInputStream(failingAfter(['abc'], reset));
  t.is(text(await input.read(3)), 'abc');
  const error = await t.throwsAsync(input.read(1), {
    instanceOf: ClientDisconnected,
    message: 'The client disconnected after sending 3 request body bytes.',
  });
  t.is(error?.cause, reset);
});

test('a null source with a contentLength rejects at the first read', async (t) => {
  await t.throwsAsync(createInputStream(null, { contentLength: 5 }).read(), {
    instanceOf: ClientDisconnected,
    message: 'The client disconnected after sending 0 of 5 request body bytes.',
  });
});

test('a source yielding a string is a TypeError', async (t) => {
  const input = createInputStream(['text' as unknown as Uint8Array]);
  await t.throwsAsync(input.read(), {
    instanceOf: TypeError,
    message: "tsgi.input source must yield Uint8Array chunks; got 'text'. Encode text with Buffer.from() before passing it.",
  });
  const objects = createInputStream([{} as Uint8Array, null as unknown as Uint8Array]);
  await t.throwsAsync(objects.read(), { message: /got an object\./ });
  await t.throwsAsync(objects.read(), { message: /got null\./ });
});

// concurrency

test('concurrent reads are served in call order, never interleaved', async (t) => {
  const gates: Array<() => void> = [];
  async function* slow(): AsyncGenerator<Uint8Array> {
    for (const chunk of ['ab', 'cd', 'ef\n', 'gh']) {
      await new Promise<void>((resolve) => gates.push(resolve));
      yield bytes(chunk);
    }
  }
  const input = createInputStream(slow());
  const first = input.read(3);
  const second = input.readline();
  const third = input.read();
  const opener = setInterval(() => gates.shift()?.(), 1);
  try {
    t.deepEqual([text(await first), text(await second), text(await third)], ['abc', 'def\n', 'gh']);
  } finally {
    clearInterval(opener);
  }
});

test('a rejected read does not block the next one', async (t) => {
  const input = createInputStream(bytes('abc'));
  const bad = input.read(0.5);
  const good = input.read(2);
  await t.throwsAsync(bad, { instanceOf: TypeError });
  t.is(text(await good), 'ab');
});

test('readlines() is one operation: a concurrent read waits for all its lines', async (t) => {
  async function* slow(): AsyncGenerator<Uint8Array> {
    for (const chunk of ['a\n', 'b\n', 'c\n']) {
      await new Promise((resolve) => setImmediate(resolve));
      yield bytes(chunk);
    }
  }
  const input = createInputStream(slow());
  const lines = input.readlines();
  const rest = input.read();
  t.deepEqual((await lines).map(text), ['a\n', 'b\n', 'c\n']);
  t.is(text(await rest), '');
});
