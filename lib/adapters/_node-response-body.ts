/**
 * The tsgi body of a response a Node handler writes (`fromNodeHandler`): an
 * async iterator fed by the adapter's socket, one chunk at a time.
 *
 * Backpressure: the socket's write callback for a chunk runs only when the
 * gateway asks for the next one, that is once the chunk went out, so the
 * handler's `res.write()` returns `false` while the client is slow.
 *
 * `startResponse` is called with the handler's head just before the first
 * chunk (or the end) is handed to the gateway, inside the iteration, so a
 * refused head (SPEC §6) fails the body like any other error.
 *
 * Failures: one the handler caused (an error passed to `next`, `'error'` on
 * the response, a destroyed socket) takes effect after the chunks already
 * written, so the bytes before it still reach the client, and the gateway
 * then answers 500 (no head sent yet) or aborts (SPEC §15). One the adapter
 * caused (timeout) takes effect at once.
 */
import type { StartResponse } from '../protocol/types.js';
import type { NodeHead } from './_node-head.js';
import type { ResponseTarget } from './_node-socket.js';

interface Pending {
  bytes: Uint8Array;
  done: () => void;
}

export class NodeResponseBody implements AsyncIterableIterator<Uint8Array>, ResponseTarget {
  readonly #startResponse: StartResponse;
  readonly #onActivity: () => void;
  readonly #onClose: (finished: boolean) => void;
  readonly #queue: Pending[] = [];
  #head: NodeHead | undefined;
  #started = false;
  /** The write callback of the chunk handed out last: called when the next is asked for. */
  #handedOut: (() => void) | undefined;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;
  #closed = false;

  /**
   * `onClose(finished)` runs once, when the gateway closes the body:
   * `finished` is true when the handler's response was complete.
   */
  constructor(startResponse: StartResponse, onActivity: () => void, onClose: (finished: boolean) => void) {
    this.#startResponse = startResponse;
    this.#onActivity = onActivity;
    this.#onClose = onClose;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** True while the gateway is sending the last chunk: the handler waits on the client, not idle. */
  get waitingForClient(): boolean {
    return this.#handedOut !== undefined;
  }

  head(head: NodeHead): void {
    this.#head = head;
    this.#notify();
  }

  chunk(bytes: Uint8Array, done: () => void): void {
    this.#queue.push({ bytes, done });
    this.#notify();
  }

  activity(): void {
    this.#onActivity();
  }

  /** The handler's response finished ('finish' on the response). */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  destroyed(error: Error | null): void {
    this.fail(
      error ??
        new Error('fromNodeHandler: the handler destroyed its socket (res.destroy() or req.destroy()) before the response was complete.'),
    );
  }

  /**
   * Fails the response. `now`: drop what was written and not yet sent (the
   * adapter gives up); otherwise the queued chunks go out first.
   */
  fail(error: unknown, now = false): void {
    if (this.#failure !== undefined || this.#ended) return;
    this.#failure = { error };
    if (now) this.#queue.length = 0;
    this.#notify();
  }

  /**
   * The whole response as an array body with `close()`, when the handler
   * already ended it (Express's `res.send()` does, before returning): the
   * gateway then sends it in one go, without iterating asynchronously.
   * `written()` tells whether every write reached the socket. Undefined
   * (and nothing changed) unless the response is complete.
   */
  takeComplete(written: () => boolean): (Uint8Array[] & { close(): void }) | undefined {
    if (this.#head === undefined || this.#failure !== undefined || this.#started) return undefined;
    // Releasing a write lets node hand over the next one at once, so the queue refills while it drains.
    const chunks: Uint8Array[] = [];
    for (let pending = this.#queue.shift(); pending !== undefined; pending = this.#queue.shift()) {
      chunks.push(pending.bytes);
      pending.done();
    }
    if (!written()) {
      // Not all there after all: what was taken goes out first, as an ordinary body.
      this.#queue.unshift(...chunks.map((bytes) => ({ bytes, done: () => {} })));
      return undefined;
    }
    this.#start();
    this.#ended = true;
    return Object.assign(chunks, { close: () => this.close() });
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    this.#release();
    for (;;) {
      if (this.#closed) return { done: true, value: undefined };
      const pending = this.#queue.shift();
      if (pending !== undefined) {
        this.#start();
        this.#handedOut = pending.done;
        return { done: false, value: pending.bytes };
      }
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#ended) {
        this.#start();
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** The gateway stopped early (client gone, Content-Length reached): nothing more is wanted. */
  async return(): Promise<IteratorResult<Uint8Array>> {
    this.#release();
    return { done: true, value: undefined };
  }

  /** PEP 3333 close(): called once by the gateway however the response ended. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const finished = this.#ended && this.#failure === undefined;
    this.#release();
    for (const pending of this.#queue.splice(0)) pending.done();
    this.#notify();
    this.#onClose(finished);
  }

  /** The chunk handed out last went out: the handler may write more. */
  #release(): void {
    const done = this.#handedOut;
    this.#handedOut = undefined;
    done?.();
  }

  #start(): void {
    if (this.#started) return;
    const head = this.#head;
    if (head === undefined) {
      throw new Error('fromNodeHandler: the handler finished its response without a head; this node version writes responses differently.');
    }
    this.#started = true;
    this.#startResponse(head.status, head.headers);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
