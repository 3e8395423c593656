/**
 * `readBody()`: the whole request body from `tsgi.input`, refusing, with
 * `RequestDataTooBig`, one larger than the limit (Django's
 * DATA_UPLOAD_MAX_MEMORY_SIZE) without buffering it: a declared
 * CONTENT_LENGTH over the limit is refused before reading a byte, and a
 * chunked body (no CONTENT_LENGTH, `tsgi.input_terminated`) is read in
 * blocks and refused as soon as the count passes the limit.
 */
import { Buffer } from 'node:buffer';
import { RequestDataTooBig } from '../errors.js';
import type { Environ } from '../../protocol/types.js';

const BLOCK = 64 * 1024;
const EMPTY = new Uint8Array(0);

/** CONTENT_LENGTH as a number; 0 when absent or invalid (Django). */
export function contentLength(environ: Environ): number {
  const raw = environ.CONTENT_LENGTH;
  if (raw === undefined || raw === '') return 0;
  const length = Number(raw);
  return Number.isSafeInteger(length) && length >= 0 ? length : 0;
}

/** True when the request has a body to read: a positive CONTENT_LENGTH, or a chunked body. */
export function hasBody(environ: Environ): boolean {
  return contentLength(environ) > 0 || environ['tsgi.input_terminated'] === true;
}

function tooBig(limit: number, detail: string): RequestDataTooBig {
  return new RequestDataTooBig(
    `Request body exceeded dataUploadMaxMemorySize (${limit} bytes): ${detail}. ` +
      'Raise dataUploadMaxMemorySize (null for no limit), or stream tsgi.input yourself.',
  );
}

/** The body's bytes; `limit` null means no limit. */
export async function readBody(environ: Environ, limit: number | null): Promise<Uint8Array> {
  const declared = contentLength(environ);
  if (limit !== null && declared > limit) throw tooBig(limit, `CONTENT_LENGTH is ${declared}`);
  if (!hasBody(environ)) return EMPTY;
  const input = environ['tsgi.input'];
  if (declared > 0 && environ['tsgi.input_terminated'] !== true) return input.read();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const chunk = await input.read(BLOCK);
    if (chunk.length === 0) break;
    received += chunk.length;
    if (limit !== null && received > limit) throw tooBig(limit, `more than ${limit} bytes were sent`);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
}
