/**
 * `etag()` gives responses whose whole body is known (an array of chunks) an
 * `ETag` computed from their bytes, like Rack::ETag, so `conditionalGet()`
 * and caches can revalidate them.
 *
 * Why: an application that builds its page in memory rarely has a cheap
 * validator; hashing the bytes gives one for free, and a client revalidating
 * with `If-None-Match` then gets a 304 instead of the page.
 *
 * It buffers nothing: a streamed body passes through untouched, since its
 * bytes are not known until it is sent (SPEC §12.3). Only `200`/`201`
 * responses without an `ETag`, without `Cache-Control: no-cache`/`no-store`
 * and without `write()` data are tagged. The tag is weak by default
 * (`W/"…"`): it says "same content", which is what a hash of a page that may
 * later be compressed can promise (RFC 9110 §8.8.3).
 *
 * When not to use it: when the application can compute a validator without
 * rendering (a version, an mtime) — set that and skip the hashing; or for
 * large bodies, where hashing costs more than sending.
 *
 * Where: directly below `conditionalGet()`, which answers with the tag, and
 * below compress (compress weakens strong tags anyway).
 *
 * @example
 * const app = compose(conditionalGet(), etag())(site);
 */
import { createHash } from 'node:crypto';
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';
import { arrayByteLength } from './_internal/head-body.js';
import { booleanOption, checkOptionNames } from './_internal/head-check-options.js';
import { HeldResponse } from './_internal/head-held-response.js';

export interface EtagOptions {
  /**
   * Send a weak tag (`W/"…"`); `false` sends a strong one, a promise that the
   * bytes are identical (needed for `If-Range` / `If-Match`).
   * @default true
   */
  weak?: boolean;
}

const OPTION_NAMES = ['weak'];
const TAGGED_STATUSES = [200, 201];

/** Adds an `ETag` hashed from an array body. */
export function etag(options?: EtagOptions): Middleware {
  const checked = checkOptionNames('etag()', options, OPTION_NAMES);
  const weak = booleanOption('etag()', 'weak', checked.weak, true);

  return function etagMiddleware(app: Application): Application {
    return async function etagApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const held = new HeldResponse(startResponse);
      const body = await app(environ, held.startResponse);
      if (Array.isArray(body) && held.called && !held.forwarded && TAGGED_STATUSES.includes(held.code) && taggable(held.headers)) {
        const tag = hashChunks(body);
        if (tag !== undefined) held.headers.push(['ETag', weak ? `W/"${tag}"` : `"${tag}"`]);
      }
      held.release();
      return body;
    };
  };
}

function taggable(headers: Array<[string, string]>): boolean {
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'etag') return false;
    if (lower === 'cache-control' && /(^|,)\s*no-(cache|store)\b/i.test(value)) return false;
  }
  return true;
}

/** 27 base64url characters of SHA-256: 160 bits, plenty for telling versions of one resource apart. */
function hashChunks(chunks: readonly unknown[]): string | undefined {
  if (arrayByteLength(chunks) === undefined) return undefined;
  const hash = createHash('sha256');
  for (const chunk of chunks as Uint8Array[]) hash.update(chunk);
  return hash.digest('base64url').slice(0, 27);
}
