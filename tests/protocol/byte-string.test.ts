import test from 'ava';
import {
  byteStringToUtf8,
  fromByteString,
  isByteString,
  toByteString,
  utf8ToByteString,
} from '../../lib/protocol/byte-string.js';

// isByteString(value)

test('isByteString() accepts strings of code units 0–255', (t) => {
  t.true(isByteString(''));
  t.true(isByteString('plain ascii'));
  t.true(isByteString('\x00\x7f\x80\xff'));
});

test('isByteString() rejects wider characters and non-strings', (t) => {
  t.false(isByteString('\u0100'));
  t.false(isByteString('café ☕'));
  t.false(isByteString(Buffer.from('x')));
  t.false(isByteString(undefined));
});

// toByteString(bytes) / fromByteString(s)

test('toByteString() maps each byte to one code unit', (t) => {
  t.is(toByteString(new Uint8Array([0x2f, 0xe4, 0x00, 0xff])), '/\xe4\x00\xff');
});

test('toByteString() respects a view into a larger buffer', (t) => {
  const whole = Buffer.from('abcdef');
  t.is(toByteString(whole.subarray(2, 4)), 'cd');
  t.is(toByteString(new Uint8Array(whole.buffer, whole.byteOffset + 1, 2)), 'bc');
});

test('fromByteString() round-trips every byte', (t) => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  t.deepEqual(fromByteString(toByteString(all)), all);
});

test('fromByteString() names a character that is not a byte', (t) => {
  t.throws(() => fromByteString('/caf\u00e9/\u2615'), {
    instanceOf: TypeError,
    message: "fromByteString() got '☕' (U+2615) at index 6, which is not a byte (0–255). Encode text with utf8ToByteString() first.",
  });
});

test('fromByteString() rejects a non-string', (t) => {
  t.throws(() => fromByteString(42 as unknown as string), {
    instanceOf: TypeError,
    message: 'fromByteString() expects a string; got 42.',
  });
});

// utf8ToByteString(text) / byteStringToUtf8(s)

test('utf8ToByteString() gives the UTF-8 bytes as a byte string', (t) => {
  t.is(utf8ToByteString('/café'), '/caf\xc3\xa9');
  t.is(utf8ToByteString('☕'), '\xe2\x98\x95');
});

test('byteStringToUtf8() decodes UTF-8 bytes back to text', (t) => {
  t.is(byteStringToUtf8('/caf\xc3\xa9'), '/café');
  t.is(byteStringToUtf8('\xff'), '\ufffd', 'invalid UTF-8 becomes U+FFFD');
});
