/**
 * `FileResponse`: a file sent in blocks (Django's `FileResponse`), with
 * Content-Length from the file's size, Content-Type guessed from the file
 * name (unless given), and Content-Disposition (`inline`, or `attachment`
 * with `asAttachment`; RFC 6266 `filename*=utf-8''…` for a name that is
 * not plain ASCII). `sendResponse()` hands the file to the server's
 * `tsgi.file_wrapper` when offered, so a server may send it its fastest
 * way; the file is closed when the response is closed.
 *
 * Give a path (opened now, so a missing file throws in the view) or an
 * open file-like object (`read(size)`, optionally `close()`).
 *
 * @example
 * return new FileResponse('reports/2024.pdf', { asAttachment: true });
 */
import { Buffer } from 'node:buffer';
import { close, fstatSync, openSync, read } from 'node:fs';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { describeValue } from '../../protocol/describe-value.js';
import { FileWrapper } from '../../protocol/file-wrapper.js';
import type { FileLike } from '../../protocol/types.js';
import { guessContentType } from './guess-content-type.js';
import { StreamingHttpResponse, type StreamingHttpResponseOptions } from './streaming-response.js';

export interface FileResponseOptions extends StreamingHttpResponseOptions {
  /** `Content-Disposition: attachment` (download) instead of `inline`. @default false */
  asAttachment?: boolean;
  /** The name the client sees; default: the path's base name. */
  filename?: string;
  /** The size in bytes, for a file-like object (a path's size is read from the file). */
  size?: number;
  /** How much each read asks for. @default 8192 */
  blockSize?: number;
}

const readAsync = promisify(read);
const closeAsync = promisify(close);

/** A file opened synchronously by descriptor, read from its current position. */
class DescriptorFile implements FileLike {
  readonly path: string;
  readonly fd: number;
  #closing: Promise<void> | undefined;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'r');
  }

  async read(size: number): Promise<Uint8Array> {
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await readAsync(this.fd, buffer, 0, size, null);
    return bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
  }

  close(): Promise<void> {
    return (this.#closing ??= closeAsync(this.fd));
  }
}

/** Django's `content_disposition_header()`. */
export function contentDisposition(asAttachment: boolean, filename: string): string | undefined {
  if (!asAttachment && filename === '') return undefined;
  const disposition = asAttachment ? 'attachment' : 'inline';
  if (filename === '') return disposition;
  // A quoted-string holds HTAB, SP and VCHAR; '"' and '\' escaped.
  if (/^[\t \x21-\x7E]*$/.test(filename)) return `${disposition}; filename="${filename.replace(/[\\"]/g, '\\$&')}"`;
  const encoded = encodeURIComponent(filename).replace(/['()*!]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename*=utf-8''${encoded}`;
}

export class FileResponse extends StreamingHttpResponse {
  /** The file being sent. */
  readonly file: FileLike;
  readonly blockSize: number;
  readonly asAttachment: boolean;
  /** The name in Content-Disposition (`''` when none). */
  readonly filename: string;

  constructor(fileOrPath: string | FileLike, options: FileResponseOptions = {}) {
    const { asAttachment = false, filename, size, blockSize = 8192, ...responseOptions } = options;
    let file: FileLike;
    let length = size;
    let name = filename ?? '';
    if (typeof fileOrPath === 'string') {
      const opened = new DescriptorFile(fileOrPath);
      const stat = fstatSync(opened.fd);
      if (!stat.isFile()) {
        void opened.close();
        throw new TypeError(`FileResponse ${describeValue(fileOrPath)} is not a regular file. Give the path of a file.`);
      }
      file = opened;
      length ??= stat.size;
      if (filename === undefined) name = basename(fileOrPath);
    } else if (fileOrPath !== null && typeof fileOrPath === 'object' && typeof fileOrPath.read === 'function') {
      file = fileOrPath;
      const path = (fileOrPath as { path?: unknown }).path;
      if (filename === undefined && typeof path === 'string') name = basename(path);
    } else {
      throw new TypeError(`FileResponse needs a path or a file with a read(size) method; got ${describeValue(fileOrPath)}.`);
    }
    const explicitType = responseOptions.contentType !== undefined;
    const wrapper = new FileWrapper(file, blockSize);
    super(wrapper, responseOptions);
    this.file = file;
    this.blockSize = blockSize;
    this.asAttachment = asAttachment;
    this.filename = name;
    if (length !== undefined) this.headers.set('Content-Length', String(length));
    if (!explicitType) this.headers.set('Content-Type', name === '' ? 'application/octet-stream' : guessContentType(name));
    const disposition = contentDisposition(asAttachment, name);
    if (disposition !== undefined) this.headers.set('Content-Disposition', disposition);
  }
}
