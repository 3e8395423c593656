/**
 * The delay before a crashed worker is replaced: exponential, so an
 * application that crashes at every request does not turn the master into
 * a fork bomb, and reset once a worker has lived long enough to count as
 * healthy (pm2's `exp_backoff_restart_delay` with `min_uptime`).
 *
 * Pure: the caller passes how long the crashed worker lived.
 *
 * @example
 * const backoff = new Backoff();
 * setTimeout(spawn, backoff.next(livedMs));
 */

export interface BackoffOptions {
  /** The first delay, in ms. @default 100 */
  initialMs?: number;
  /** The longest delay, in ms. @default 10000 */
  maxMs?: number;
  /** A worker that lived at least this long resets the delay. @default 30000 */
  healthyMs?: number;
}

export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #healthyMs: number;
  #failures = 0;

  constructor(options: BackoffOptions = {}) {
    const { initialMs = 100, maxMs = 10_000, healthyMs = 30_000 } = options;
    for (const [name, value] of Object.entries({ initialMs, maxMs, healthyMs })) {
      if (!(Number.isFinite(value) && value >= 0)) {
        throw new RangeError(`Backoff option ${name} must be a number of ms >= 0; got ${String(value)}.`);
      }
    }
    this.#initialMs = initialMs;
    this.#maxMs = Math.max(initialMs, maxMs);
    this.#healthyMs = healthyMs;
  }

  /** Consecutive crashes of short-lived workers so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Records a crash of a worker that lived `livedMs`; returns the delay before its replacement. */
  next(livedMs: number): number {
    if (livedMs >= this.#healthyMs) this.#failures = 0;
    this.#failures += 1;
    return Math.min(this.#maxMs, this.#initialMs * 2 ** (this.#failures - 1));
  }

  /** Forgets past crashes. */
  reset(): void {
    this.#failures = 0;
  }
}
