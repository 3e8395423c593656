/**
 * `tsgi.errors` as a validated application sees it (docs/SPEC.md §10): text
 * only, and never closed, because the stream is shared by every request.
 */
import { describeValue } from '../protocol/describe-value.js';
import type { ErrorStream } from '../protocol/types.js';
import { violation } from './violation.js';

export class ErrorsWrapper implements ErrorStream {
  readonly #errors: ErrorStream;

  constructor(errors: ErrorStream) {
    this.#errors = errors;
  }

  write(...args: unknown[]): void {
    // SPEC §10.2: "The argument of `write`, and every item given to `writelines`, MUST be a string."
    if (args.length !== 1 || typeof args[0] !== 'string') {
      const got = args.length === 1 ? describeValue(args[0]) : `${args.length} arguments`;
      const hint = args[0] instanceof Uint8Array ? ' Decode bytes first: Buffer.from(bytes).toString().' : '';
      throw violation('10.2', `tsgi.errors.write() takes one string; got ${got}.${hint}`);
    }
    this.#errors.write(args[0]);
  }

  writelines(lines: Iterable<unknown>): void {
    // SPEC §10.2: "The argument of `write`, and every item given to `writelines`, MUST be a string."
    if (typeof lines === 'string' || typeof (lines as Partial<Iterable<unknown>> | null)?.[Symbol.iterator] !== 'function') {
      throw violation('10.2', `tsgi.errors.writelines() takes an iterable of strings; got ${describeValue(lines)}.`);
    }
    const checked: string[] = [];
    for (const line of lines) {
      if (typeof line !== 'string') {
        throw violation('10.2', `tsgi.errors.writelines() items must be strings; item ${checked.length} is ${describeValue(line)}.`);
      }
      checked.push(line);
    }
    this.#errors.writelines(checked);
  }

  flush(): void {
    this.#errors.flush();
  }

  /** Always throws: the stream is shared by every request. */
  close(): never {
    // SPEC §10.3: "The application MUST NOT close `tsgi.errors`."
    throw violation('10.3', 'tsgi.errors.close() must not be called: the stream is shared by every request. Call flush() instead.');
  }
}
