/**
 * Waiting for something (a sink's backpressure, an async body's next chunk)
 * unless the client leaves first: a client that went away must stop the
 * iteration even while the gateway waits on a Promise that may never settle.
 */

/** What `until()` resolves with when the client left first. */
export const DISCONNECTED = Symbol('disconnected');

const ignore = (): void => {};

/** Watches one response's `AbortSignal`, created per request. */
export class DisconnectWatch {
  readonly #signal: AbortSignal;
  readonly #waiters = new Set<() => void>();
  #stopListening: (() => void) | undefined;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
  }

  /** Resolves with what `promise` gives, or with DISCONNECTED if the client goes away first. */
  until<T>(promise: PromiseLike<T>): Promise<T | typeof DISCONNECTED> {
    if (this.#signal.aborted) {
      Promise.resolve(promise).then(ignore, ignore);
      return Promise.resolve(DISCONNECTED);
    }
    this.#listen();
    // Not Promise.race() with one long-lived "disconnected" promise: every race
    // leaves a reaction on it holding its result (a chunk), so a long stream
    // would keep every chunk it ever sent.
    return new Promise<T | typeof DISCONNECTED>((resolve, reject) => {
      const wake = (): void => resolve(DISCONNECTED);
      this.#waiters.add(wake);
      promise.then(
        (value) => {
          this.#waiters.delete(wake);
          resolve(value);
        },
        (error: unknown) => {
          this.#waiters.delete(wake);
          reject(error);
        },
      );
    });
  }

  /** Stops listening to the signal; call once the response is done. */
  stop(): void {
    this.#stopListening?.();
  }

  #listen(): void {
    if (this.#stopListening !== undefined) return;
    const signal = this.#signal;
    const onAbort = (): void => {
      for (const wake of this.#waiters) wake();
      this.#waiters.clear();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.#stopListening = () => signal.removeEventListener('abort', onAbort);
  }
}
