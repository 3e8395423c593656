/**
 * `observeBody()`: the application's body passed on unchanged, chunk for
 * chunk, with hooks that see each chunk go up, the end, a failure, and the
 * server's `close()`. For layers that only watch a response and never
 * change a byte: the accessLog and serverTiming middleware, the prefork
 * worker's request statistics.
 *
 * It is a compliant middleware body (docs/SPEC.md §12.2–§12.4): an array stays
 * an array (a copy with a non-enumerable `close`), so the gateway still
 * computes its Content-Length; a synchronous body stays synchronous and an
 * asynchronous one asynchronous; each chunk is yielded as soon as it was
 * pulled; `return()` reaches the application's iterator through `for…of`,
 * and `close()` is forwarded exactly once.
 */
import type { Body } from './types.js';

/** What `observeBody()` reports. The hooks must not throw: they run on the response's path. */
export interface BodyObserver {
  /**
   * A chunk on its way to the server. The server reads an array body by
   * itself, so its chunks are reported when it is closed, all of them (the
   * gateway sends an array whole unless the client left).
   */
  chunk?(chunk: Uint8Array): void;
  /** The body was iterated to its end. For an array body: when it is closed, after its chunks. */
  end?(): void;
  /** The body threw `error` while iterated; the error goes on to the server. */
  error?(error: unknown): void;
  /** The server closed the body; the application's `close()` has run (its error, if any, is re-thrown after). */
  closed(): void;
}

/** True for a value the server can iterate (an application may return anything; the server reports that). */
export function isBody(value: unknown): value is Body {
  if (typeof value !== 'object' || value === null) return false;
  const members = value as Partial<Record<symbol, unknown>>;
  return typeof members[Symbol.iterator] === 'function' || typeof members[Symbol.asyncIterator] === 'function';
}

/** `body` with `observer` attached. `body` must be a body (see `isBody`). */
export function observeBody(body: Body, observer: BodyObserver): Body {
  const close = closeOnce(body, observer);
  if (Array.isArray(body)) {
    const copy = [...(body as Uint8Array[])];
    Object.defineProperty(copy, 'close', {
      value: function close_(): unknown {
        for (const chunk of copy) observer.chunk?.(chunk);
        observer.end?.();
        return close();
      },
    });
    return copy;
  }
  const chunks =
    typeof (body as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function'
      ? observeAsync(body as AsyncIterable<Uint8Array>, observer)
      : observeSync(body as Iterable<Uint8Array>, observer);
  return Object.assign(chunks, { close });
}

function* observeSync(body: Iterable<Uint8Array>, observer: BodyObserver): Generator<Uint8Array, void, undefined> {
  try {
    // `for…of` calls the body iterator's return() when the server returns ours early.
    for (const chunk of body) {
      observer.chunk?.(chunk);
      yield chunk;
    }
  } catch (error) {
    observer.error?.(error);
    throw error;
  }
  observer.end?.();
}

async function* observeAsync(body: AsyncIterable<Uint8Array>, observer: BodyObserver): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    for await (const chunk of body) {
      observer.chunk?.(chunk);
      yield chunk;
    }
  } catch (error) {
    observer.error?.(error);
    throw error;
  }
  observer.end?.();
}

/**
 * The application's `close()` (PEP 3333: exactly once), then `observer.closed()`
 * — also when that `close()` throws or rejects, whose error is then passed on.
 */
function closeOnce(body: Body, observer: BodyObserver): () => unknown {
  let closed = false;
  return function close(): unknown {
    if (closed) return undefined;
    closed = true;
    let result: unknown;
    try {
      result = body.close?.();
    } catch (error) {
      observer.closed();
      throw error;
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      return Promise.resolve(result).finally(() => observer.closed());
    }
    observer.closed();
    return result;
  };
}
