import test from 'ava';
import { ProtocolError } from '../../lib/protocol/errors.js';
import { createInputStream } from '../../lib/protocol/input-stream.js';
import type { InputStream } from '../../lib/protocol/types.js';
import { InputWrapper } from '../../lib/validate/input-wrapper.js';

function input(body: string, contentLength: string | undefined = String(Buffer.byteLength(body))): InputWrapper {
  return new InputWrapper(createInputStream(Buffer.from(body)), contentLength);
}

/** A server-side input stream that misbehaves in one method. */
function serverInput(overrides: Partial<Record<keyof InputStream, unknown>>): InputStream {
  return Object.assign(createInputStream(Buffer.from('line one\nline two\n')), overrides) as InputStream;
}

test('tsgi.input.read() passes the bytes through, with and without a size', async (t) => {
  const stream = input('hello world');
  t.is(Buffer.from(await stream.read(5)).toString(), 'hello');
  t.is(Buffer.from(await stream.read()).toString(), ' world');
  t.is((await stream.read()).length, 0);
});

test('tsgi.input.read(-1) reads the rest', async (t) => {
  t.is(Buffer.from(await input('abc').read(-1)).toString(), 'abc');
});

test('tsgi.input.readline() and readlines() pass the lines through', async (t) => {
  const stream = input('a\nbb\nccc');
  t.is(Buffer.from(await stream.readline()).toString(), 'a\n');
  t.is(Buffer.from(await stream.readline(1)).toString(), 'b');
  t.deepEqual((await stream.readlines()).map((line) => Buffer.from(line).toString()), ['b\n', 'ccc']);
});

test('tsgi.input.readlines(hint) passes the hint on', async (t) => {
  const lines = await input('a\nb\nc\n').readlines(1);
  t.deepEqual(lines.map((line) => Buffer.from(line).toString()), ['a\n']);
});

test('for await over tsgi.input yields the lines', async (t) => {
  const lines: string[] = [];
  for await (const line of input('x\ny\n')) lines.push(Buffer.from(line).toString());
  t.deepEqual(lines, ['x\n', 'y\n']);
});

test('tsgi.input.close() is refused (§9.9)', (t) => {
  t.throws(() => input('').close(), {
    instanceOf: ProtocolError,
    message: 'validate: tsgi.input.close() must not be called: the server owns the request body. Stop reading instead. (SPEC.md §9.9)',
  });
});

const badCalls: Array<[label: string, call: (stream: InputWrapper) => Promise<unknown>, message: string]> = [
  [
    'read() with a string size',
    (stream) => stream.read('10' as unknown as number),
    "validate: tsgi.input.read() argument must be an integer; got '10'. Omit it to read everything. (SPEC.md §9.8)",
  ],
  [
    'read() with a fractional size',
    (stream) => stream.read(1.5),
    'validate: tsgi.input.read() argument must be an integer; got 1.5. Omit it to read everything. (SPEC.md §9.8)',
  ],
  [
    'read() with two arguments',
    (stream) => (stream.read as (...args: unknown[]) => Promise<Uint8Array>)(1, 2),
    'validate: tsgi.input.read() takes at most one argument; got 2. (SPEC.md §9.8)',
  ],
  [
    'readline() with a string size',
    (stream) => stream.readline('1' as unknown as number),
    "validate: tsgi.input.readline() argument must be an integer; got '1'. Omit it to read everything. (SPEC.md §9.8)",
  ],
  [
    'readlines() with a NaN hint',
    (stream) => stream.readlines(NaN),
    'validate: tsgi.input.readlines() argument must be an integer; got NaN. Omit it to read everything. (SPEC.md §9.8)',
  ],
];

for (const [label, call, message] of badCalls) {
  test(`tsgi.input rejects ${label} (§9.8)`, async (t) => {
    await t.throwsAsync(call(input('abc')), { instanceOf: ProtocolError, message });
  });
}

const badServers: Array<[label: string, overrides: Partial<Record<keyof InputStream, unknown>>, call: (stream: InputWrapper) => Promise<unknown>, message: string]> = [
  [
    'a read() that returns bytes instead of a Promise',
    { read: () => Buffer.from('x') },
    (stream) => stream.read(),
    "validate: the server's tsgi.input.read() returned a Buffer; it must return a Promise. (SPEC.md §9.8)",
  ],
  [
    'a read() that resolves to a string',
    { read: async () => 'text' },
    (stream) => stream.read(),
    "validate: the server's tsgi.input.read() resolved to 'text'; it must resolve to a Uint8Array. (SPEC.md §9.8)",
  ],
  [
    'a readlines() that resolves to strings',
    { readlines: async () => ['a\n'] },
    (stream) => stream.readlines(),
    "validate: the server's tsgi.input.readlines() resolved to an array of length 1; it must resolve to an array of Uint8Array. (SPEC.md §9.8)",
  ],
  [
    'a line iterator that yields strings',
    { [Symbol.asyncIterator]: async function* () { yield 'a\n'; } },
    async (stream) => {
      for await (const _line of stream);
    },
    "validate: the server's tsgi.input yielded 'a\\n' from for await; every line must be a Uint8Array. (SPEC.md §9.8)",
  ],
  [
    'a read(size) that resolves to more than size',
    { read: async () => Buffer.from('toolong') },
    (stream) => stream.read(3),
    "validate: the server's tsgi.input.read(3) resolved to 7 bytes, more than the 3 asked for. (SPEC.md §9.11)",
  ],
  [
    'a readline() that resolves to two lines',
    { readline: async () => Buffer.from('a\nb\n') },
    (stream) => stream.readline(),
    "validate: the server's tsgi.input.readline() resolved to 4 bytes with a '\\n' at index 1; a line ends at its first '\\n'. (SPEC.md §9.2)",
  ],
];

for (const [label, overrides, call, message] of badServers) {
  test(`tsgi.input rejects ${label}`, async (t) => {
    await t.throwsAsync(call(new InputWrapper(serverInput(overrides), undefined)), { instanceOf: ProtocolError, message });
  });
}

test('tsgi.input rejects a server that delivers more than CONTENT_LENGTH (§9.11)', async (t) => {
  const stream = new InputWrapper(createInputStream(Buffer.from('abcdef')), '4');
  t.is((await stream.read(3)).length, 3);
  await t.throwsAsync(stream.read(3), {
    instanceOf: ProtocolError,
    message: "validate: the server's tsgi.input delivered 6 bytes, more than CONTENT_LENGTH 4; the stream must end there. (SPEC.md §9.11)",
  });
});

test('tsgi.input has no limit without CONTENT_LENGTH (a chunked request)', async (t) => {
  t.is((await new InputWrapper(createInputStream(Buffer.from('abcdef')), undefined).read()).length, 6);
});
