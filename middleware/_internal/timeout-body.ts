/**
 * The per-request state of `timeout()` (`Deadline`) and the body it returns
 * when the application returned a streaming body in time (`TimedBody`): it
 * pulls the application's chunks until the first non-empty one, each pull
 * raced against the deadline; once the deadline passes it answers in the
 * application's place, and releases the abandoned iterator (`return()`, then
 * `close()`) only after the chunk it was waiting for has arrived, so the
 * iterator is never asked for two things at once (SPEC §8.4).
 */
import type { Body } from '../../lib/protocol/types.js';

export const TIMED_OUT = Symbol('timed out');

/** What a TimedBody needs to know of its request. */
export interface Deadline {
  /** True once the deadline passed before the response started. */
  readonly timedOut: boolean;
  /** Resolves with TIMED_OUT when the deadline passes; never rejects. */
  readonly expired: Promise<typeof TIMED_OUT>;
  /** The response started (or ended) in time: stop the timer. */
  met(): void;
  /** Starts the replacement response and returns its chunks. */
  answer(): Uint8Array[];
}

const noop = (): void => undefined;

export class TimedBody implements AsyncIterable<Uint8Array>, AsyncIterator<Uint8Array> {
  readonly #body: Body;
  readonly #deadline: Deadline;
  #iterator: AsyncIterator<Uint8Array> | undefined;
  /** An inner `next()` that has not settled yet. */
  #pending: Promise<unknown> | undefined;
  #started = false;
  #innerDone = false;
  /** The replacement chunks still to send, once timed out. */
  #answer: Uint8Array[] | undefined;
  #released: Promise<void> | undefined;
  #closed: Promise<unknown> | undefined;

  constructor(body: Body, deadline: Deadline) {
    this.#body = body;
    this.#deadline = deadline;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#answer === undefined && this.#deadline.timedOut && !this.#started) this.#giveUp();
    if (this.#answer !== undefined) {
      const chunk = this.#answer.shift();
      return chunk === undefined ? { done: true, value: undefined } : { done: false, value: chunk };
    }
    const iterator = (this.#iterator ??= open(this.#body));
    const pending = iterator.next();
    this.#pending = pending;
    let step: IteratorResult<Uint8Array> | typeof TIMED_OUT;
    try {
      step = this.#started ? await pending : await Promise.race([pending, this.#deadline.expired]);
    } catch (error) {
      this.#pending = undefined;
      this.#innerDone = true;
      this.#deadline.met();
      throw error;
    }
    if (step === TIMED_OUT) return this.#giveUp().next();
    this.#pending = undefined;
    if (step.done === true) {
      this.#innerDone = true;
      this.#deadline.met();
    } else if (step.value instanceof Uint8Array && step.value.length > 0 && !this.#started) {
      this.#started = true;
      this.#deadline.met();
    }
    return step;
  }

  /** The server stopped early (SPEC §8.6): release the application's iterator. */
  async return(value?: unknown): Promise<IteratorResult<Uint8Array>> {
    await this.#release();
    return { done: true, value: value as undefined };
  }

  /** Closes the application's body once, after its iterator is released. */
  close(): Promise<unknown> {
    this.#deadline.met();
    this.#closed ??= this.#release().then(() => this.#body.close?.());
    return this.#closed;
  }

  #giveUp(): this {
    this.#answer = this.#deadline.answer();
    void this.#release();
    return this;
  }

  /** `return()` on the application's iterator, once, after any pending `next()` settled. */
  #release(): Promise<void> {
    if (this.#released !== undefined) return this.#released;
    const iterator = this.#iterator;
    if (iterator === undefined || this.#innerDone) {
      this.#released = Promise.resolve();
      return this.#released;
    }
    this.#released = (this.#pending ?? Promise.resolve())
      .then(noop, noop)
      .then(() => iterator.return?.())
      .then(noop, noop);
    return this.#released;
  }
}

/** An async iterator over any body; a sync one is pulled synchronously, one chunk per `next()`. */
function open(body: Body): AsyncIterator<Uint8Array> {
  if (Symbol.asyncIterator in body) return (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const iterator = (body as Iterable<Uint8Array>)[Symbol.iterator]();
  return {
    next: async () => iterator.next(),
    return: async (value?: unknown) => iterator.return?.(value) ?? { done: true, value: undefined },
  };
}
