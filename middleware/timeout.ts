/**
 * `timeout({ ms })` answers `503 Service Unavailable` (or `504 Gateway
 * Timeout`) in the application's place when it has not started its response
 * within `ms` milliseconds, and logs one line naming the request to
 * `tsgi.errors`. "Started" means its first body byte went out (a non-empty
 * chunk, or data through `write()`), or its body ended: until then the
 * response can still be replaced (SPEC §6.12), so a `startResponse` call
 * alone does not count — when the application made one, the replacement is
 * sent with `excInfo`.
 *
 * JavaScript cannot stop the application: it goes on running. What it
 * produces afterwards is dropped safely — a late `startResponse` or
 * `write()` does nothing, a late body is closed (its iterator `return()`ed
 * first) when it arrives, a late error is ignored — and the server's
 * `close()` on the timed-out response waits for that, so the application's
 * cleanup still runs exactly once. The timer is cleared as soon as the
 * response starts, fails or is closed.
 *
 * When not to use it: for long polls, server-sent events or big uploads
 * whose first byte legitimately comes late (give those routes their own
 * stack); and it is no CPU guard: synchronous work that blocks the event loop
 * delays the timer too. Once the first byte is out it does nothing: a body
 * that stalls mid-stream is the server's idle timeout's business.
 *
 * Put it outermost but below logging, so the 503 is logged like any response.
 *
 * @example
 * const app = compose(accessLog(), timeout({ ms: 10_000, status: 504 }))(site);
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured, TsgiError } from '../lib/protocol/errors.js';
import type { Application, Body, Environ, Middleware, StartResponse, Write } from '../lib/protocol/types.js';
import { TIMED_OUT, TimedBody, type Deadline } from './_internal/timeout-body.js';

export interface TimeoutOptions {
  /** How long the application may take to start its response, in milliseconds. @default 30000 */
  ms?: number;
  /** The status of the replacement response. @default 503 */
  status?: 503 | 504;
  /** Called once when a request times out, after the log line; an error it throws is logged, not raised. */
  onTimeout?: (environ: Environ) => void;
  /**
   * Starts a timer and returns a function that cancels it. For tests (a fake
   * clock); servers keep the default.
   * @default setTimeout / clearTimeout
   */
  schedule?: (callback: () => void, ms: number) => () => void;
}

/** The `excInfo` of a timed-out response: the application did not start its response in time. */
export class ResponseTimeout extends TsgiError {
  override name = 'ResponseTimeout';
}

const OPTION_NAMES = ['ms', 'status', 'onTimeout', 'schedule'];
const STATUS_LINES = { 503: '503 Service Unavailable', 504: '504 Gateway Timeout' } as const;
const ignoredWrite: Write = async () => undefined;

function realTimer(callback: () => void, ms: number): () => void {
  const handle = setTimeout(callback, ms);
  return () => clearTimeout(handle);
}

/** Answers 503/504 when the application has not started its response within `ms`. */
export function timeout(options: TimeoutOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new ImproperlyConfigured(`timeout() options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new ImproperlyConfigured(`timeout() got an unknown option '${name}'. Known options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const { ms = 30_000, status = 503, onTimeout, schedule = realTimer } = options;
  // setTimeout fires at once for anything above 2^31 - 1 ms (about 24.8 days).
  if (!(Number.isInteger(ms) && ms > 0 && ms <= 2 ** 31 - 1)) {
    throw new ImproperlyConfigured(`timeout() option ms must be a whole number of milliseconds from 1 to 2147483647; got ${describeValue(ms)}.`);
  }
  if (status !== 503 && status !== 504) {
    throw new ImproperlyConfigured(`timeout() option status must be 503 or 504; got ${describeValue(status)}.`);
  }
  for (const [name, value] of [['onTimeout', onTimeout], ['schedule', schedule]] as const) {
    if (value !== undefined && typeof value !== 'function') {
      throw new ImproperlyConfigured(`timeout() option ${name} must be a function; got ${describeValue(value)}.`);
    }
  }
  const statusLine = STATUS_LINES[status];

  return function timeoutMiddleware(app: Application): Application {
    return async function timeoutApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const errors = environ['tsgi.errors'];
      // Named only in messages, so built only when one is written.
      const request = (): string => `${environ.REQUEST_METHOD} ${environ.REQUEST_URI ?? environ.SCRIPT_NAME + environ.PATH_INFO}`;
      let calledStart = false;
      let settled = false;
      let timedOut = false;
      // Made only when something has to race the deadline: a body returned at once never does.
      let expire: ((value: typeof TIMED_OUT) => void) | undefined;
      let expiredPromise: Promise<typeof TIMED_OUT> | undefined;
      const expired = (): Promise<typeof TIMED_OUT> =>
        (expiredPromise ??= timedOut ? Promise.resolve(TIMED_OUT) : new Promise((resolve) => (expire = resolve)));
      const deadline: Deadline = {
        get timedOut() {
          return timedOut;
        },
        get expired() {
          return expired();
        },
        met() {
          if (settled) return;
          settled = true;
          cancel();
        },
        answer() {
          const headers: Array<[string, string]> = [['Content-Type', 'text/plain; charset=utf-8']];
          const error = new ResponseTimeout(`The application did not start its response to ${request()} within ${ms} ms.`);
          // A pending response of the application is replaced, which takes excInfo (SPEC §6.12).
          if (calledStart) startResponse(statusLine, headers, error);
          else startResponse(statusLine, headers);
          return [Buffer.from(`${statusLine}: the application did not respond in time.\n`)];
        },
      };
      const cancel = schedule(() => {
        if (settled) return;
        settled = true;
        timedOut = true;
        errors.write(`timeout(): ${request()} did not start its response within ${ms} ms; answered ${statusLine}.\n`);
        try {
          onTimeout?.(environ);
        } catch (error) {
          errors.write(`timeout(): onTimeout failed for ${request()}: ${String(error)}\n`);
        }
        expire?.(TIMED_OUT);
      }, ms);

      const timedStartResponse: StartResponse = (status, headers, excInfo) => {
        // After the deadline the response is ours: the application's is dropped.
        if (timedOut) return ignoredWrite;
        calledStart = true;
        const write = startResponse(status, headers, excInfo);
        return (chunk) => {
          if (timedOut) return ignoredWrite(chunk);
          if (chunk instanceof Uint8Array && chunk.length > 0) deadline.met();
          return write(chunk);
        };
      };

      let result: Body | Promise<Body>;
      try {
        result = app(environ, timedStartResponse);
      } catch (error) {
        deadline.met();
        throw error;
      }
      let body: Body;
      try {
        // A body returned at once needs no race with the deadline.
        const outcome = isThenable(result) ? await Promise.race([result, expired()]) : result;
        if (outcome === TIMED_OUT || timedOut) return lateAnswer(deadline, Promise.resolve(result));
        body = outcome;
      } catch (error) {
        if (timedOut) return lateAnswer(deadline, Promise.resolve(result));
        deadline.met();
        throw error;
      }
      // An array is complete: the response cannot be late any more.
      if (Array.isArray(body) || settled) {
        deadline.met();
        return body;
      }
      return new TimedBody(body, deadline);
    };
  };
}

function isThenable(value: unknown): value is PromiseLike<Body> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}

/**
 * The replacement response when the application has not even returned its
 * body: its close() waits for that body, and closes it (never iterated).
 */
function lateAnswer(deadline: Deadline, late: Promise<Body>): Body {
  const chunks = deadline.answer();
  const closeLate = late.then(
    (body) => body?.close?.(),
    () => undefined,
  );
  let closed: Promise<unknown> | undefined;
  return Object.assign(chunks, {
    close: (): Promise<unknown> => (closed ??= closeLate.then(() => undefined, () => undefined)),
  });
}
