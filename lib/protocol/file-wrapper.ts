/**
 * `tsgi.file_wrapper`: a body that reads a file in blocks (PEP 3333
 * "Optional Platform-Specific File Handling"). Returning `FileWrapper`
 * instead of reading the file yourself lets a server recognise it (by
 * class, with `file` and `blockSize` public) and send the file its fastest
 * way; any other server just iterates it.
 *
 * Nothing is read until the server iterates, since a middleware may still
 * replace the response. The file is closed by `close()` (which the server
 * always calls), never on reaching the end: that is wsgiref's behaviour,
 * and it lets a caller reuse a file it still owns.
 *
 * @example
 * const app: Application = async (environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'application/pdf']]);
 *   return environ['tsgi.file_wrapper']!(await openFile('report.pdf'));
 * };
 */
import { Buffer } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { describeValue } from './describe-value.js';
import type { FileLike, FileWrapperFactory } from './types.js';

const DEFAULT_BLOCK_SIZE = 8192;

export class FileWrapper implements AsyncIterable<Uint8Array> {
  readonly file: FileLike;
  /** How much each `file.read()` asks for; a suggestion a server may ignore. */
  readonly blockSize: number;
  #closed = false;

  constructor(file: FileLike, blockSize: number = DEFAULT_BLOCK_SIZE) {
    if (typeof (file as FileLike | null)?.read !== 'function') {
      throw new TypeError(`FileWrapper needs a file with a read(size) method; got ${describeValue(file)}. Use openFile(path) for a path.`);
    }
    if (!Number.isSafeInteger(blockSize) || blockSize < 1) {
      throw new RangeError(`FileWrapper blockSize must be a positive integer; got ${describeValue(blockSize)}. Omit it for ${DEFAULT_BLOCK_SIZE}.`);
    }
    this.file = file;
    this.blockSize = blockSize;
  }

  /** Blocks from the file's current position until `read()` returns an empty chunk. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const chunk: unknown = await this.file.read(this.blockSize);
      if (!(chunk instanceof Uint8Array)) {
        throw new TypeError(
          `FileWrapper: file.read() returned ${describeValue(chunk)}; it must return a Uint8Array, empty at end of file.`,
        );
      }
      if (chunk.length === 0) return;
      yield chunk;
    }
  }

  /** Closes the file, once; returns what the file's `close()` returned (a Promise for `openFile()`). */
  close(): unknown {
    if (this.#closed) return undefined;
    this.#closed = true;
    return this.file.close?.();
  }

  get [Symbol.toStringTag](): string {
    return 'FileWrapper';
  }
}

/** The standard `tsgi.file_wrapper` a server puts in the environ. */
export const fileWrapper: FileWrapperFactory = (file, blockSize) => new FileWrapper(file, blockSize);

/** A file opened by `openFile()`: reads from the current position; `handle` is there for servers. */
export interface OpenFile extends FileLike {
  readonly path: string;
  readonly handle: FileHandle;
  read(size: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Opens `path` for reading as a `FileLike`, ready for `tsgi.file_wrapper`. */
export async function openFile(path: string): Promise<OpenFile> {
  const handle = await open(path, 'r');
  let closing: Promise<void> | undefined;
  return {
    path,
    handle,
    async read(size: number): Promise<Uint8Array> {
      if (!Number.isSafeInteger(size) || size < 0) {
        throw new RangeError(`openFile(...).read() size must be a non-negative integer; got ${describeValue(size)}.`);
      }
      const buffer = Buffer.allocUnsafe(size);
      // A null position reads from, and advances, the file's current position.
      const { bytesRead } = await handle.read(buffer, 0, size, null);
      return bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
    },
    close(): Promise<void> {
      closing ??= handle.close();
      return closing;
    },
  };
}
