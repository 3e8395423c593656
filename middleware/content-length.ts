/**
 * `contentLength()` adds a `Content-Length` header to responses whose body is
 * a known set of chunks (an array) and that declare none, like
 * Rack::ContentLength.
 *
 * Why: the tsgi gateway already computes it for an array body (SPEC §8.8),
 * but middleware above this one, adapters and other servers only see the
 * headers; with the length there they can log, cache or forward it without
 * guessing, and the client gets a length instead of chunked coding.
 *
 * It never buffers: a streamed body passes through untouched (its length is
 * not known until the end), and so does a response that used `write()`.
 * Skipped for 1xx/204/304 (no content, RFC 9110 §8.6), when a
 * `Transfer-Encoding` is present, and for `HEAD` requests: an application
 * may answer `HEAD` with an empty array, and `0` would misstate the `GET`
 * length (`head()` computes the length for `HEAD` from the `GET` body).
 *
 * When not to use it: when everything above is the tsgi gateway, which does
 * this itself.
 *
 * Where: below middleware that read `Content-Length` (access logs, caches),
 * and below any middleware that changes the body (compress, etag), so the
 * length is the length of the bytes sent.
 *
 * @example
 * const app = compose(accessLog(), contentLength())(site);
 */
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';
import { arrayByteLength, hasNoContent } from './_internal/head-body.js';
import { checkOptionNames } from './_internal/head-check-options.js';
import { HeldResponse } from './_internal/head-held-response.js';

/** contentLength() has no settings yet; the interface is there for the shape every middleware shares. */
export interface ContentLengthOptions {}

const OPTION_NAMES: string[] = [];

/** Adds `Content-Length` for array bodies. */
export function contentLength(options?: ContentLengthOptions): Middleware {
  checkOptionNames('contentLength()', options, OPTION_NAMES);

  return function contentLengthMiddleware(app: Application): Application {
    return async function contentLengthApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      if (environ.REQUEST_METHOD === 'HEAD') return app(environ, startResponse);
      const held = new HeldResponse(startResponse);
      const body = await app(environ, held.startResponse);
      if (Array.isArray(body) && held.called && !held.forwarded && !hasNoContent(held.code)) {
        const length = arrayByteLength(body);
        const names = held.headers.map(([name]) => name.toLowerCase());
        if (length !== undefined && !names.includes('content-length') && !names.includes('transfer-encoding')) {
          held.headers.push(['Content-Length', String(length)]);
        }
      }
      // Nothing more to decide: pass the response on now, or whenever the app starts it.
      held.release();
      return body;
    };
  };
}
