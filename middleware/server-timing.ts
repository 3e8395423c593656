/**
 * serverTiming: tells the client how long the application took before it
 * answered — `Server-Timing: app;dur=12.3` (W3C Server Timing; browsers
 * show it in their network panel) and/or Rack's `X-Runtime: 0.012300`
 * (seconds) — and, with `onSlow`, reports the requests that took longer than
 * `slowMs` in all, for "which requests are slow" logging.
 *
 * The header can only carry the time until the application called
 * `startResponse` (the headers leave before the body is produced); the total,
 * body included, is measured until the server closes the body and goes to
 * `onSlow`, called once the response is over. The body is passed on chunk by
 * chunk and an array stays an array.
 *
 * When not to use it: on a public site, timings help an attacker tell
 * "user exists" from "wrong password" and probe caches; send the headers
 * only to yourselves (`header: false, runtime: false` and `onSlow` alone
 * still logs). Streaming responses show a small `dur`: it is the time to the
 * headers, not to the last byte.
 *
 * Where: outermost to time the whole stack, or right around the application
 * to time it alone.
 *
 * @example
 * const app = compose(serverTiming({ runtime: true, slowMs: 500, onSlow: (info, environ) =>
 *   environ['tsgi.errors'].write(`slow: ${environ.PATH_INFO} ${info.totalMs.toFixed(0)} ms\n`) }))(site);
 */
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../lib/protocol/errors.js';
import { isToken } from '../lib/protocol/header-syntax.js';
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';
import { isBody, observeBody } from '../lib/protocol/observe-body.js';

/** What `onSlow` learns about a slow request. */
export interface SlowRequestInfo {
  /** ms from the request reaching the middleware to the application's (last) `startResponse`; `undefined` if it never called it. */
  readonly startMs: number | undefined;
  /** ms from the request reaching the middleware to the server closing the body (or to the application's throw). */
  readonly totalMs: number;
  /** The status code the application gave; `0` if none. */
  readonly status: number;
  /** What the application threw, if it did. */
  readonly error?: unknown;
}

export interface ServerTimingOptions {
  /** Send `Server-Timing: <metric>;dur=<ms>`. @default true */
  header?: boolean;
  /** The metric name in `Server-Timing` (an RFC 9110 token). @default 'app' */
  metric?: string;
  /** Send `X-Runtime: <seconds>` (six decimals), as Rack::Runtime. @default false */
  runtime?: boolean;
  /** Called after the response is over when it took `slowMs` or more in all. Its errors are logged, never thrown. */
  onSlow?: (info: SlowRequestInfo, environ: Environ) => void;
  /** The threshold for `onSlow`, in ms. @default 1000 */
  slowMs?: number;
  /** The clock, in ms (any origin, fractions allowed); for tests. @default performance.now */
  now?: () => number;
}

const OPTION_NAMES = ['header', 'metric', 'runtime', 'onSlow', 'slowMs', 'now'];

/** Times the application below; adds the timing headers and reports slow requests. */
export function serverTiming(options: ServerTimingOptions = {}): Middleware {
  checkOptions(options);
  const { header = true, metric = 'app', runtime = false, onSlow, slowMs = 1000, now = () => performance.now() } = options;

  return function serverTimingMiddleware(app: Application): Application {
    return async function timed(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const start = now();
      let startMs: number | undefined;
      let status = 0;
      const report = (error?: unknown): void => {
        const totalMs = now() - start;
        if (onSlow === undefined || totalMs < slowMs) return;
        try {
          onSlow({ startMs, totalMs, status, ...(error !== undefined && { error }) }, environ);
        } catch (hookError) {
          environ['tsgi.errors'].write(`serverTiming: onSlow threw ${String(hookError)}\n`);
        }
      };
      const timing: StartResponse = (statusLine, headers, excInfo) => {
        // SPEC §12.6: a second call (with excInfo) restarts what the first one said.
        startMs = now() - start;
        status = Number.parseInt(statusLine, 10) || 0;
        const added: Array<[string, string]> = [];
        if (header) added.push(['Server-Timing', `${metric};dur=${startMs.toFixed(1)}`]);
        if (runtime) added.push(['X-Runtime', (startMs / 1000).toFixed(6)]);
        return startResponse(statusLine, added.length === 0 ? headers : [...headers, ...added], excInfo);
      };
      let body: Body;
      try {
        body = await app(environ, timing);
      } catch (error) {
        report(error);
        throw error;
      }
      if (!isBody(body) || onSlow === undefined) return body;
      return observeBody(body, { closed: () => report() });
    };
  };
}

function checkOptions(options: ServerTimingOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`serverTiming() options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new TypeError(`serverTiming() got an unknown option '${name}'. Known options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const { header, metric, runtime, onSlow, slowMs, now } = options;
  for (const [name, value] of [['header', header], ['runtime', runtime]] as const) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`serverTiming() option ${name} must be a boolean; got ${describeValue(value)}.`);
    }
  }
  if (metric !== undefined && (typeof metric !== 'string' || !isToken(metric))) {
    throw new TypeError(`serverTiming() option metric must be a metric name (an RFC 9110 token); got ${describeValue(metric)}.`);
  }
  if (onSlow !== undefined && typeof onSlow !== 'function') {
    throw new TypeError(`serverTiming() option onSlow must be a function (info, environ) => void; got ${describeValue(onSlow)}.`);
  }
  if (slowMs !== undefined && !(typeof slowMs === 'number' && Number.isFinite(slowMs) && slowMs >= 0)) {
    throw new TypeError(`serverTiming() option slowMs must be a number of ms >= 0; got ${describeValue(slowMs)}.`);
  }
  if (slowMs !== undefined && onSlow === undefined) {
    throw new ImproperlyConfigured('serverTiming() option slowMs was given without onSlow, so nothing would use it. Pass onSlow: (info, environ) => … too.');
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError(`serverTiming() option now must be a function returning ms; got ${describeValue(now)}.`);
  }
  if (header === false && runtime !== true && onSlow === undefined) {
    throw new ImproperlyConfigured('serverTiming() with header: false, no runtime and no onSlow does nothing. Enable header or runtime, or pass onSlow.');
  }
}
