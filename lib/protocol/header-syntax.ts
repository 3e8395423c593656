/**
 * What a header name and value may contain. A name is an RFC 9110 token
 * (§5.1, §5.6.2); a value is a byte string without control characters other
 * than HTAB (§5.5), because CR or LF in a value would let it forge headers
 * (response splitting) and the other controls are rejected by clients.
 */
import { describeValue } from './describe-value.js';
import { ProtocolError } from './errors.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NOT_TOKEN_CHAR = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const BAD_VALUE_CHAR = /[\x00-\x08\x0A-\x1F\x7F]|[^\x00-\xFF]/;

/** True when `name` is a non-empty RFC 9110 token. */
export function isToken(name: string): boolean {
  return TOKEN.test(name);
}

function describeChar(char: string): string {
  const code = `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return char < ' ' || char === '\x7F' ? `the control character ${code}` : `${describeValue(char)} (${code})`;
}

/** Throws unless `name` can be sent as a header name. */
export function checkHeaderName(name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new TypeError(`Header name must be a string; got ${describeValue(name)}.`);
  }
  if (TOKEN.test(name)) return;
  if (name === '') throw new ProtocolError('Header name is empty. Give every header a name.');
  const bad = NOT_TOKEN_CHAR.exec(name)!;
  throw new ProtocolError(
    `Header name ${describeValue(name)} contains ${describeChar(bad[0])} at index ${bad.index}, which an RFC 9110 token does not allow. ` +
      "Use only letters, digits and !#$%&'*+-.^_`|~.",
  );
}

/**
 * True when `value` has no character BAD_VALUE_CHAR matches. A plain loop is
 * several times cheaper than the regex for the short values responses carry
 * (checked on every startResponse); the regex only runs to describe a bad one.
 */
function isCleanValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // Printable Latin-1 (0x20–0x7E, 0x80–0xFF) and HTAB are allowed.
    if (code < 0x20 ? code !== 0x09 : code === 0x7f || code > 0xff) return false;
  }
  return true;
}

/** Throws unless `value` can be sent as the value of header `name`. */
export function checkHeaderValue(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`Header ${describeValue(name)} value must be a string; got ${describeValue(value)}. Convert it with String().`);
  }
  if (isCleanValue(value)) return;
  const bad = BAD_VALUE_CHAR.exec(value)!;
  const char = bad[0];
  const advice =
    char.charCodeAt(0) > 0xff
      ? 'which is not a byte (0–255). Encode text with utf8ToByteString() or RFC 8187.'
      : 'Remove CR, LF and other control characters (HTAB is allowed).';
  throw new ProtocolError(
    `Header ${describeValue(name)} value ${describeValue(value)} contains ${describeChar(char)} at index ${bad.index}${char.charCodeAt(0) > 0xff ? ', ' : '. '}${advice}`,
  );
}
