/**
 * `parseUrlencoded()`: an `application/x-www-form-urlencoded` body as a
 * QueryDict (Django's `_load_post_and_files` for that type). RFC 1866 gives
 * this type no charset: it is always UTF-8, and a request declaring another
 * charset is refused with `BadRequest`.
 */
import { Buffer } from 'node:buffer';
import { BadRequest } from '../errors.js';
import { QueryDict } from './query-dict.js';

/** `encoding` is the request's declared charset (null: none). */
export function parseUrlencoded(body: Uint8Array, encoding: string | null, maxFields: number | null): QueryDict {
  if (encoding !== null && !/^utf[-_]?8$/i.test(encoding)) {
    throw new BadRequest(
      `HTTP requests with the 'application/x-www-form-urlencoded' content type must be UTF-8 encoded; got charset '${encoding}'. ` +
        'Send the form as UTF-8.',
    );
  }
  const raw = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  return QueryDict.fromByteString(raw, { encoding: 'utf-8', maxFields });
}
