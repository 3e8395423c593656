/**
 * A body with one more thing to do when it is closed, for the middleware
 * that change the environ for their application and put it back afterwards
 * (urlMap, proxyFix; SPEC §12.8). The chunks pass through one for one, and
 * `yield*` forwards `return()` when the server stops early (SPEC §12.2).
 */
import type { Body } from '../../lib/protocol/types.js';

/**
 * The same chunks; `close()` calls the body's own `close()` once, then
 * `after()` (even when that close throws). An array stays an array, so the
 * gateway can still compute its Content-Length (SPEC §8.8).
 */
export function closingWith(body: Body, after: () => void): Body {
  let closed = false;
  const close = (): unknown => {
    if (closed) return undefined;
    closed = true;
    try {
      return body.close?.();
    } finally {
      after();
    }
  };
  if (Array.isArray(body)) return Object.assign([...(body as Uint8Array[])], { close });
  // Not a body: leave it for the validator or the gateway to report.
  if (body === null || typeof body !== 'object') return body;
  if (Symbol.asyncIterator in body) {
    return Object.assign(
      (async function* () {
        yield* body as AsyncIterable<Uint8Array>;
      })(),
      { close },
    );
  }
  return Object.assign(
    (function* () {
      yield* body as Iterable<Uint8Array>;
    })(),
    { close },
  );
}
