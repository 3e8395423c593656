/**
 * A response whose `startResponse` call is held back: the application's
 * status and headers are recorded, and passed on to the server only when the
 * middleware has seen enough of the body to decide what they must say (a
 * `Content-Length` for an array, a `Content-Encoding` after the first chunks).
 *
 * Shared by head, contentLength, etag and compress (the file is named after
 * `head` only because helper files are named after their middleware).
 *
 * The rules it keeps (docs/SPEC.md):
 * - §6.12: a second call needs `excInfo`; before the response was passed on
 *   it simply replaces the held one, afterwards it goes to the server, which
 *   re-throws `excInfo` if the headers were sent;
 * - §6.13: the middleware calls `forward()` before it yields a non-empty chunk;
 * - the application's `write()` passes the response on first, so data
 *   written before the body still follows the headers.
 */
import { ProtocolError } from '../../lib/protocol/errors.js';
import type { HeaderList, StartResponse, Write } from '../../lib/protocol/types.js';

export interface HeldResponseOptions {
  /**
   * Edits the status and headers (a copy of the application's) just before
   * they go to the server; returns the status to send. Called again for each
   * later call with `excInfo`, which replaces the response (§12.6).
   */
  prepare?: (status: string, headers: HeaderList) => string;
  /** What the application's `write()` does with a chunk; default: the server's `write()`. */
  write?: (chunk: Uint8Array, serverWrite: Write) => Promise<void>;
}

export class HeldResponse {
  readonly #server: StartResponse;
  readonly #options: HeldResponseOptions;
  #status: string | undefined;
  #headers: HeaderList | undefined;
  #excInfo: unknown;
  #serverWrite: Write | undefined;
  #released = false;
  #wrote = false;

  /** The `startResponse` to give the application. */
  readonly startResponse: StartResponse;

  constructor(server: StartResponse, options: HeldResponseOptions = {}) {
    this.#server = server;
    this.#options = options;
    this.startResponse = (status, headers, excInfo) => this.#start(status, headers, excInfo);
  }

  /** True once the application called `startResponse`. */
  get called(): boolean {
    return this.#status !== undefined;
  }

  /** True once the status and headers went to the server. */
  get forwarded(): boolean {
    return this.#serverWrite !== undefined;
  }

  /** True when the application used `write()`: its body alone is not the whole response. */
  get wrote(): boolean {
    return this.#wrote;
  }

  /** The application's status, `undefined` before it called `startResponse`. */
  get status(): string | undefined {
    return this.#status;
  }

  /** The status code, `0` before `startResponse`. */
  get code(): number {
    return this.#status === undefined ? 0 : Number.parseInt(this.#status.slice(0, 3), 10);
  }

  /** The held headers (a copy of the application's); edit them before `forward()`. */
  get headers(): HeaderList {
    return this.#headers ?? [];
  }

  /** Passes the response on now (once); returns the server's `write`. */
  forward(): Write {
    if (this.#serverWrite !== undefined) return this.#serverWrite;
    if (this.#status === undefined || this.#headers === undefined) {
      throw new ProtocolError('The application has not called startResponse() yet; a middleware cannot pass its response on before it exists.');
    }
    this.#serverWrite = this.#call(this.#status, this.#headers, this.#excInfo);
    this.#excInfo = undefined;
    return this.#serverWrite;
  }

  /** Stops holding: passes the response on now if there is one, and every later call at once. */
  release(): void {
    this.#released = true;
    if (this.called) this.forward();
  }

  #start(status: string, headers: HeaderList, excInfo?: unknown): Write {
    const replacing = excInfo !== undefined && excInfo !== null;
    if (this.called && !replacing) {
      throw new ProtocolError(
        'startResponse() was called a second time without excInfo. To send a different response, pass the error being handled as the third argument.',
      );
    }
    // A copy: the middleware edits it, and the application's array stays as it was given.
    const copy: HeaderList = Array.isArray(headers) ? headers.map((pair) => [pair[0], pair[1]]) : headers;
    this.#status = status;
    this.#headers = copy;
    if (this.#serverWrite !== undefined) {
      // Already passed on: the server decides (it re-throws excInfo when the headers were sent).
      this.#serverWrite = this.#call(status, copy, excInfo);
    } else {
      this.#excInfo = excInfo;
      if (this.#released) this.forward();
    }
    return (chunk: Uint8Array) => {
      this.#wrote = true;
      const serverWrite = this.forward();
      return this.#options.write ? this.#options.write(chunk, serverWrite) : serverWrite(chunk);
    };
  }

  #call(status: string, headers: HeaderList, excInfo: unknown): Write {
    const sent = this.#options.prepare ? this.#options.prepare(status, headers) : status;
    return excInfo === undefined || excInfo === null ? this.#server(sent, headers) : this.#server(sent, headers, excInfo);
  }
}
