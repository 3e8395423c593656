/**
 * The `Date` response header (RFC 9110 §6.6.1: an origin server with a clock
 * MUST send it). Formatting a date on every request is measurable on the
 * hello-world path, so the value is cached for the second it describes.
 */

let cachedSecond = -1;
let cachedValue = '';

/**
 * `now` (milliseconds since the epoch) as an IMF-fixdate
 * (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
 */
export function httpDate(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    // toUTCString() produces exactly the IMF-fixdate layout (ECMA-262 §21.4.4.43).
    cachedValue = new Date(second * 1000).toUTCString();
    cachedSecond = second;
  }
  return cachedValue;
}
