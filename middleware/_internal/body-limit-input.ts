/**
 * `tsgi.input` with a ceiling, for `bodyLimit()` on requests whose length is
 * not known in advance (chunked). It asks the stream below for at most one
 * byte more than the limit allows, so a body past the limit is detected
 * without buffering it, and then every read rejects with the error
 * `tooLarge()` makes.
 */
import { Buffer } from 'node:buffer';
import type { InputStream } from '../../lib/protocol/types.js';

/** `read()` without a size pulls in blocks of this many bytes, to stay within the limit + 1. */
const BLOCK = 64 * 1024;

export class LimitedInput implements InputStream {
  readonly #input: InputStream;
  readonly #limit: number;
  readonly #tooLarge: () => Error;
  #delivered = 0;
  #failure: Error | undefined;

  constructor(input: InputStream, limit: number, tooLarge: () => Error) {
    this.#input = input;
    this.#limit = limit;
    this.#tooLarge = tooLarge;
  }

  get [Symbol.toStringTag](): string {
    return 'InputStream';
  }

  /** The error the reads rejected with, once the body went past the limit. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  async read(size?: number): Promise<Uint8Array> {
    this.#check();
    if (size !== undefined && size >= 0) return this.#count(await this.#input.read(Math.min(size, this.#room())));
    const parts: Uint8Array[] = [];
    for (;;) {
      const chunk = this.#count(await this.#input.read(Math.min(BLOCK, this.#room())));
      if (chunk.length === 0) return Buffer.concat(parts);
      parts.push(chunk);
    }
  }

  async readline(size?: number): Promise<Uint8Array> {
    this.#check();
    const wanted = size !== undefined && size >= 0 ? size : Infinity;
    return this.#count(await this.#input.readline(Math.min(wanted, this.#room())));
  }

  async readlines(hint?: number): Promise<Uint8Array[]> {
    const lines: Uint8Array[] = [];
    let total = 0;
    while (hint === undefined || hint <= 0 || total < hint) {
      const line = await this.readline();
      if (line.length === 0) break;
      lines.push(line);
      total += line.length;
    }
    return lines;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /** One byte more than may still be delivered: reading it proves the body too large. */
  #room(): number {
    return this.#limit - this.#delivered + 1;
  }

  #check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #count(chunk: Uint8Array): Uint8Array {
    this.#delivered += chunk.length;
    if (this.#delivered > this.#limit) {
      this.#failure = this.#tooLarge();
      throw this.#failure;
    }
    return chunk;
  }
}
