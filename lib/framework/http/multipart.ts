/**
 * `parseMultipart()`: a `multipart/form-data` body as POST fields and FILES,
 * parsed as it streams in through `@fastify/busboy` (Django's
 * `MultiPartParser`). The body is read from `tsgi.input` one block at a time
 * and the next block is only read once busboy has taken the last one
 * (backpressure), so an upload never sits in memory whole: a file is kept in
 * memory up to `fileUploadMaxMemorySize`, then streamed to a temporary file.
 *
 * Limits, as Django's: `maxFields` non-file fields (TooManyFieldsSent),
 * `maxFiles` files (TooManyFilesSent), `maxMemorySize` bytes of non-file
 * fields, names included (RequestDataTooBig). A part whose file name is
 * empty (an empty `<input type=file>`) is skipped. On any failure the
 * temporary files written so far are deleted before the error is thrown.
 */
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent } from '../errors.js';
import type { InputStream } from '../../protocol/types.js';
import { MultiValueDict } from './multi-value-dict.js';
import { QueryDict } from './query-dict.js';
import { sanitizeFileName, UploadedFile } from './uploaded-file.js';

export interface MultipartLimits {
  maxFields: number | null;
  maxFiles: number | null;
  maxMemorySize: number | null;
  fileMaxMemorySize: number;
}

export interface MultipartResult {
  POST: QueryDict;
  FILES: MultiValueDict<UploadedFile>;
}

/** Where the body comes from: the input stream, or a body already read. */
export type MultipartSource = InputStream | Uint8Array;

const BLOCK = 64 * 1024;

/** Parses a multipart body whose Content-Type (with its boundary) is `contentType`. */
export async function parseMultipart(source: MultipartSource, contentType: string, limits: MultipartLimits): Promise<MultipartResult> {
  const parser = new MultipartRun(contentType, limits);
  try {
    await parser.feed(source);
    return parser.result();
  } catch (error) {
    await parser.discard();
    throw error;
  }
}

class MultipartRun {
  readonly #limits: MultipartLimits;
  readonly #busboy: BusboyInstance;
  readonly #post = new QueryDict('', { mutable: true });
  readonly #files = new MultiValueDict<UploadedFile>();
  readonly #tasks: Array<Promise<void>> = [];
  readonly #tempPaths: string[] = [];
  #fields = 0;
  #fileCount = 0;
  #fieldBytes = 0;
  #failure: Error | undefined;
  #currentFile: Readable | undefined;
  #wake!: () => void;
  /** Resolves when a failure is recorded. */
  readonly #failed = new Promise<void>((resolve) => {
    this.#wake = resolve;
  });

  constructor(contentType: string, limits: MultipartLimits) {
    this.#limits = limits;
    try {
      this.#busboy = Busboy({
        headers: { 'content-type': contentType },
        limits: { fieldSize: limits.maxMemorySize === null ? Infinity : limits.maxMemorySize + 1 },
      });
    } catch (error) {
      throw new MultiPartParserError(
        `Invalid multipart/form-data Content-Type ${JSON.stringify(contentType)}: ${(error as Error).message}. ` +
          'Send the boundary parameter the body uses.',
        { cause: error },
      );
    }
    this.#busboy.on('field', (name, value, _nameTruncated, valueTruncated) => this.#onField(name, value, valueTruncated));
    this.#busboy.on('file', (name, stream, fileName, _encoding, mimeType) => this.#onFile(name, stream, fileName, mimeType));
    // Without a listener, an 'error' event would be thrown; the feed loop reports it.
    this.#busboy.on('error', (error: unknown) => this.#fail(malformed(error)));
  }

  async feed(source: MultipartSource): Promise<void> {
    const busboy = this.#busboy;
    const finished = once(busboy, 'finish').catch(() => undefined);
    if (source instanceof Uint8Array) {
      busboy.write(source);
    } else {
      for (;;) {
        this.#check();
        const chunk = await source.read(BLOCK);
        if (chunk.length === 0) break;
        if (!busboy.write(chunk)) await this.#drained();
      }
    }
    this.#check();
    busboy.end();
    await Promise.race([finished, this.#failed]);
    this.#check();
    await Promise.all(this.#tasks);
    this.#check();
  }

  result(): MultipartResult {
    return { POST: this.#post.makeImmutable() as QueryDict, FILES: this.#files.makeImmutable() };
  }

  /** After a failure: stops the parser and deletes every temporary file. */
  async discard(): Promise<void> {
    this.#currentFile?.destroy();
    await Promise.allSettled(this.#tasks);
    await Promise.all(this.#tempPaths.map((path) => rm(path, { force: true })));
  }

  #onField(name: string, value: string, truncated: boolean): void {
    if (this.#failure !== undefined || name === undefined) return;
    const { maxFields, maxMemorySize } = this.#limits;
    this.#fields++;
    if (maxFields !== null && this.#fields > maxFields) {
      this.#fail(
        new TooManyFieldsSent(
          `The number of GET/POST parameters exceeded dataUploadMaxNumberFields (${maxFields}). ` +
            'Send fewer fields, or raise dataUploadMaxNumberFields (null for no limit).',
        ),
      );
      return;
    }
    // + 2 as Django, to count like an urlencoded body's '&' and '='.
    this.#fieldBytes += Buffer.byteLength(value) + Buffer.byteLength(name) + 2;
    if (maxMemorySize !== null && (truncated || this.#fieldBytes > maxMemorySize)) {
      this.#fail(
        new RequestDataTooBig(
          `Request body exceeded dataUploadMaxMemorySize (${maxMemorySize} bytes) in its non-file fields. ` +
            'Send large data as a file, or raise dataUploadMaxMemorySize (null for no limit).',
        ),
      );
      return;
    }
    this.#post.appendList(name, value);
  }

  #onFile(fieldName: string, stream: Readable, fileName: string, contentType: string): void {
    const name = sanitizeFileName(fileName ?? '');
    if (this.#failure !== undefined || name === '' || fieldName === undefined) {
      stream.resume();
      return;
    }
    const { maxFiles } = this.#limits;
    this.#fileCount++;
    if (maxFiles !== null && this.#fileCount > maxFiles) {
      stream.resume();
      this.#fail(
        new TooManyFilesSent(
          `The number of files exceeded dataUploadMaxNumberFiles (${maxFiles}). ` +
            'Send fewer files, or raise dataUploadMaxNumberFiles (null for no limit).',
        ),
      );
      return;
    }
    this.#currentFile = stream;
    const task = this.#receiveFile(fieldName, name, contentType, stream).catch((error: unknown) => this.#fail(malformed(error)));
    this.#tasks.push(task);
  }

  async #receiveFile(fieldName: string, name: string, contentType: string, stream: Readable): Promise<void> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let handle: FileHandle | undefined;
    let path: string | undefined;
    try {
      for await (const chunk of stream as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        if (handle === undefined && size > this.#limits.fileMaxMemorySize) {
          path = join(tmpdir(), `tsgi-upload-${randomUUID()}`);
          this.#tempPaths.push(path);
          handle = await open(path, 'wx', 0o600);
          for (const held of chunks) await handle.write(held);
          chunks.length = 0;
        }
        if (handle === undefined) chunks.push(chunk);
        else await handle.write(chunk);
      }
    } finally {
      await handle?.close();
    }
    const init = { fieldName, name, contentType, size };
    const file =
      path === undefined
        ? new UploadedFile({ ...init, data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) })
        : new UploadedFile({ ...init, path });
    this.#files.appendList(fieldName, file);
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.#currentFile?.destroy();
    this.#wake();
  }

  async #drained(): Promise<void> {
    // once() rejects on 'error' with busboy's raw error; #fail has already recorded it, wrapped.
    await Promise.race([once(this.#busboy, 'drain').catch(() => undefined), this.#failed]);
    this.#check();
  }

  #check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
}

function malformed(error: unknown): Error {
  if (error instanceof TooManyFieldsSent || error instanceof TooManyFilesSent || error instanceof RequestDataTooBig) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new MultiPartParserError(
    `The multipart/form-data body could not be parsed: ${detail}. Check that the client sends a complete body with the boundary of its Content-Type.`,
    { cause: error },
  );
}
