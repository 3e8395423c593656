/**
 * `tsgi.errors`: where applications write diagnostics (PEP 3333 "Input and
 * Error Streams"). Text only, `\n` line ends; servers decide where it goes.
 *
 * It is a log, so a failing destination (a closed pipe, a full disk) must
 * never turn into an error in the application that was only trying to
 * report something: writes to the target swallow its failures.
 */
import { describeValue } from './describe-value.js';
import type { ErrorStream } from './types.js';

/** Where a process-backed error stream writes: `process.stderr`, a file stream, a logger. */
export interface ErrorTarget {
  write(text: string): unknown;
  flush?(): unknown;
}

/** A `tsgi.errors` writing to `target` (e.g. `process.stderr`). */
export function createErrorStream(target: ErrorTarget): ErrorStream {
  if (typeof target?.write !== 'function') {
    throw new TypeError(
      `createErrorStream() target must have a write(text) method; got ${describeValue(target)}. Pass process.stderr or a stream.`,
    );
  }
  return new TargetErrorStream(target);
}

function checkText(text: unknown): asserts text is string {
  if (typeof text !== 'string') {
    throw new TypeError(
      `tsgi.errors.write() expects a string; got ${describeValue(text)}. Convert it with String() or decode bytes first.`,
    );
  }
}

class TargetErrorStream implements ErrorStream {
  readonly #target: ErrorTarget;

  constructor(target: ErrorTarget) {
    this.#target = target;
  }

  get [Symbol.toStringTag](): string {
    return 'ErrorStream';
  }

  write(text: string): void {
    checkText(text);
    try {
      const result = this.#target.write(text);
      // A promise-returning logger may reject later; that is swallowed too.
      if (isThenable(result)) result.then(undefined, () => undefined);
    } catch {
      // Reporting must not fail the request (see the module doc).
    }
  }

  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }

  /** Process streams are unbuffered from our side; a target with its own `flush()` gets it called. */
  flush(): void {
    try {
      this.#target.flush?.();
    } catch {
      // As for write(): never fail the caller over its log.
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** A `tsgi.errors` that keeps what was written in memory, for tests and the test client. */
export class MemoryErrorStream implements ErrorStream {
  #parts: string[] = [];

  /** Everything written so far. */
  get text(): string {
    if (this.#parts.length > 1) this.#parts = [this.#parts.join('')];
    return this.#parts[0] ?? '';
  }

  get [Symbol.toStringTag](): string {
    return 'MemoryErrorStream';
  }

  write(text: string): void {
    checkText(text);
    this.#parts.push(text);
  }

  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }

  flush(): void {}

  /** Forgets what was written. */
  clear(): void {
    this.#parts = [];
  }

  toString(): string {
    return this.text;
  }
}
