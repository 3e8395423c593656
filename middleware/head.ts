/**
 * `head()` answers `HEAD` requests with the headers a `GET` would get and no
 * body (RFC 9110 §9.3.2), like Rack::Head. The application still sees
 * `REQUEST_METHOD` `HEAD` — it may skip expensive work — but it need not
 * care: whatever body it returns is dropped, and closed.
 *
 * Why: the gateway already sends no body for `HEAD` (SPEC §8.9), but the
 * layers above this one would still see (and compress, count, hash) the
 * bytes. With `head()` they see an empty body, and the application's body is
 * not iterated further than needed: not at all when it called
 * `startResponse` before returning, else only until it does (a generator
 * may call it before its first `yield`). Data passed to `write()` is dropped.
 *
 * `Content-Length` is kept; for an array body without one it is computed,
 * as the gateway would for a `GET`.
 *
 * When not to use it: when the application already answers `HEAD` with an
 * empty body, or a layer above must see the `GET` body (it cannot: this
 * layer dropped it). Other methods pass through untouched.
 *
 * Where: near the top of the stack, above middleware that transform or
 * measure the body (compress, etag), below access logging.
 *
 * @example
 * const app = compose(accessLog(), head(), compress())(site);
 */
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';
import { arrayByteLength, asAsync, closingBody, hasNoContent } from './_internal/head-body.js';
import { booleanOption, checkOptionNames } from './_internal/head-check-options.js';
import { HeldResponse } from './_internal/head-held-response.js';

export interface HeadOptions {
  /**
   * Add `Content-Length` to a `HEAD` response whose application returned an
   * array body without one (not for 1xx/204/304, nor after `write()`).
   * @default true
   */
  contentLength?: boolean;
}

const OPTION_NAMES = ['contentLength'];
const EMPTY = new Uint8Array(0);

/** Drops the body of `HEAD` responses, keeping their headers. */
export function head(options?: HeadOptions): Middleware {
  const checked = checkOptionNames('head()', options, OPTION_NAMES);
  const computeLength = booleanOption('head()', 'contentLength', checked.contentLength, true);

  return function headMiddleware(app: Application): Application {
    return async function headApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      if (environ.REQUEST_METHOD !== 'HEAD') return app(environ, startResponse);
      // write() data is dropped: a HEAD response has no body (RFC 9110 §9.3.2).
      const held = new HeldResponse(startResponse, { write: async () => undefined });
      const body = await app(environ, held.startResponse);
      // An array without startResponse breaks SPEC §6.15: let the server report it.
      if (Array.isArray(body) && !held.called) return body;
      if (Array.isArray(body)) {
        const headers = held.headers;
        const declared = headers.some(([name]) => name.toLowerCase() === 'content-length');
        const length = arrayByteLength(body);
        if (computeLength && !declared && !held.wrote && !hasNoContent(held.code) && length !== undefined) {
          headers.push(['Content-Length', String(length)]);
          held.forward();
          return closingBody([], body);
        }
      }
      if (held.called) {
        held.forward();
        // Not an array: the gateway must not compute `Content-Length: 0` for it.
        return closingBody(emptyChunks(), body);
      }
      return closingBody(untilStarted(body, held), body);
    };
  };
}

async function* emptyChunks(): AsyncGenerator<Uint8Array> {}

/** Pulls the body only until the application calls startResponse, yielding an empty chunk per chunk (SPEC §12.3). */
async function* untilStarted(body: Body, held: HeldResponse): AsyncGenerator<Uint8Array> {
  for await (const _chunk of asAsync(body)) {
    if (held.called) break;
    yield EMPTY;
  }
  if (held.called) {
    held.forward();
    yield EMPTY;
  }
}
