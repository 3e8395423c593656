/**
 * `fromFetchHandler(fetch)` wraps a Fetch application — a function from
 * `Request` to `Response`, such as `honoApp.fetch` — as a tsgi application,
 * so tsgi middleware can wrap it and tsgi servers can serve it.
 *
 * For each request it builds a `Request` from the environ (the full URL with
 * `SCRIPT_NAME`, the `HTTP_*` headers, the body streamed from `tsgi.input`
 * as the Fetch application reads it), awaits the `Response`, and answers with
 * its status, its headers (each `Set-Cookie` on its own) and its body,
 * streamed chunk by chunk. When the gateway stops early (the client left),
 * the Response body is cancelled and the Request's `signal` aborts.
 *
 * The second argument the Fetch application gets is Deno's
 * `ServeHandlerInfo` shape, `{ remoteAddr: { transport, hostname, port } }`
 * (Hono's `getConnInfo` from `hono/deno` reads it as `c.env`); replace it
 * with the `info` option, e.g. to pass Workers-style bindings.
 *
 * When not to use it: for a Fetch application with no tsgi middleware around
 * it, serve it from its own runtime adapter; every request here pays for
 * building `Request` and `Response` objects.
 *
 * Methods Fetch forbids (`CONNECT`, `TRACE`, `TRACK`) get `501 Not
 * Implemented`, and a request whose Host does not make a URL gets
 * `400 Bad Request`, without calling the Fetch application.
 *
 * @example
 * import { Hono } from 'hono';
 * const hono = new Hono().get('/', (c) => c.text('Hello'));
 * const app = compose(accessLog(), basicAuth({ users }))(fromFetchHandler(hono.fetch));
 */
import { Buffer } from 'node:buffer';
import { isByteString } from '../protocol/byte-string.js';
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import { isHopByHop } from '../protocol/hop-by-hop.js';
import { statusLine } from '../protocol/status-line.js';
import type { Application, Body, Environ, HeaderList, StartResponse } from '../protocol/types.js';
import { FetchResponseBody } from './_fetch-body.js';
import { environHeaders, environUrl, hasBody, inputStream } from './_fetch-environ.js';

/** A Fetch application: `(request, info) => Response`; Hono's `app.fetch` is one. */
export type FetchApplication = (request: Request, info?: FetchHandlerInfo) => Response | Promise<Response>;

/** The second argument given to the Fetch application by default (Deno's `ServeHandlerInfo`). */
export interface FetchHandlerInfo {
  remoteAddr?: { transport: 'tcp'; hostname: string; port: number };
}

export interface FromFetchHandlerOptions {
  /**
   * The second argument for each call of the Fetch application.
   * @default `{ remoteAddr: { transport: 'tcp', hostname: REMOTE_ADDR, port: REMOTE_PORT } }` (`{}` when REMOTE_ADDR is unknown)
   */
  info?: (environ: Environ) => unknown;
}

/** Methods a Fetch `Request` cannot carry (Fetch "forbidden method"). */
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);
const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

/** A tsgi application running `fetch` for each request. */
export function fromFetchHandler(fetch: FetchApplication, options: FromFetchHandlerOptions = {}): Application {
  if (typeof fetch !== 'function') {
    throw new ImproperlyConfigured(
      `fromFetchHandler() fetch must be a function (request) => Response, e.g. honoApp.fetch; got ${describeValue(fetch)}.`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new ImproperlyConfigured(`fromFetchHandler() options must be an object; got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'info') {
      throw new ImproperlyConfigured(`fromFetchHandler() got an unknown option ${describeValue(key)}. Known options: info.`);
    }
  }
  const infoFor = options.info ?? denoInfo;
  if (typeof infoFor !== 'function') {
    throw new ImproperlyConfigured(`fromFetchHandler() info must be a function (environ) => unknown; got ${describeValue(infoFor)}.`);
  }

  return async function fetchApplication(environ: Environ, startResponse: StartResponse): Promise<Body> {
    const method = environ.REQUEST_METHOD.toUpperCase();
    if (FORBIDDEN_METHODS.has(method)) {
      startResponse('501 Not Implemented', [TEXT, ['Allow', 'GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS']]);
      return [Buffer.from(`The Fetch API cannot carry a ${method} request.`)];
    }
    const aborter = new AbortController();
    let request: Request;
    try {
      const init: RequestInit & { duplex?: 'half' } = { method: environ.REQUEST_METHOD, headers: environHeaders(environ), signal: aborter.signal };
      if (hasBody(environ)) {
        init.body = inputStream(environ['tsgi.input']);
        // Required by Fetch for a streamed request body (and the only mode there is).
        init.duplex = 'half';
      }
      request = new Request(environUrl(environ), init);
    } catch (error) {
      environ['tsgi.errors'].write(`fromFetchHandler(): cannot build a Fetch Request: ${String((error as Error)?.message ?? error)}\n`);
      startResponse('400 Bad Request', [TEXT]);
      return [Buffer.from('Bad Request')];
    }

    const response: unknown = await fetch(request, infoFor(environ) as FetchHandlerInfo);
    if (!isResponse(response)) {
      throw new TypeError(
        `fromFetchHandler(): the Fetch application must return a Response (or a Promise of one); it returned ${describeValue(response)}. ` +
          "Return e.g. new Response('Hello') or c.text('Hello').",
      );
    }
    if (response.status === 0) {
      throw new TypeError(
        'fromFetchHandler(): the Fetch application returned a network error (Response.error(), status 0), which has no HTTP response. ' +
          'Return a Response with a status, e.g. new Response(null, { status: 502 }).',
      );
    }
    const reason = response.statusText || statusLine(response.status).slice(4);
    startResponse(`${response.status} ${reason}`, responseHeaders(response.status, response.headers));
    if (response.body === null) return [];
    return new FetchResponseBody(response.body, aborter);
  };
}

/** Deno's `ServeHandlerInfo` for the environ's client. */
function denoInfo(environ: Environ): FetchHandlerInfo {
  const hostname = environ.REMOTE_ADDR;
  if (typeof hostname !== 'string') return {};
  return { remoteAddr: { transport: 'tcp', hostname, port: Number(environ.REMOTE_PORT ?? 0) } };
}

/** A Response, also one from another realm or polyfill (checked by shape). */
function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Response>;
  return typeof candidate.status === 'number' && typeof candidate.headers?.forEach === 'function' && 'body' in candidate;
}

/**
 * The response headers as tsgi's list: `Set-Cookie` values one by one,
 * hop-by-hop ones dropped. HTTP lets a response leave `Content-Type` out;
 * SPEC §6.9 does not, so a missing one becomes `application/octet-stream`,
 * what RFC 9110 §8.3 lets a recipient assume, and a 204 or 304 loses its.
 */
function responseHeaders(status: number, headers: Headers): HeaderList {
  const list: HeaderList = [];
  const noContentType = status === 204 || status === 304;
  headers.forEach((value, name) => {
    if (name === 'set-cookie' || isHopByHop(name) || (noContentType && name === 'content-type')) return;
    list.push([name, checked(name, value)]);
  });
  if (!noContentType && !headers.has('content-type')) list.push(['content-type', 'application/octet-stream']);
  const cookies = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [headers.get('set-cookie')].filter((v) => v !== null);
  for (const cookie of cookies) list.push(['set-cookie', checked('set-cookie', cookie)]);
  return list;
}

/** Header values go on the wire one byte per code unit (latin-1). */
function checked(name: string, value: string): string {
  if (isByteString(value)) return value;
  throw new TypeError(
    `fromFetchHandler(): the Response header ${name} has a value that is not latin-1: ${describeValue(value)}. ` +
      'Header values are bytes; percent-encode or RFC 8187-encode text first.',
  );
}
