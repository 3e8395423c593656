/**
 * accessLog: one line per request, written once the response is over (the
 * server closed the body), with the status and the body bytes actually sent
 * and the time it took. Formats: Apache `common` and `combined` (read by
 * every log analyser), gunicorn's atoms for your own layout, and JSON lines.
 *
 * Requests that did not end well are logged too: when the application threw
 * before anything was sent the line shows the `500` the server answered
 * instead; when the client left, or the application failed after the head was
 * sent, it shows the status as sent and the bytes that went out, and the
 * request is marked aborted (`%(X)s` is `X`, the JSON field `aborted` true).
 * Apache's `common`/`combined` lines keep their exact layout, so they carry
 * no marker: use a format with `%(X)s`, or `json`, to see it.
 *
 * A log that fails (its `write()` throws or rejects) never fails the request:
 * the failure is reported once to `tsgi.errors`, and the line is lost.
 * A Node stream reports write failures with an `'error'` event instead:
 * listen to it, or the process will crash.
 *
 * When not to use it: the tsgi servers already log requests (the dev
 * server's `wsgiref` line, the production server's access log); add this one
 * for another format or destination, not to log twice. Behind a proxy, put
 * `proxyFix()` outside it so `%(h)s` is the client, not the proxy.
 *
 * Where: outermost, so it sees what the client got (after `showExceptions`
 * and `compress`) and times the whole stack; `REMOTE_USER` from an inner
 * `basicAuth()` shows in `%(u)s`, because it is read when the line is written.
 *
 * @example
 * const app = compose(accessLog({ format: 'combined', stream: process.stdout }), compress())(site);
 * // 127.0.0.1 - ada [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.1" 200 2326 "-" "curl/8.5"
 */
import { ERROR_BODY } from '../lib/gateway/error-response.js';
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../lib/protocol/errors.js';
import type { Application, Body, Environ, HeaderList, Middleware, StartResponse } from '../lib/protocol/types.js';
import { isBody, observeBody } from '../lib/protocol/observe-body.js';
import { compileFormat, jsonLine, NAMED_FORMATS, requestLine, type LogEntry } from './_internal/access-log-format.js';

export interface AccessLogOptions {
  /**
   * `'common'`, `'combined'`, `'json'` (one object per line), or a format of
   * gunicorn atoms: `%(h)s` remote address, `%(l)s` `-`, `%(u)s` user, `%(t)s`
   * time, `%(r)s` request line, `%(m)s` method, `%(U)s` path, `%(q)s` query,
   * `%(H)s` protocol, `%(s)s` status, `%(B)s` bytes, `%(b)s` bytes or `-`,
   * `%(f)s` referer, `%(a)s` user agent, `%(T)s` seconds, `%(M)s` ms,
   * `%(D)s` µs, `%(L)s` decimal seconds, `%(p)s` `<pid>`,
   * `%({name}i)s` request header, `%({name}o)s` response header,
   * `%({key}e)s` environ key, plus Apache's `%(X)s`: `X` when aborted, else `-`.
   * Values are escaped as Apache does (`\"`, `\xhh`). Checked at construction.
   * @default 'combined'
   */
  format?: string;
  /** Where lines go: anything with `write(text)` (a stream, a logger). @default the request's `tsgi.errors` */
  stream?: { write(text: string): unknown };
  /** The clock, in ms since the epoch (fractions allowed); for tests. @default `performance.timeOrigin + performance.now()` */
  now?: () => number;
}

const OPTION_NAMES = ['format', 'stream', 'now'];

/** Statuses the server sends without a body (SPEC §8.9). */
const NO_BODY = (status: number): boolean => status < 200 || status === 204 || status === 304;

/** Logs every request once its response is over. */
export function accessLog(options: AccessLogOptions = {}): Middleware {
  checkOptions(options);
  const { format = 'combined', stream, now = () => performance.timeOrigin + performance.now() } = options;
  const render = format === 'json' ? jsonLine : compileFormat(NAMED_FORMATS[format] ?? format);
  let reported = false;

  function emit(entry: LogEntry): void {
    const fail = (error: unknown): void => {
      if (reported) return;
      reported = true;
      entry.environ['tsgi.errors'].write(
        `accessLog: the log stream failed (${String(error)}); lines are lost until it recovers. Reported once.\n`,
      );
    };
    try {
      const line = `${render(entry)}\n`;
      if (stream === undefined) return entry.environ['tsgi.errors'].write(line);
      const result = stream.write(line);
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') Promise.resolve(result).catch(fail);
    } catch (error) {
      fail(error);
    }
  }

  return function accessLogMiddleware(app: Application): Application {
    return async function accessLogged(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const start = now();
      const request = requestLine(environ);
      let status = 0;
      let headers: HeaderList = [];
      let bytes = 0;
      let ended = false;
      let error: unknown;
      const log = (): void => {
        const failedBeforeHead = error !== undefined && bytes === 0;
        const sentStatus = failedBeforeHead ? 500 : status;
        const length = Number(headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1] ?? Infinity);
        let sent = failedBeforeHead ? ERROR_BODY.length : Math.min(bytes, length);
        if (request.method === 'HEAD' || NO_BODY(sentStatus)) sent = 0;
        // HEAD and bodiless statuses: the server stops at the first chunk, which is not an abort.
        const stoppedByServer = sent === 0 && bytes > 0;
        const aborted = !failedBeforeHead && (error !== undefined || (!ended && !stoppedByServer));
        emit({ environ, request, start, end: now(), status: sentStatus, headers, bytes: sent, aborted, error });
      };
      const counting: StartResponse = (statusLine, responseHeaders, excInfo) => {
        // SPEC §12.6: a second call (with excInfo) replaces what the first one said.
        status = Number.parseInt(statusLine, 10) || 0;
        headers = responseHeaders;
        const write = startResponse(statusLine, responseHeaders, excInfo);
        return (chunk) => {
          const written = write(chunk);
          bytes += chunk.length;
          return written;
        };
      };
      let body: Body;
      try {
        body = await app(environ, counting);
      } catch (thrown) {
        error = thrown;
        log();
        throw thrown;
      }
      if (!isBody(body)) {
        // The server reports the bad return value and answers 500.
        error = new TypeError(`the application returned ${describeValue(body)}, not a body`);
        log();
        return body;
      }
      return observeBody(body, {
        chunk: (chunk) => void (bytes += chunk.length),
        end: () => void (ended = true),
        error: (thrown) => void (error = thrown),
        closed: log,
      });
    };
  };
}

function checkOptions(options: AccessLogOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`accessLog() options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new TypeError(`accessLog() got an unknown option '${name}'. Known options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const { format, stream, now } = options;
  if (format !== undefined && (typeof format !== 'string' || format === '')) {
    throw new ImproperlyConfigured(
      `accessLog() option format must be 'common', 'combined', 'json' or a string of gunicorn atoms; got ${describeValue(format)}.`,
    );
  }
  if (stream !== undefined && typeof (stream as { write?: unknown } | null)?.write !== 'function') {
    throw new TypeError(`accessLog() option stream must have a write(text) method; got ${describeValue(stream)}. Pass process.stdout, a file stream or a logger.`);
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError(`accessLog() option now must be a function returning ms since the epoch; got ${describeValue(now)}.`);
  }
}
