/**
 * `UploadedFile`: one file of a multipart upload, as `request.FILES` holds
 * it (Django's `UploadedFile`). A small file is kept in memory; one larger
 * than `fileUploadMaxMemorySize` was streamed to a temporary file (`path`),
 * which `close()` deletes — `request.close()` closes every file of the
 * request, and the pipeline closes the request when the response is done.
 * Move or copy the file before then to keep it.
 *
 * @example
 * const avatar = request.FILES.get('avatar');
 * if (avatar) await writeFile(`media/${avatar.name}`, await avatar.bytes());
 */
import { readFile, rm } from 'node:fs/promises';
import { inspect } from 'node:util';
import { describeValue } from '../../protocol/describe-value.js';
import { TsgiError } from '../../protocol/errors.js';

export interface UploadedFileInit {
  fieldName: string;
  name: string;
  contentType: string;
  charset?: string | null;
  size: number;
  /** The content, for a file kept in memory. */
  data?: Uint8Array;
  /** The temporary file holding the content, for a large file. */
  path?: string;
}

export class UploadedFile {
  /** The form field the file came in. */
  readonly fieldName: string;
  /** The client's file name, sanitised: no directories, no control characters. */
  readonly name: string;
  /** The part's Content-Type as the client declared it (not checked). */
  readonly contentType: string;
  readonly charset: string | null;
  /** The size in bytes. */
  readonly size: number;
  /** The temporary file holding the content, when it was too large for memory. */
  readonly path: string | undefined;
  #data: Uint8Array | undefined;
  #closed = false;

  constructor(init: UploadedFileInit) {
    this.fieldName = init.fieldName;
    this.name = init.name;
    this.contentType = init.contentType;
    this.charset = init.charset ?? null;
    this.size = init.size;
    this.path = init.path;
    this.#data = init.data;
    if ((init.data === undefined) === (init.path === undefined)) {
      throw new TypeError(`UploadedFile ${describeValue(init.name)} needs exactly one of data and path.`);
    }
  }

  /** True when the content is in memory (no temporary file). */
  get inMemory(): boolean {
    return this.#data !== undefined;
  }

  /** The whole content. */
  async bytes(): Promise<Uint8Array> {
    if (this.#data !== undefined) return this.#data;
    if (this.#closed) {
      throw new TsgiError(
        `UploadedFile ${describeValue(this.name)} was closed and its temporary file deleted. Read it before the request is closed.`,
      );
    }
    return readFile(this.path!);
  }

  /** The whole content (Django's `read()`). */
  read(): Promise<Uint8Array> {
    return this.bytes();
  }

  /** The content decoded with the file's charset (UTF-8 when it has none). */
  async text(): Promise<string> {
    return new TextDecoder(this.charset ?? 'utf-8').decode(await this.bytes());
  }

  /** Deletes the temporary file, if any; later reads of such a file throw. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.path !== undefined) await rm(this.path, { force: true });
  }

  toString(): string {
    return `<UploadedFile: ${this.name} (${this.contentType})>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * A client's file name made safe to use as a base name (Django's
 * `sanitize_file_name`): only the part after the last `/` or `\`, control
 * characters removed, `.` and `..` refused (`''`).
 */
export function sanitizeFileName(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const clean = base.replace(/[\x00-\x1F\x7F]/g, '').trim();
  return clean === '.' || clean === '..' ? '' : clean;
}
