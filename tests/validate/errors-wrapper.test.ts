import test from 'ava';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { ProtocolError } from '../../lib/protocol/errors.js';
import { ErrorsWrapper } from '../../lib/validate/errors-wrapper.js';

function streams(): { memory: MemoryErrorStream; errors: ErrorsWrapper } {
  const memory = new MemoryErrorStream();
  return { memory, errors: new ErrorsWrapper(memory) };
}

test('tsgi.errors.write(text) passes the text through', (t) => {
  const { memory, errors } = streams();
  errors.write('one\n');
  errors.writelines(['two\n', 'three\n']);
  errors.writelines(new Set(['four\n']));
  errors.flush();
  t.is(memory.text, 'one\ntwo\nthree\nfour\n');
});

test('tsgi.errors.flush() reaches the server stream', (t) => {
  let flushed = 0;
  const errors = new ErrorsWrapper({ write() {}, writelines() {}, flush: () => void flushed++ });
  errors.flush();
  t.is(flushed, 1);
});

const bad: Array<[label: string, call: (errors: ErrorsWrapper) => void, message: string]> = [
  [
    'write() of bytes',
    (errors) => errors.write(Buffer.from('x') as unknown as string),
    'validate: tsgi.errors.write() takes one string; got a Buffer. Decode bytes first: Buffer.from(bytes).toString(). (SPEC.md §10.2)',
  ],
  [
    'write() of two strings',
    (errors) => (errors.write as (...args: unknown[]) => void)('a', 'b'),
    'validate: tsgi.errors.write() takes one string; got 2 arguments. (SPEC.md §10.2)',
  ],
  [
    'writelines() of a string',
    (errors) => errors.writelines('abc'),
    "validate: tsgi.errors.writelines() takes an iterable of strings; got 'abc'. (SPEC.md §10.2)",
  ],
  [
    'writelines() with a number',
    (errors) => errors.writelines(['a', 1]),
    'validate: tsgi.errors.writelines() items must be strings; item 1 is 1. (SPEC.md §10.2)',
  ],
  [
    'close()',
    (errors) => errors.close(),
    'validate: tsgi.errors.close() must not be called: the stream is shared by every request. Call flush() instead. (SPEC.md §10.3)',
  ],
];

for (const [label, call, message] of bad) {
  test(`tsgi.errors rejects ${label}`, (t) => {
    const { memory, errors } = streams();
    t.throws(() => call(errors), { instanceOf: ProtocolError, message });
    t.is(memory.text, '');
  });
}
