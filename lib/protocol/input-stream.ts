/**
 * `tsgi.input`: the request body as an application reads it (PEP 3333
 * "Input and Error Streams", made asynchronous).
 *
 * The stream pulls from its source only when a read needs more bytes, so a
 * large upload read in blocks never sits in memory whole: at most one read's
 * worth plus the unread tail of the last chunk is buffered. It never pulls
 * past `contentLength` and simulates end of input there (PEP 3333 note 1),
 * because the bytes after the body may be the next request on the connection.
 */
import { Buffer } from 'node:buffer';
import { describeValue } from './describe-value.js';
import { ClientDisconnected } from './errors.js';
import type { InputStream } from './types.js';

export interface InputStreamOptions {
  /** Stop (simulate EOF) after this many bytes: the request's CONTENT_LENGTH. Omitted: read to the end of the source. */
  contentLength?: number;
  /** Called once, just before the first pull from the source (the gateway sends `100 Continue` from here). */
  onFirstRead?: () => void;
}

type Source = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array | null;
type ChunkIterator = AsyncIterator<Uint8Array> | Iterator<Uint8Array>;

const EMPTY: Uint8Array = Buffer.alloc(0);
const NEWLINE = 0x0a;

/**
 * Builds a `tsgi.input` over a body source: an (async) iterable of chunks
 * (a node:http request is one), a whole body, or `null` for no body.
 */
export function createInputStream(source: Source, options: InputStreamOptions = {}): InputStream {
  const { contentLength, onFirstRead } = options;
  if (contentLength !== undefined && !(Number.isSafeInteger(contentLength) && contentLength >= 0)) {
    throw new TypeError(
      `createInputStream() contentLength must be a non-negative integer; got ${String(contentLength)}. Omit it to read to the end of the source.`,
    );
  }
  return new BodyInputStream(source, contentLength ?? Infinity, onFirstRead);
}

/** `size` as PEP 3333 allows it: omitted or negative means "everything". */
function checkSize(method: string, size: number | undefined): number {
  if (size === undefined) return Infinity;
  if (typeof size !== 'number' || !Number.isInteger(size)) {
    throw new TypeError(
      `tsgi.input.${method}() size must be an integer; got ${describeValue(size)}. Omit it (or pass -1) to read everything.`,
    );
  }
  return size < 0 ? Infinity : size;
}

class BodyInputStream implements InputStream {
  #source: Source;
  #iterator: ChunkIterator | undefined;
  #limit: number;
  #onFirstRead: (() => void) | undefined;
  #started = false;
  #exhausted = false;
  #failure: ClientDisconnected | undefined;
  /** Bytes taken from the source so far (after cutting at the limit). */
  #received = 0;
  /** Pulled but unread chunks; the first is read from `#offset`. */
  #chunks: Uint8Array[] = [];
  #offset = 0;
  #buffered = 0;
  /** Reads run one after another: a read waits for the one before it. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(source: Source, limit: number, onFirstRead: (() => void) | undefined) {
    this.#source = source;
    this.#limit = limit;
    this.#onFirstRead = onFirstRead;
  }

  get [Symbol.toStringTag](): string {
    return 'InputStream';
  }

  async read(size?: number): Promise<Uint8Array> {
    const wanted = checkSize('read', size);
    return this.#exclusive(async () => {
      while (this.#buffered < wanted && (await this.#pull()));
      return this.#take(Math.min(wanted, this.#buffered));
    });
  }

  async readline(size?: number): Promise<Uint8Array> {
    const limit = checkSize('readline', size);
    return this.#exclusive(() => this.#readline(limit));
  }

  async readlines(hint?: number): Promise<Uint8Array[]> {
    const stopAfter = checkSize('readlines', hint);
    // One exclusive operation, so a concurrent read cannot take lines from the middle.
    return this.#exclusive(async () => {
      const lines: Uint8Array[] = [];
      let total = 0;
      // A hint of 0 means "no hint", as for Python's IOBase.readlines().
      while (stopAfter === 0 || total < stopAfter) {
        const line = await this.#readline(Infinity);
        if (line.length === 0) break;
        lines.push(line);
        total += line.length;
      }
      return lines;
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /** Runs `operation` after every earlier read; after a disconnect, every read rejects. */
  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(() => {
      if (this.#failure) throw this.#failure;
      return operation();
    });
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async #readline(limit: number): Promise<Uint8Array> {
    let scanned = 0;
    for (;;) {
      const end = this.#findNewline(scanned, limit);
      if (end >= 0) return this.#take(end + 1);
      scanned = this.#buffered;
      if (this.#buffered >= limit) return this.#take(limit);
      if (!(await this.#pull())) return this.#take(this.#buffered);
    }
  }

  /** Pulls one more non-empty chunk into the buffer; false at end of input. */
  async #pull(): Promise<boolean> {
    if (this.#exhausted) return false;
    if (this.#received >= this.#limit) {
      this.#exhausted = true;
      return false;
    }
    if (!this.#started) {
      this.#started = true;
      this.#onFirstRead?.();
      this.#iterator = this.#open();
    }
    for (;;) {
      let step: IteratorResult<Uint8Array>;
      try {
        step = await this.#iterator!.next();
      } catch (error) {
        throw this.#fail(error);
      }
      if (step.done) {
        if (this.#limit !== Infinity) throw this.#fail(undefined);
        this.#exhausted = true;
        return false;
      }
      let chunk = step.value;
      if (!(chunk instanceof Uint8Array)) {
        throw new TypeError(
          `tsgi.input source must yield Uint8Array chunks; got ${describeValue(chunk)}. Encode text with Buffer.from() before passing it.`,
        );
      }
      if (chunk.length === 0) continue;
      const room = this.#limit - this.#received;
      if (chunk.length > room) chunk = chunk.subarray(0, room);
      this.#received += chunk.length;
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      return true;
    }
  }

  #open(): ChunkIterator {
    const source = this.#source;
    this.#source = null;
    if (source === null) return [][Symbol.iterator]();
    if (source instanceof Uint8Array) return [source][Symbol.iterator]();
    if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
    return source[Symbol.iterator]();
  }

  #fail(cause: unknown): ClientDisconnected {
    const expected = this.#limit === Infinity ? '' : ` of ${this.#limit}`;
    this.#failure = new ClientDisconnected(
      `The client disconnected after sending ${this.#received}${expected} request body bytes.`,
      cause === undefined ? undefined : { cause },
    );
    return this.#failure;
  }

  /** Index (in buffered bytes) of the first `\n` at or after `from` and before `limit`, or -1. */
  #findNewline(from: number, limit: number): number {
    let base = 0;
    for (let i = 0; i < this.#chunks.length && base < limit; i++) {
      const chunk = this.#chunks[i]!;
      const start = i === 0 ? this.#offset : 0;
      const length = chunk.length - start;
      if (base + length > from) {
        const found = chunk.indexOf(NEWLINE, start + Math.max(0, from - base));
        if (found >= 0) {
          const at = base + found - start;
          return at < limit ? at : -1;
        }
      }
      base += length;
    }
    return -1;
  }

  /** Removes and returns the first `count` buffered bytes (count <= buffered). */
  #take(count: number): Uint8Array {
    if (count === 0) return EMPTY;
    const first = this.#chunks[0]!;
    this.#buffered -= count;
    if (first.length - this.#offset >= count) {
      const piece = first.subarray(this.#offset, this.#offset + count);
      this.#offset += count;
      if (this.#offset === first.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
      return piece;
    }
    const joined = Buffer.allocUnsafe(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.#chunks[0]!;
      const available = chunk.length - this.#offset;
      const used = Math.min(available, count - filled);
      joined.set(chunk.subarray(this.#offset, this.#offset + used), filled);
      filled += used;
      if (used === available) {
        this.#chunks.shift();
        this.#offset = 0;
      } else {
        this.#offset += used;
      }
    }
    return joined;
  }
}
