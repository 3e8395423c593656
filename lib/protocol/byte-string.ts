/**
 * Byte strings: JS strings whose code units are all 0–255, one per byte
 * (latin-1). The environ holds CGI values this way so that any bytes on the
 * wire survive unchanged, as PEP 3333's "native strings" do in Python 3.
 *
 * Text is a different thing: a UTF-8 path arrives as several byte-string
 * code units per character, and `byteStringToUtf8()` turns it into text.
 */
import { Buffer } from 'node:buffer';
import { describeValue } from './describe-value.js';
import type { ByteString } from './types.js';

// Any code unit above 0xFF cannot be one byte.
const NOT_A_BYTE = /[^\x00-\xFF]/;

/** True when `value` is a string and every code unit fits in a byte. */
export function isByteString(value: unknown): value is ByteString {
  return typeof value === 'string' && !NOT_A_BYTE.test(value);
}

/** The byte string holding exactly these bytes. */
export function toByteString(bytes: Uint8Array): ByteString {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * The bytes a byte string stands for. Throws a TypeError naming the first
 * character that is not a byte, because Buffer's own latin-1 encoder would
 * silently keep only its low 8 bits.
 */
export function fromByteString(value: ByteString): Buffer {
  if (typeof value !== 'string') {
    throw new TypeError(`fromByteString() expects a string; got ${describeValue(value)}.`);
  }
  const bad = NOT_A_BYTE.exec(value);
  if (bad) {
    const char = bad[0];
    const code = char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new TypeError(
      `fromByteString() got ${describeValue(char)} (U+${code}) at index ${bad.index}, which is not a byte (0–255). ` +
        `Encode text with utf8ToByteString() first.`,
    );
  }
  return Buffer.from(value, 'latin1');
}

/** Text as the byte string of its UTF-8 bytes (what a server puts in the environ). */
export function utf8ToByteString(text: string): ByteString {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte string's bytes decoded as UTF-8; invalid sequences become U+FFFD. */
export function byteStringToUtf8(value: ByteString): string {
  return fromByteString(value).toString('utf8');
}
