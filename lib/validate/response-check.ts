/**
 * The state of one validated response: the `startResponse` and `write`
 * wrappers, and the accounting every chunk goes through (docs/SPEC.md §6–§8).
 *
 * It tracks what the server has sent as the validator sees it go by — the
 * headers go out with the first non-empty chunk (§8.3) — so it can tell when
 * `startResponse(…, excInfo)` must re-throw, and whether the body matched its
 * `Content-Length`.
 */
import { describeValue } from '../protocol/describe-value.js';
import type { StartResponse, Write } from '../protocol/types.js';
import { checkHeaders } from './check-headers.js';
import { checkStatus } from './check-status.js';
import { isThenable, violation } from './violation.js';

type Callable = (...args: unknown[]) => unknown;

/** 1xx, 204 and 304 responses have no content (RFC 9110 §6.4.1). */
function hasNoContent(code: number): boolean {
  return code < 200 || code === 204 || code === 304;
}

export class ResponseCheck {
  readonly #method: string;
  #calls = 0;
  /** Set by a `startResponse` call that passed every check. */
  #code: number | undefined;
  #contentLength: number | undefined;
  #headersSent = false;
  #bytes = 0;
  #iterationBegan = false;
  #closed = false;
  #rethrown = false;
  /** True while the server waits for the body's `next()`. */
  iterating = false;

  constructor(method: string) {
    this.#method = method;
  }

  /** The `startResponse` the application gets in place of the server's. */
  wrap(serverStartResponse: StartResponse): StartResponse {
    const start = (args: unknown[]): Write => this.#start(serverStartResponse as Callable, args);
    return function startResponse(...args: unknown[]): Write {
      return start(args);
    } as StartResponse;
  }

  #start(server: Callable, args: unknown[]): Write {
    // SPEC §6.16: "`startResponse` MUST NOT be called after the body was closed."
    if (this.#closed) {
      throw violation('6.16', 'startResponse() was called after the body was closed; the response is over.');
    }
    // SPEC §6.1: "The application MUST call `startResponse` with two arguments, or three when it passes `excInfo`."
    if (args.length !== 2 && args.length !== 3) {
      throw violation('6.1', `startResponse() takes (status, headers) or (status, headers, excInfo); got ${args.length} arguments.`);
    }
    const [status, headers, excInfo] = args;
    const replacing = excInfo !== undefined && excInfo !== null;
    // SPEC §6.12: "The application MUST NOT call `startResponse` a second time without `excInfo`."
    if (this.#calls > 0 && !replacing) {
      throw violation(
        '6.12',
        'startResponse() was called a second time without excInfo. To send a different response, pass the error being handled as the third argument.',
      );
    }
    // Counted before the checks, as the gateway does (§6.11): after a failed
    // call, only a call with excInfo is allowed.
    this.#calls += 1;
    if (replacing && this.#headersSent) return this.#expectRethrow(server, args, excInfo);

    const code = checkStatus(status);
    const { contentLength } = checkHeaders(headers, code);
    const write = server(...args);
    // SPEC §6.17: "The server's `startResponse` MUST return the `write` function (§7)."
    if (typeof write !== 'function') {
      throw violation('6.17', `the server's startResponse() returned ${describeValue(write)}; it must return the write function.`);
    }
    this.#code = code;
    this.#contentLength = contentLength;
    return this.#wrapWrite(write as Callable);
  }

  #expectRethrow(server: Callable, args: unknown[], excInfo: unknown): never {
    try {
      server(...args);
    } catch (error) {
      this.#rethrown = true;
      // SPEC §6.12: "If they have, `startResponse` MUST re-throw `excInfo` itself, and the application MUST NOT catch that throw: it ends the request, and the server aborts the response (§15.2)."
      if (error !== excInfo) {
        throw violation(
          '6.12',
          `the server's startResponse() threw ${describeValue(error)} instead of re-throwing excInfo after the headers were sent.`,
        );
      }
      throw error;
    }
    // SPEC §6.12: "If they have, `startResponse` MUST re-throw `excInfo` itself, and the application MUST NOT catch that throw: it ends the request, and the server aborts the response (§15.2)."
    throw violation(
      '6.12',
      "the server's startResponse() returned normally, called with excInfo after the headers were sent; it must re-throw excInfo.",
    );
  }

  #wrapWrite(serverWrite: Callable): Write {
    return (...args: unknown[]): Promise<void> => {
      // SPEC §7.1: "`write` MUST be called with exactly one argument, a `Uint8Array`."
      if (args.length !== 1 || !(args[0] instanceof Uint8Array)) {
        const got = args.length === 1 ? describeValue(args[0]) : `${args.length} arguments`;
        const hint = typeof args[0] === 'string' ? ' Encode strings first: Buffer.from(text).' : '';
        throw violation('7.1', `write() takes one Uint8Array; got ${got}.${hint}`);
      }
      // SPEC §7.3: "Data passed to `write` is sent before the body's, so `write` MUST NOT be called once the server has begun iterating the body, nor after the response has finished."
      if (this.#closed) {
        throw violation('7.3', 'write() was called after the response had finished.');
      }
      if (this.iterating) {
        throw violation('7.3', "write() was called from inside the body's iteration; yield the chunk from the body instead.");
      }
      if (this.#iterationBegan) {
        throw violation(
          '7.3',
          "write() was called after the server began iterating the body; its data must come before the body's. Yield the chunk from the body instead.",
        );
      }
      this.#count(args[0], 'write()');
      const result = serverWrite(args[0]);
      // SPEC §7.4: "`write` MUST return a Promise, which resolves when more data may be written."
      if (!isThenable(result)) {
        throw violation('7.4', `the server's write() returned ${describeValue(result)}; it must return a Promise.`);
      }
      return result as Promise<void>;
    };
  }

  /** The server is about to iterate the body. */
  beginIteration(): void {
    this.#iterationBegan = true;
  }

  /** Checks one chunk of the body (its `index`-th) and counts it. */
  chunk(value: unknown, index: number): void {
    this.#checkNotRethrown();
    // SPEC §8.2: "Every chunk a body yields MUST be a `Uint8Array`."
    if (!(value instanceof Uint8Array)) {
      const hint = typeof value === 'string' ? ' Encode strings first: Buffer.from(text).' : '';
      throw violation('8.2', `the body's chunk ${index} is ${describeValue(value)}; every chunk must be a Uint8Array.${hint}`);
    }
    this.#count(value, `the body's chunk ${index}`);
  }

  /** The body has no more chunks. */
  end(): void {
    this.#checkNotRethrown();
    // SPEC §6.14: "`startResponse` MUST have been called by the time the body ends."
    if (this.#calls === 0) {
      throw violation('6.14', 'the body ended but startResponse() was never called; call it before returning or before the body ends.');
    }
    const code = this.#code;
    const declared = this.#contentLength;
    if (code === undefined || declared === undefined || hasNoContent(code) || this.#method === 'HEAD') return;
    // SPEC §8.7: "When the application declares a `Content-Length`, the body MUST have exactly that many bytes, counting the data passed to `write()`."
    if (this.#bytes < declared) {
      throw violation(
        '8.7',
        `the response declared Content-Length ${declared} but its body ended after ${this.#bytes} bytes; send exactly the declared length, or leave Content-Length out.`,
      );
    }
  }

  /** Checks an array body at once: the server may read it without running any code of ours (§17.2). */
  array(body: readonly unknown[]): void {
    // SPEC §6.15: "An application that returns an array MUST call `startResponse` before returning it."
    if (this.#calls === 0) {
      throw violation(
        '6.15',
        'the application returned an array before calling startResponse(); nothing runs while a server reads an array, so call startResponse() first.',
      );
    }
    this.#iterationBegan = true;
    for (let index = 0; index < body.length; index++) this.chunk(body[index], index);
    this.end();
  }

  /** The body was closed: the response is over. */
  close(): void {
    this.#closed = true;
  }

  /** Throws when the application went on after `startResponse` re-threw its `excInfo`. */
  afterReturn(): void {
    this.#checkNotRethrown();
  }

  #checkNotRethrown(): void {
    // SPEC §6.12: "If they have, `startResponse` MUST re-throw `excInfo` itself, and the application MUST NOT catch that throw: it ends the request, and the server aborts the response (§15.2)."
    if (this.#rethrown) {
      throw violation(
        '6.12',
        'the application went on after startResponse() re-threw its excInfo; let that error propagate, so the server can abort the response.',
      );
    }
  }

  #count(chunk: Uint8Array, source: string): void {
    if (chunk.length === 0) return;
    // SPEC §6.13: "The application MUST call `startResponse` before the body yields its first non-empty chunk, and before it calls `write()`."
    const code = this.#code;
    if (code === undefined) {
      const state = this.#calls === 0 ? 'before startResponse() was called' : 'although startResponse() failed';
      throw violation('6.13', `${source} has ${chunk.length} bytes ${state}; call startResponse() before the first non-empty chunk.`);
    }
    this.#headersSent = true;
    this.#bytes += chunk.length;
    // SPEC §8.9: "A response with status 1xx, 204 or 304 MUST NOT have body bytes."
    if (hasNoContent(code)) {
      throw violation('8.9', `a ${code} response must not have body bytes; ${source} has ${chunk.length}. Send empty chunks only.`);
    }
    // SPEC §8.7: "When the application declares a `Content-Length`, the body MUST have exactly that many bytes, counting the data passed to `write()`."
    if (this.#contentLength !== undefined && this.#bytes > this.#contentLength) {
      throw violation(
        '8.7',
        `the response declared Content-Length ${this.#contentLength} but ${source} brings the body to ${this.#bytes} bytes; send exactly the declared length, or leave Content-Length out.`,
      );
    }
  }
}
