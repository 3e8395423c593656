/**
 * The `Date` response header (RFC 9110 §6.6.1: an origin server with a clock
 * MUST send it). Formatting a date on every request is measurable on the
 * hello-world path, so the current value is kept until the second ends, as
 * node:http does for its own Date header.
 */

let current: string | undefined;

function expire(): void {
  current = undefined;
}

/**
 * `now` (milliseconds since the epoch; default: the current time) as an
 * IMF-fixdate (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
 */
export function httpDate(now?: number): string {
  // toUTCString() produces exactly the IMF-fixdate layout (ECMA-262 §21.4.4.43).
  if (now !== undefined) return new Date(now).toUTCString();
  if (current === undefined) {
    const time = Date.now();
    current = new Date(time).toUTCString();
    // Unref'd: a cached date must not keep the process alive.
    setTimeout(expire, 1000 - (time % 1000)).unref();
  }
  return current;
}
