/**
 * The body a validated application returns, as the server sees it
 * (docs/SPEC.md §8). It checks each chunk on its way to the server and how
 * the server iterates and closes the body, and is itself a well-behaved
 * middleware body (§12.2, §17.1): it yields the application's chunks one for
 * one, unchanged; forwards `return()` and `close()`; stays synchronous for a
 * synchronous body and asynchronous for an asynchronous one; and stays an
 * array for an array, so the server's framing does not change.
 */
import type { Body, ErrorStream } from '../protocol/types.js';
import type { ResponseCheck } from './response-check.js';
import { isThenable, violation } from './violation.js';

type Closable = { close?(): unknown };

/** What the server has done with one body. Shared by the body and its iterator. */
class BodyLifecycle {
  readonly body: Body;
  readonly check: ResponseCheck;
  readonly #onClose: () => void;
  readonly #errors: ErrorStream;
  #began = false;
  #closed = false;
  /** An iterator was handed out and is neither done nor returned. */
  #open = false;

  constructor(body: Body, check: ResponseCheck, onClose: () => void, errors: ErrorStream) {
    this.body = body;
    this.check = check;
    this.#onClose = onClose;
    this.#errors = errors;
  }

  begin(): void {
    // SPEC §8.5: "The server MUST NOT ask the body for more chunks after closing it."
    if (this.#closed) {
      throw violation('8.5', 'the server asked the body for an iterator after closing it.');
    }
    // SPEC §8.4: "The server MUST NOT ask a body for a second iterator, and MUST NOT call `next()` again before the previous call has settled."
    if (this.#began) {
      throw violation('8.4', 'the server asked the body for a second iterator; a body is iterated once.');
    }
    this.#began = true;
    this.#open = true;
    this.check.beginIteration();
  }

  beforeNext(): void {
    // SPEC §8.5: "The server MUST NOT ask the body for more chunks after closing it."
    if (this.#closed) {
      throw violation('8.5', 'the server asked the body for another chunk after closing it.');
    }
  }

  /** The iterator is done: it ended, threw, or was returned. */
  finished(): void {
    this.#open = false;
  }

  close(): unknown {
    // SPEC §8.5: "If the body has `close()`, the server MUST call it exactly once, whether the response was sent completely, failed, or the client disconnected."
    if (this.#closed) {
      throw violation('8.5', "the server called the body's close() a second time; it must call it exactly once.");
    }
    this.#closed = true;
    this.check.close();
    this.#onClose();
    const abandoned = this.#open;
    const result = (this.body as Closable).close?.();
    // SPEC §8.6: "A server that stops iterating before the iterator is done MUST call the iterator's `return()` method, when it has one, before it calls `close()`."
    if (abandoned) {
      // The application's close() ran; report its failure, since ours is the error thrown.
      if (isThenable(result)) {
        result.then(undefined, (error: unknown) => this.#errors.write(`validate: the body's close() failed: ${String(error)}\n`));
      }
      throw violation(
        '8.6',
        "the server closed the body without calling return() on the iterator it stopped using; call return() before close(), so generators run their finally blocks.",
      );
    }
    return result;
  }
}

class SyncChunks implements Iterator<Uint8Array> {
  readonly #inner: Iterator<unknown>;
  readonly #life: BodyLifecycle;
  #index = 0;

  constructor(inner: Iterator<unknown>, life: BodyLifecycle) {
    this.#inner = inner;
    this.#life = life;
  }

  next(): IteratorResult<Uint8Array> {
    this.#life.beforeNext();
    const check = this.#life.check;
    let result: IteratorResult<unknown>;
    check.iterating = true;
    try {
      result = this.#inner.next();
    } catch (error) {
      this.#life.finished();
      throw error;
    } finally {
      check.iterating = false;
    }
    if (result.done) {
      this.#life.finished();
      check.end();
      return result;
    }
    try {
      check.chunk(result.value, this.#index++);
    } catch (error) {
      // The server sees a throwing iterator as finished and will not call
      // return(), so we do, as a middleware must (§12.2).
      this.#life.finished();
      this.#inner.return?.();
      throw error;
    }
    return result as IteratorYieldResult<Uint8Array>;
  }

  return(value?: unknown): IteratorResult<Uint8Array> {
    this.#life.finished();
    return (this.#inner.return?.(value) ?? { done: true, value }) as IteratorResult<Uint8Array>;
  }
}

class AsyncChunks implements AsyncIterator<Uint8Array> {
  readonly #inner: AsyncIterator<unknown>;
  readonly #life: BodyLifecycle;
  #index = 0;
  #pending = false;

  constructor(inner: AsyncIterator<unknown>, life: BodyLifecycle) {
    this.#inner = inner;
    this.#life = life;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    this.#life.beforeNext();
    // SPEC §8.4: "The server MUST NOT ask a body for a second iterator, and MUST NOT call `next()` again before the previous call has settled."
    if (this.#pending) {
      throw violation('8.4', "the server called next() on the body's iterator before the previous call settled; ask for one chunk at a time.");
    }
    const check = this.#life.check;
    let result: IteratorResult<unknown>;
    this.#pending = true;
    check.iterating = true;
    try {
      result = await this.#inner.next();
    } catch (error) {
      this.#life.finished();
      throw error;
    } finally {
      this.#pending = false;
      check.iterating = false;
    }
    if (result.done) {
      this.#life.finished();
      check.end();
      return result;
    }
    try {
      check.chunk(result.value, this.#index++);
    } catch (error) {
      // As in SyncChunks: nobody else will call return() now.
      this.#life.finished();
      await this.#inner.return?.();
      throw error;
    }
    return result as IteratorYieldResult<Uint8Array>;
  }

  async return(value?: unknown): Promise<IteratorResult<Uint8Array>> {
    this.#life.finished();
    return ((await this.#inner.return?.(value)) ?? { done: true, value }) as IteratorResult<Uint8Array>;
  }
}

/** A validated synchronous body. */
class SyncBody implements Iterable<Uint8Array> {
  readonly #life: BodyLifecycle;

  constructor(life: BodyLifecycle) {
    this.#life = life;
  }

  [Symbol.iterator](): Iterator<Uint8Array> {
    this.#life.begin();
    return new SyncChunks(start(this.#life, () => (this.#life.body as Iterable<unknown>)[Symbol.iterator]()), this.#life);
  }

  close(): unknown {
    return this.#life.close();
  }
}

/** A validated asynchronous body. */
class AsyncBody implements AsyncIterable<Uint8Array> {
  readonly #life: BodyLifecycle;

  constructor(life: BodyLifecycle) {
    this.#life = life;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#life.begin();
    return new AsyncChunks(start(this.#life, () => (this.#life.body as AsyncIterable<unknown>)[Symbol.asyncIterator]()), this.#life);
  }

  close(): unknown {
    return this.#life.close();
  }
}

/** A validated body that is both, as the application's was (§8.1): the server picks. */
class SyncAndAsyncBody extends SyncBody implements AsyncIterable<Uint8Array> {
  readonly #async: AsyncBody;

  constructor(life: BodyLifecycle) {
    super(life);
    this.#async = new AsyncBody(life);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.#async[Symbol.asyncIterator]();
  }
}

/** Calls the body's iterator method; a throw there leaves no open iterator behind. */
function start<T>(life: BodyLifecycle, open: () => T): T {
  try {
    return open();
  } catch (error) {
    life.finished();
    throw error;
  }
}

/** True for a value with a callable `[Symbol.iterator]` or `[Symbol.asyncIterator]`. */
export function isBody(value: unknown): value is Body {
  if (typeof value !== 'object' || value === null) return false;
  const members = value as Partial<Record<symbol, unknown>>;
  return typeof members[Symbol.iterator] === 'function' || typeof members[Symbol.asyncIterator] === 'function';
}

/**
 * Wraps a body (already checked to be one, and not a string or a Uint8Array).
 * `onClose` runs when the server closes it; `errors` receives what cannot be thrown.
 */
export function wrapBody(body: Body, check: ResponseCheck, onClose: () => void, errors: ErrorStream): Body {
  const life = new BodyLifecycle(body, check, onClose, errors);
  if (Array.isArray(body)) {
    check.array(body);
    // A copy, so the application's array is not changed; `close` is not
    // enumerable, so the copy spreads and serialises as the original does.
    const copy = new Array<Uint8Array>(body.length);
    for (let index = 0; index < body.length; index++) copy[index] = body[index] as Uint8Array;
    Object.defineProperty(copy, 'close', { value: function close() { return life.close(); } });
    return copy;
  }
  const members = body as unknown as Partial<Record<symbol, unknown>>;
  const sync = typeof members[Symbol.iterator] === 'function';
  const async = typeof members[Symbol.asyncIterator] === 'function';
  if (sync && async) return new SyncAndAsyncBody(life);
  return sync ? new SyncBody(life) : new AsyncBody(life);
}
