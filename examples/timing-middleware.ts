/**
 * An example gateway middleware: the application to the server above it, the
 * server to the application below. It adds an `X-Elapsed` header (the time
 * the application took to call startResponse) and, when asked, logs the
 * total time once the server closes the body.
 *
 * It shows the three duties of a middleware that wraps a response:
 * - it wraps `startResponse` (and returns the `write` it got back);
 * - it returns a body the server can still size: an array stays an array;
 * - it forwards `close()` exactly once, so the application's cleanup runs.
 *
 * Run it: `node dist/examples/timing-middleware.js` serves the demo app
 * wrapped in it on http://127.0.0.1:8000/.
 */
import { pathToFileURL } from 'node:url';
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';
import { demoApp, makeServer } from '../lib/server/index.js';

export interface TimingOptions {
  /**
   * The response header carrying the elapsed time, as `12.3ms`.
   * @default 'X-Elapsed'
   */
  header?: string;
  /**
   * Write `METHOD PATH took N ms` to `tsgi.errors` when the body is closed.
   * @default false
   */
  log?: boolean;
}

/** Times the application below. Put it outermost to time the whole stack. */
export function timing(options: TimingOptions = {}): Middleware {
  const header = options.header ?? 'X-Elapsed';
  const log = options.log ?? false;
  if (typeof header !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(header)) {
    throw new TypeError(`timing() option header must be a header name (an RFC 9110 token); got ${String(header)}.`);
  }
  return function timingMiddleware(app: Application): Application {
    return async function timed(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const started = performance.now();
      const timedStartResponse: StartResponse = (status, headers, excInfo) =>
        startResponse(status, [...headers, [header, `${(performance.now() - started).toFixed(1)}ms`]], excInfo);
      const body = await app(environ, timedStartResponse);
      if (!log) return body;
      const close = (): void => {
        environ['tsgi.errors'].write(
          `${environ.REQUEST_METHOD} ${environ.PATH_INFO} took ${(performance.now() - started).toFixed(1)} ms\n`,
        );
        body.close?.();
      };
      return withClose(body, close);
    };
  };
}

/**
 * The same chunks with another `close()`. An array stays an array (the
 * gateway computes Content-Length for arrays); other bodies are delegated
 * with `yield*`, which also forwards `return()` when the server stops early.
 */
function withClose(body: Body, close: () => void): Body {
  if (Array.isArray(body)) return Object.assign([...(body as Uint8Array[])], { close });
  if (Symbol.asyncIterator in body) {
    return Object.assign(
      (async function* () {
        yield* body as AsyncIterable<Uint8Array>;
      })(),
      { close },
    );
  }
  return Object.assign(
    (function* () {
      yield* body as Iterable<Uint8Array>;
    })(),
    { close },
  );
}

// Runnable: `node dist/examples/timing-middleware.js`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await makeServer('127.0.0.1', Number(process.env['PORT'] ?? 8000), timing({ log: true })(demoApp));
  console.log(`Serving HTTP on ${server.host} port ${server.port} ...`);
  await server.serveForever();
}
