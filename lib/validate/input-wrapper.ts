/**
 * `tsgi.input` as a validated application sees it (docs/SPEC.md §9). It
 * checks the application's arguments, the server's results, and that the
 * application never closes the stream; otherwise it passes every call
 * straight through, so reads keep their backpressure and their order.
 */
import { describeValue } from '../protocol/describe-value.js';
import type { InputStream } from '../protocol/types.js';
import { isThenable, violation } from './violation.js';

const NEWLINE = 0x0a;

export class InputWrapper implements InputStream {
  readonly #input: InputStream;
  /** `CONTENT_LENGTH`, or Infinity for a chunked or absent body. */
  readonly #limit: number;
  #delivered = 0;

  constructor(input: InputStream, contentLength: string | undefined) {
    this.#input = input;
    this.#limit = contentLength === undefined ? Infinity : Number(contentLength);
  }

  async read(...args: unknown[]): Promise<Uint8Array> {
    const size = checkSize('read', args);
    const chunk = await this.#chunk('read', args.length === 0 ? this.#input.read() : this.#input.read(size));
    this.#deliver('read', chunk, size);
    return chunk;
  }

  async readline(...args: unknown[]): Promise<Uint8Array> {
    const size = checkSize('readline', args);
    const line = await this.#chunk('readline', args.length === 0 ? this.#input.readline() : this.#input.readline(size));
    this.#deliver('readline', line, size);
    // SPEC §9.2: "`readline(size?)` resolves to one line including its `\n`, or the last line without one, or at most `size` bytes of it; an empty chunk at the end of the body."
    const newline = line.indexOf(NEWLINE);
    if (newline !== -1 && newline !== line.length - 1) {
      throw violation(
        '9.2',
        `the server's tsgi.input.readline() resolved to ${line.length} bytes with a '\\n' at index ${newline}; a line ends at its first '\\n'.`,
      );
    }
    return line;
  }

  async readlines(...args: unknown[]): Promise<Uint8Array[]> {
    checkSize('readlines', args);
    const result: unknown = args.length === 0 ? this.#input.readlines() : this.#input.readlines(args[0] as number);
    const lines = await this.#settled('readlines', result);
    // SPEC §9.8: "The arguments of `read`, `readline` and `readlines` MUST be integers when given, and every read MUST resolve to a `Uint8Array` (`readlines` to an array of them)."
    if (!Array.isArray(lines) || !lines.every((line) => line instanceof Uint8Array)) {
      throw violation('9.8', `the server's tsgi.input.readlines() resolved to ${describeValue(lines)}; it must resolve to an array of Uint8Array.`);
    }
    for (const line of lines as Uint8Array[]) this.#deliver('readlines', line, undefined);
    return lines as Uint8Array[];
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const line of this.#input as AsyncIterable<unknown>) {
      // SPEC §9.8: "The arguments of `read`, `readline` and `readlines` MUST be integers when given, and every read MUST resolve to a `Uint8Array` (`readlines` to an array of them)."
      if (!(line instanceof Uint8Array)) {
        throw violation('9.8', `the server's tsgi.input yielded ${describeValue(line)} from for await; every line must be a Uint8Array.`);
      }
      this.#deliver('[Symbol.asyncIterator]', line, undefined);
      yield line;
    }
  }

  /** Always throws: the server owns the stream. */
  close(): never {
    // SPEC §9.9: "The application MUST NOT close `tsgi.input`, and MUST NOT use methods other than those in §9.1–§9.4."
    throw violation('9.9', 'tsgi.input.close() must not be called: the server owns the request body. Stop reading instead.');
  }

  async #settled(method: string, result: unknown): Promise<unknown> {
    // SPEC §9.8: "The arguments of `read`, `readline` and `readlines` MUST be integers when given, and every read MUST resolve to a `Uint8Array` (`readlines` to an array of them)."
    if (!isThenable(result)) {
      throw violation('9.8', `the server's tsgi.input.${method}() returned ${describeValue(result)}; it must return a Promise.`);
    }
    return await result;
  }

  async #chunk(method: string, result: unknown): Promise<Uint8Array> {
    const chunk = await this.#settled(method, result);
    // SPEC §9.8: "The arguments of `read`, `readline` and `readlines` MUST be integers when given, and every read MUST resolve to a `Uint8Array` (`readlines` to an array of them)."
    if (!(chunk instanceof Uint8Array)) {
      throw violation('9.8', `the server's tsgi.input.${method}() resolved to ${describeValue(chunk)}; it must resolve to a Uint8Array.`);
    }
    return chunk;
  }

  #deliver(method: string, chunk: Uint8Array, size: number | undefined): void {
    // SPEC §9.11: "A read MUST NOT resolve to more than `size` bytes, and the stream MUST NOT deliver more than `CONTENT_LENGTH` bytes in all."
    if (size !== undefined && size >= 0 && chunk.length > size) {
      throw violation('9.11', `the server's tsgi.input.${method}(${size}) resolved to ${chunk.length} bytes, more than the ${size} asked for.`);
    }
    this.#delivered += chunk.length;
    if (this.#delivered > this.#limit) {
      throw violation(
        '9.11',
        `the server's tsgi.input delivered ${this.#delivered} bytes, more than CONTENT_LENGTH ${this.#limit}; the stream must end there.`,
      );
    }
  }
}

/** The `size` or `hint` argument, checked. */
function checkSize(method: string, args: unknown[]): number | undefined {
  // SPEC §9.8: "The arguments of `read`, `readline` and `readlines` MUST be integers when given, and every read MUST resolve to a `Uint8Array` (`readlines` to an array of them)."
  if (args.length > 1) {
    throw violation('9.8', `tsgi.input.${method}() takes at most one argument; got ${args.length}.`);
  }
  const size = args[0];
  if (size !== undefined && !Number.isInteger(size)) {
    throw violation('9.8', `tsgi.input.${method}() argument must be an integer; got ${describeValue(size)}. Omit it to read everything.`);
  }
  return size as number | undefined;
}
