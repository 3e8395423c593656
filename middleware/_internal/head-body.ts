/**
 * Small body helpers shared by head, contentLength, etag, conditionalGet,
 * compress and staticFiles (named after `head` only because helper files
 * are named after their middleware).
 */
import type { Body, Environ } from '../../lib/protocol/types.js';

/** A request header from the environ (`HTTP_*` key), `undefined` when absent. */
export function requestHeader(environ: Environ, key: string): string | undefined {
  const value = environ[key];
  return typeof value === 'string' ? value : undefined;
}

/** 1xx, 204 and 304 responses have no content (RFC 9110 §6.4.1, SPEC §8.9). */
export function hasNoContent(code: number): boolean {
  return code < 200 || code === 204 || code === 304;
}

/** The total length of an array body's chunks, or `undefined` when one is not a Uint8Array. */
export function arrayByteLength(body: readonly unknown[]): number | undefined {
  let total = 0;
  for (const chunk of body) {
    if (!(chunk instanceof Uint8Array)) return undefined;
    total += chunk.length;
  }
  return total;
}

/**
 * `chunks` with a `close()` that closes `inner` once (SPEC §12.2): the body a
 * middleware returns in place of its application's.
 */
export function closingBody<T extends object>(chunks: T, inner: Body): T & { close(): unknown } {
  let closed = false;
  const close = (): unknown => {
    if (closed) return undefined;
    closed = true;
    return inner.close?.();
  };
  // Not enumerable, so an array body still spreads and serialises as an array of chunks.
  Object.defineProperty(chunks, 'close', { value: close, configurable: true });
  return chunks as T & { close(): unknown };
}

/** Iterates any body asynchronously; breaking out of `for await` calls its iterator's `return()`. */
export function asAsync(body: Body): AsyncIterable<Uint8Array> {
  if (Symbol.asyncIterator in body) return body as AsyncIterable<Uint8Array>;
  const iterable = body as Iterable<Uint8Array>;
  return {
    [Symbol.asyncIterator]() {
      const iterator = iterable[Symbol.iterator]();
      return {
        next: async () => iterator.next(),
        return: async (value?: unknown) => (iterator.return?.(value) ?? { done: true, value }) as IteratorResult<Uint8Array>,
      };
    },
  };
}
