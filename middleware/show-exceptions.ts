/**
 * showExceptions: turns what the application throws — before it calls
 * `startResponse`, after, or while its body is iterated — into a `500
 * Internal Server Error` page, and logs the error with its stack to
 * `tsgi.errors`. In production the page is plain and says nothing about the
 * error; with `debug: true` it shows the stack and the environ (values of
 * keys like `HTTP_AUTHORIZATION`, `HTTP_COOKIE`, `*_TOKEN`, `*_SECRET`
 * masked, as Django does), as HTML or text by the request's `Accept`.
 *
 * It follows PEP 3333's error protocol (docs/SPEC.md §6.12): when the
 * application had already called `startResponse` but no byte was sent, it
 * calls `startResponse` again with the error as `excInfo`, which replaces
 * the pending status and headers. Once a byte went out the status cannot
 * change: it re-throws, the server aborts the connection (§15.2) and logs
 * the error, so the client sees a truncated response, never a wrong one.
 * `ClientDisconnected` is re-thrown too: the client left, there is no one to
 * show a page to.
 *
 * When not to use it: `debug: true` in production — the page shows paths,
 * queries and configuration to anyone who triggers an error. Without debug,
 * the gateway already answers a plain 500 (§15.1); use this for its log line
 * and page, or to keep the 500 inside a stack whose outer layers (an access
 * log) should see it. Framework apps have the pipeline's `processException`.
 *
 * Where: near the outside, inside `accessLog()` (which then logs the 500)
 * and outside everything that can fail.
 *
 * @example
 * const app = compose(accessLog(), showExceptions({ debug: process.env.DEBUG === '1' }))(site);
 */
import { logError } from '../lib/gateway/error-response.js';
import { describeValue } from '../lib/protocol/describe-value.js';
import { ClientDisconnected } from '../lib/protocol/errors.js';
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';
import { isBody } from '../lib/protocol/observe-body.js';
import { debugPage, plainPage } from './_internal/show-exceptions-page.js';

export interface ShowExceptionsOptions {
  /** Show the stack and the (masked) environ on the page. Never in production. @default false */
  debug?: boolean;
}

/** What one request has done so far: whether `startResponse` was called, whether a byte went out. */
interface Progress {
  started: boolean;
  sent: boolean;
}

/** Answers what the application throws with a 500 page, while that is still possible. */
export function showExceptions(options: ShowExceptionsOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`showExceptions() options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (name !== 'debug') throw new TypeError(`showExceptions() got an unknown option '${name}'. Known options: debug.`);
  }
  if (options.debug !== undefined && typeof options.debug !== 'boolean') {
    throw new TypeError(`showExceptions() option debug must be a boolean; got ${describeValue(options.debug)}.`);
  }
  const debug = options.debug ?? false;

  return function showExceptionsMiddleware(app: Application): Application {
    return async function showingExceptions(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const progress: Progress = { started: false, sent: false };
      const tracking: StartResponse = (status, headers, excInfo) => {
        progress.started = true;
        const write = startResponse(status, headers, excInfo);
        return (chunk) => {
          if (chunk.length > 0) progress.sent = true;
          return write(chunk);
        };
      };
      /** The error page, or a re-throw when it is too late for one. */
      const errorPage = (error: unknown): Uint8Array[] => {
        if (progress.sent || error instanceof ClientDisconnected) throw error;
        logError(environ['tsgi.errors'], 'showExceptions: Application error', environ.REQUEST_METHOD, target(environ), error);
        const page = debug ? debugPage(error, environ) : plainPage();
        const headers: Array<[string, string]> = [['Content-Type', page.contentType], ['Content-Length', String(page.body.length)]];
        // SPEC §6.12: a second call must carry the error; it replaces the pending head.
        startResponse('500 Internal Server Error', headers, progress.started ? error : undefined);
        progress.started = true;
        return [page.body];
      };
      let body: Body;
      try {
        body = await app(environ, tracking);
      } catch (error) {
        return errorPage(error);
      }
      // An array cannot fail while it is read; anything else that is not a body is the server's to report.
      if (Array.isArray(body) || !isBody(body)) return body;
      return guard(body, progress, errorPage);
    };
  };
}

/** The body's chunks, one for one; a failure before the first byte becomes the error page. */
function guard(body: Body, progress: Progress, errorPage: (error: unknown) => Uint8Array[]): Body {
  let closed = false;
  const close = (): unknown => {
    if (closed) return undefined;
    closed = true;
    return body.close?.();
  };
  if (typeof (body as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function') {
    return Object.assign(
      (async function* guarded() {
        try {
          for await (const chunk of body as AsyncIterable<Uint8Array>) {
            if (chunk.length > 0) progress.sent = true;
            yield chunk;
          }
        } catch (error) {
          yield* errorPage(error);
        }
      })(),
      { close },
    );
  }
  return Object.assign(
    (function* guarded() {
      try {
        for (const chunk of body as Iterable<Uint8Array>) {
          if (chunk.length > 0) progress.sent = true;
          yield chunk;
        }
      } catch (error) {
        yield* errorPage(error);
      }
    })(),
    { close },
  );
}

function target(environ: Environ): string {
  return environ.REQUEST_URI ?? `${environ.SCRIPT_NAME}${environ.PATH_INFO}`;
}
