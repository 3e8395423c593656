/**
 * `requestWatch(hooks)`: a middleware that tells a prefork worker when each
 * request starts and when the server has closed its body — what the worker
 * needs for `--harakiri` (report the oldest request in progress to the
 * master *before* the application runs, so a loop that blocks at once is
 * still caught), `--log-slow`, and the after-request checks of
 * `--max-requests` and `--reload-on-rss`.
 *
 * The body passes through unchanged (`observeBody`), so framing, backpressure
 * and `close()` are the application's own.
 *
 * @example
 * const app = requestWatch({ started: (r) => send(r), ended: (r, ms) => check(ms) })(site);
 */
import { isBody, observeBody } from '../protocol/observe-body.js';
import type { Application, Body, Environ, Middleware, StartResponse } from '../protocol/types.js';
import type { CurrentRequest } from './worker-stats.js';

export interface RequestWatchHooks {
  /** The request arrived; `oldest` is the oldest request in progress (this one when the worker was idle). */
  started?(request: CurrentRequest, oldest: CurrentRequest): void;
  /** The body was closed (or the application failed); `oldest` is what is left in progress. */
  ended?(request: CurrentRequest, elapsedMs: number, oldest: CurrentRequest | null): void;
}

/** Calls `hooks` around every request; hooks must not throw (they run on the response's path). */
export function requestWatch(hooks: RequestWatchHooks, now: () => number = Date.now): Middleware {
  // Insertion order is arrival order: the first is the oldest.
  const inFlight = new Set<CurrentRequest>();
  const oldest = (): CurrentRequest | null => inFlight.values().next().value ?? null;

  return function watchMiddleware(app: Application): Application {
    return async function watchedApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const request: CurrentRequest = { method: environ.REQUEST_METHOD, uri: environ.REQUEST_URI ?? environ.PATH_INFO, startedAt: now() };
      inFlight.add(request);
      hooks.started?.(request, oldest() ?? request);
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        inFlight.delete(request);
        hooks.ended?.(request, now() - request.startedAt, oldest());
      };
      let body: Body;
      try {
        body = await app(environ, startResponse);
      } catch (error) {
        finish();
        throw error;
      }
      if (!isBody(body)) {
        finish();
        return body;
      }
      return observeBody(body, { closed: finish });
    };
  };
}
