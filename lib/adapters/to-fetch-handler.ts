/**
 * `toFetchHandler(app)` runs a tsgi application on any Fetch runtime (Deno,
 * Bun, Cloudflare Workers, or any code holding a `Request`): it returns the
 * `(request, info?) => Promise<Response>` function those runtimes call.
 *
 * Each request goes through the gateway like any other front-end: the
 * environ is built from the Request (target from the URL's raw path and
 * query, headers, the body as `tsgi.input`), and every PEP 3333 rule applies.
 * The Response resolves as soon as the head is sent; its body is a
 * `ReadableStream` fed chunk by chunk with backpressure. When the runtime
 * cancels that stream (the client left), or aborts the Request's signal, the
 * gateway stops and calls the body's `close()`.
 *
 * The runtime frames the response itself: the gateway's `Content-Length` is
 * kept, chunked coding and hop-by-hop headers are not handed over, and a
 * response without a body (HEAD, 204, 205, 304) gets a `null` body.
 *
 * When not to use it: on Node, serve the application with `makeServer()` or
 * mount it with `toNodeHandler()`; going through `Request`/`Response`
 * objects costs time a node:http server does not spend.
 *
 * tsgi relies on Node's built-ins (`node:http`'s status phrases, `node:util`),
 * so Deno, Bun and Workers need their Node compatibility (Workers: the
 * `nodejs_compat` flag).
 *
 * @example
 * // Deno: Deno.serve(toFetchHandler(app)); Bun and Workers:
 * export default { fetch: toFetchHandler(app) };
 */
import { Buffer } from 'node:buffer';
import { defaultGatewayOptions } from '../gateway/default-options.js';
import { runGateway } from '../gateway/run-gateway.js';
import type { GatewayOptions } from '../gateway/types.js';
import { utf8ToByteString } from '../protocol/byte-string.js';
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import type { Application, ErrorStream } from '../protocol/types.js';
import { fetchToGatewayRequest, runtimeClientAddress, type ClientAddressLookup } from './_fetch-request.js';
import { FetchSink } from './_fetch-sink.js';

export type { ClientAddress, ClientAddressLookup } from './_fetch-request.js';

/** What a Fetch runtime calls: Deno passes `info`, Bun its server, Workers their `env`. */
export type FetchHandler = (request: Request, info?: unknown) => Promise<Response>;

export interface ToFetchHandlerOptions {
  /**
   * The mount point, as text: `'/api'` serves `/api/users` with `SCRIPT_NAME`
   * `/api` and `PATH_INFO` `/users`. Requests outside it get a `404 Not Found`.
   * @default '' (the application is at the root)
   */
  scriptName?: string;
  /**
   * Finds `REMOTE_ADDR` and `REMOTE_PORT` for a request.
   * @default Deno's `info.remoteAddr`, or Bun's `server.requestIP(request)`
   */
  clientAddress?: ClientAddressLookup;
  /** `tsgi.errors`, and where tracebacks of failed requests go. @default process.stderr */
  errors?: ErrorStream;
  /** The `Server` header and `SERVER_SOFTWARE`; `''` leaves both out. @default 'tsgi/<version> node/<version>' */
  serverSoftware?: string;
  /** Keys copied into every environ before the request's own. @default none */
  baseEnviron?: Readonly<Record<string, unknown>>;
}

const KNOWN = new Set(['scriptName', 'clientAddress', 'errors', 'serverSoftware', 'baseEnviron']);
const MOUNT = /^(\/[^/?#]+)+$/;
const NOT_FOUND = Buffer.from('Not Found');

/** A Fetch handler serving `app`; options are checked now, not on the first request. */
export function toFetchHandler(app: Application, options: ToFetchHandlerOptions = {}): FetchHandler {
  if (typeof app !== 'function') {
    throw new ImproperlyConfigured(
      `toFetchHandler() app must be a tsgi application, a function (environ, startResponse); got ${describeValue(app)}.`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new ImproperlyConfigured(`toFetchHandler() options must be an object; got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new ImproperlyConfigured(`toFetchHandler() got an unknown option ${describeValue(key)}. Known options: ${[...KNOWN].join(', ')}.`);
    }
  }
  const { scriptName = '', clientAddress = runtimeClientAddress } = options;
  if (typeof scriptName !== 'string' || (scriptName !== '' && !MOUNT.test(scriptName))) {
    throw new ImproperlyConfigured(
      `toFetchHandler() scriptName must be '' or a path like '/api' (no trailing slash, query or fragment); got ${describeValue(scriptName)}.`,
    );
  }
  if (typeof clientAddress !== 'function') {
    throw new ImproperlyConfigured(
      `toFetchHandler() clientAddress must be a function (request, info) => { address, port }; got ${describeValue(clientAddress)}.`,
    );
  }
  const overrides: Partial<GatewayOptions> = {};
  if (options.errors !== undefined) overrides.errors = options.errors;
  if (options.serverSoftware !== undefined) overrides.serverSoftware = options.serverSoftware;
  if (options.baseEnviron !== undefined) overrides.baseEnviron = options.baseEnviron;
  const gatewayOptions = defaultGatewayOptions(overrides);
  const served = scriptName === '' ? app : mountedAt(utf8ToByteString(scriptName), app);

  return async function fetchHandler(request: Request, info?: unknown): Promise<Response> {
    const sink = new FetchSink();
    const signal = request.signal;
    const onAbort = (): void => sink.disconnect();
    if (signal.aborted) sink.disconnect();
    else signal.addEventListener('abort', onAbort, { once: true });
    const gatewayRequest = fetchToGatewayRequest(request, clientAddress(request, info));
    void runGateway(served, gatewayRequest, sink, gatewayOptions).then(() => {
      signal.removeEventListener('abort', onAbort);
      sink.finish();
    });
    return sink.response;
  };
}

/**
 * `app` mounted at `prefix` (a byte string): the prefix moves from
 * `PATH_INFO` to `SCRIPT_NAME`, on a segment boundary.
 */
function mountedAt(prefix: string, app: Application): Application {
  return function mounted(environ, startResponse) {
    const path = environ.PATH_INFO;
    if (path === prefix || path.startsWith(`${prefix}/`)) {
      environ.SCRIPT_NAME = prefix;
      environ.PATH_INFO = path.slice(prefix.length);
      return app(environ, startResponse);
    }
    startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [NOT_FOUND];
  };
}
