import test from 'ava';
import { createErrorStream, MemoryErrorStream } from '../../lib/protocol/error-stream.js';

// createErrorStream(target)

test('createErrorStream(target) writes text to the target', (t) => {
  const written: string[] = [];
  const errors = createErrorStream({ write: (text: string) => written.push(text) });
  errors.write('one\n');
  errors.writelines(['two\n', 'three\n']);
  errors.flush();
  t.deepEqual(written, ['one\n', 'two\n', 'three\n']);
});

test('createErrorStream(target) swallows a target that throws', (t) => {
  const errors = createErrorStream({
    write() {
      throw new Error('EPIPE');
    },
    flush() {
      throw new Error('EPIPE');
    },
  });
  t.notThrows(() => errors.write('lost\n'));
  t.notThrows(() => errors.writelines(['lost\n']));
  t.notThrows(() => errors.flush());
});

test('createErrorStream(target) swallows a target whose write() rejects', async (t) => {
  const errors = createErrorStream({ write: async () => Promise.reject(new Error('disk full')) });
  t.notThrows(() => errors.write('lost\n'));
  // An unhandled rejection would fail this test run.
  await new Promise((resolve) => setImmediate(resolve));
  t.pass();
});

test('createErrorStream(target) calls the target flush() when it has one', (t) => {
  let flushed = 0;
  const errors = createErrorStream({ write: () => true, flush: () => flushed++ });
  errors.flush();
  t.is(flushed, 1);
});

test('createErrorStream(process.stderr) type-checks and has no-op flush', (t) => {
  const errors = createErrorStream(process.stderr);
  t.notThrows(() => errors.flush());
  t.is(Object.prototype.toString.call(errors), '[object ErrorStream]');
});

test('createErrorStream() rejects a target without write()', (t) => {
  t.throws(() => createErrorStream({} as never), {
    instanceOf: TypeError,
    message: 'createErrorStream() target must have a write(text) method; got an object. Pass process.stderr or a stream.',
  });
  t.throws(() => createErrorStream(null as never), {
    message: 'createErrorStream() target must have a write(text) method; got null. Pass process.stderr or a stream.',
  });
});

test('errors.write() rejects a non-string: the caller broke the contract', (t) => {
  const errors = createErrorStream({ write: () => true });
  t.throws(() => errors.write(Buffer.from('x') as never), {
    instanceOf: TypeError,
    message: 'tsgi.errors.write() expects a string; got a Buffer. Convert it with String() or decode bytes first.',
  });
});

// new MemoryErrorStream()

test('MemoryErrorStream collects what was written in .text', (t) => {
  const errors = new MemoryErrorStream();
  t.is(errors.text, '');
  errors.write('a\n');
  errors.writelines(['b\n', 'c\n']);
  errors.flush();
  t.is(errors.text, 'a\nb\nc\n');
  errors.write('d');
  t.is(errors.text, 'a\nb\nc\nd');
  t.is(String(errors), 'a\nb\nc\nd');
});

test('MemoryErrorStream.clear() forgets the text', (t) => {
  const errors = new MemoryErrorStream();
  errors.write('gone');
  errors.clear();
  t.is(errors.text, '');
  t.is(Object.prototype.toString.call(errors), '[object MemoryErrorStream]');
});

test('MemoryErrorStream.write() rejects a non-string', (t) => {
  t.throws(() => new MemoryErrorStream().write(null as never), {
    instanceOf: TypeError,
    message: 'tsgi.errors.write() expects a string; got null. Convert it with String() or decode bytes first.',
  });
});
