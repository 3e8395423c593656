/**
 * Parses a length field such as `Content-Length` (RFC 9110 §8.6: `1*DIGIT`).
 * Runs on every response and on every request with a body, so the common
 * short value is read digit by digit: cheaper than a regex test plus
 * `Number()`. Fifteen digits always fit in a safe integer; longer values go
 * the slow way.
 */

const DIGITS = /^\d+$/;

/** The value of `text` when it is ASCII digits only and a safe integer; otherwise -1. */
export function parseDecimal(text: string): number {
  const length = text.length;
  if (length === 0) return -1;
  if (length > 15) {
    const value = Number(text);
    return DIGITS.test(text) && Number.isSafeInteger(value) ? value : -1;
  }
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
