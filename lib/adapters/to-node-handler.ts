/**
 * `toNodeHandler(app)`: a Node `(req, res, next)` handler that runs a tsgi
 * application, to serve it from any node:http server or mount it inside
 * Express or connect:
 *
 * ```ts
 * expressApp.use('/legacy', toNodeHandler(tsgiApp));
 * http.createServer(toNodeHandler(tsgiApp)).listen(8000);
 * ```
 *
 * It is the development server's front-end without the server: the request
 * goes through `toGatewayRequest` and the gateway, the response through
 * `NodeSink`, so every rule of docs/SPEC.md holds (framing, `close()`,
 * 500s, aborts, disconnects).
 *
 * Mounting: where the router mounted the handler becomes `SCRIPT_NAME` and
 * the rest of the path `PATH_INFO` (SPEC §14): Express's `req.baseUrl`, or
 * for connect the part of `req.originalUrl` it stripped from `req.url`.
 * `REQUEST_URI` is the whole target (`req.originalUrl`). A request for the
 * mount point itself (`/legacy`) has `PATH_INFO` `''`, one for `/legacy/`
 * has `/`.
 *
 * The request body is read from `req` as the application reads
 * `tsgi.input`. A body parser mounted before the handler (`express.json()`)
 * has already consumed it: the application then fails on its first read of
 * `tsgi.input` with an error saying so (a 500), because the bytes are gone
 * and a parsed `req.body` cannot be turned back into them faithfully. Mount
 * tsgi applications before body parsers, or only parse bodies on the routes
 * that need them.
 *
 * Headers already set on the response by middleware that ran before (CORS,
 * `X-Powered-By`) are kept unless the application sets the same name. The
 * handler always answers: it calls `next` never, not even for a 404, since
 * a tsgi application answers every request itself. The returned promise
 * resolves once the response is finished and the body closed; it never rejects.
 *
 * @example
 * const site = express();
 * site.use('/legacy', toNodeHandler(legacyApp, { serverSoftware: '' }));
 * site.use(express.json());
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { defaultGatewayOptions, runGateway } from '../gateway/index.js';
import type { GatewayOptions, GatewayRequest } from '../gateway/types.js';
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import type { Application, InputStream } from '../protocol/types.js';
import { toGatewayRequest } from '../server/node-request.js';
import { mountedApp, mountPrefix } from './_node-mount.js';
import { MountedSink } from './_node-mounted-sink.js';

/**
 * The gateway options (errors stream, `SERVER_SOFTWARE`, base environ…), as
 * `defaultGatewayOptions()` takes them; the defaults are the dev server's.
 */
export type ToNodeHandlerOptions = Partial<GatewayOptions>;

/** What `toNodeHandler` returns: a node:http listener and a connect/Express middleware. */
export type TsgiNodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => Promise<void>;

/** Runs `app` for node:http requests, mounted wherever the router put the handler. */
export function toNodeHandler(app: Application, options: ToNodeHandlerOptions = {}): TsgiNodeHandler {
  if (typeof app !== 'function') {
    throw new TypeError(
      `toNodeHandler() app must be a tsgi application, a function (environ, startResponse); got ${describeValue(app)}.`,
    );
  }
  let gatewayOptions: GatewayOptions;
  try {
    gatewayOptions = defaultGatewayOptions(options);
  } catch (error) {
    throw new ImproperlyConfigured(`toNodeHandler(): ${(error as Error).message}`, { cause: error });
  }
  return function tsgiHandler(req, res) {
    const socket = req.socket;
    const request: GatewayRequest = toGatewayRequest(req, {
      serverName: socket.localAddress ?? 'localhost',
      serverPort: socket.localPort ?? 0,
    });
    if ((socket as TLSSocket).encrypted === true) request.urlScheme = 'https';
    const original = (req as { originalUrl?: unknown }).originalUrl;
    if (typeof original === 'string' && original !== '') request.target = original;
    const prefix = mountPrefix(req);
    let target = prefix === '' ? app : mountedApp(app, prefix);
    if (request.body !== null && req.readableEnded) {
      request.body = null;
      target = withConsumedInput(target, req);
    }
    return runGateway(target, request, new MountedSink(res), gatewayOptions);
  };
}

/**
 * `app` with a `tsgi.input` whose every read fails, saying why: the body of
 * the request was read by an earlier middleware. (A failing body source
 * would not do: `tsgi.input` reports any source failure as the client
 * disconnecting, which is not logged.)
 */
function withConsumedInput(app: Application, req: IncomingMessage): Application {
  const parsed = (req as { body?: unknown }).body !== undefined;
  const target = (req as { originalUrl?: string }).originalUrl ?? req.url;
  const fail = (): Promise<never> =>
    Promise.reject(
      new Error(
        `toNodeHandler: the body of ${req.method} ${target} was already read by ` +
          `${parsed ? 'a body parser (req.body is set)' : 'an earlier middleware'}, so tsgi.input has nothing to give. ` +
          'Mount toNodeHandler() before body-parsing middleware such as express.json().',
      ),
    );
  const input: InputStream = {
    read: fail,
    readline: fail,
    readlines: fail,
    [Symbol.asyncIterator]: () => ({ next: fail }),
  };
  return function consumed(environ, startResponse) {
    environ['tsgi.input'] = input;
    return app(environ, startResponse);
  };
}
