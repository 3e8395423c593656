/**
 * `cors()` answers cross-origin requests by the CORS protocol of the Fetch
 * standard (https://fetch.spec.whatwg.org/#http-cors-protocol): it answers
 * preflight requests (`OPTIONS` with `Access-Control-Request-Method`) itself,
 * without calling the application, and adds `Access-Control-Allow-Origin` and
 * friends to the application's responses for the origins you allow.
 *
 * Use it when browser code served from another origin calls your
 * application with `fetch()`. An origin it does not allow gets no CORS
 * headers at all, so the browser withholds the response from the page; the
 * application is still called for those requests (CORS protects the reader,
 * not the server: it is no access control, and a non-browser client ignores it).
 *
 * When not to use it: for same-origin applications (it only adds bytes), or
 * as a security boundary — check credentials (`basicAuth`) and CSRF tokens as
 * well. Do not combine `origins: '*'` with `credentials: true` unless every
 * origin on the web may read your users' data: the middleware then reflects
 * the request's origin (browsers refuse `*` with credentials), except `null`.
 *
 * Put it outside authentication, so preflights (which carry no credentials)
 * are answered before an auth layer would refuse them.
 *
 * @example
 * const app = compose(cors({ origins: ['https://app.example.com'], credentials: true }), basicAuth(...))(site);
 */
import { isToken } from '../lib/protocol/header-syntax.js';
import type { Application, Body, Environ, HeaderList, Middleware, StartResponse } from '../lib/protocol/types.js';
import { checkCorsOptions } from './_internal/cors-options.js';

export interface CorsOptions {
  /**
   * The origins allowed to read responses: `'*'` for any; a list of
   * serialised origins (`'https://example.com'`, `'http://localhost:8080'`,
   * or `'null'` to allow the opaque origin of sandboxed frames and `file:`
   * pages); a RegExp tested against the origin (never matches `null`); or a
   * function deciding per request (it receives `'null'` too).
   * @default '*'
   */
  origins?: '*' | readonly string[] | RegExp | ((origin: string, environ: Environ) => boolean);
  /** Send `Access-Control-Allow-Credentials: true` (cookies, HTTP auth). @default false */
  credentials?: boolean;
  /** `Access-Control-Allow-Methods` of a preflight answer. @default ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'] */
  methods?: readonly string[];
  /**
   * `Access-Control-Allow-Headers` of a preflight answer.
   * @default the request's `Access-Control-Request-Headers`, reflected
   */
  allowedHeaders?: readonly string[];
  /** `Access-Control-Expose-Headers`: response headers scripts may read beyond the safelisted ones. @default [] */
  exposedHeaders?: readonly string[];
  /** `Access-Control-Max-Age` in seconds: how long browsers may cache a preflight answer. @default not sent */
  maxAge?: number;
  /** Pass preflight requests on to the application (with the CORS headers added) instead of answering them. @default false */
  preflightContinue?: boolean;
  /** The status of a preflight answer: 204, or 200 for old clients that mishandle 204. @default 204 */
  optionsSuccessStatus?: 200 | 204;
}

/** What may be echoed back in a header: visible ASCII only. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
/** The headers this middleware owns; an application's own values for them are replaced. */
const CORS_HEADERS = new Set([
  'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers',
  'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age',
]);

/** Answers preflights and adds CORS headers for allowed origins. */
export function cors(options: CorsOptions = {}): Middleware {
  const config = checkCorsOptions(options);
  const { origins, credentials } = config;
  // With a fixed `*` the answer is the same for every origin; otherwise caches must key on Origin.
  const variesByOrigin = origins !== '*' || credentials;

  /** The Access-Control-Allow-Origin value for this request, or undefined when it gets no CORS headers. */
  function allowOrigin(origin: string, environ: Environ): string | undefined {
    if (!VISIBLE_ASCII.test(origin)) return undefined;
    if (origins === '*') {
      if (!credentials) return '*';
      // Reflecting `null` would hand credentialed access to every sandboxed document.
      return origin === 'null' ? undefined : origin;
    }
    if (Array.isArray(origins)) return origins.includes(origin) ? origin : undefined;
    if (origins instanceof RegExp) {
      origins.lastIndex = 0;
      return origin !== 'null' && origins.test(origin) ? origin : undefined;
    }
    return (origins as (origin: string, environ: Environ) => boolean)(origin, environ) === true ? origin : undefined;
  }

  /** Headers for an allowed origin: the ones every answer gets. */
  function originHeaders(allowed: string): HeaderList {
    const headers: HeaderList = [['Access-Control-Allow-Origin', allowed]];
    if (credentials) headers.push(['Access-Control-Allow-Credentials', 'true']);
    return headers;
  }

  function preflightHeaders(allowed: string, environ: Environ): { headers: HeaderList; vary: string[] } {
    const headers = originHeaders(allowed);
    const vary: string[] = [];
    headers.push(['Access-Control-Allow-Methods', config.methods.join(', ')]);
    const requested = typeof environ.HTTP_ACCESS_CONTROL_REQUEST_HEADERS === 'string' ? environ.HTTP_ACCESS_CONTROL_REQUEST_HEADERS : '';
    const allowedHeaders = config.allowedHeaders ?? requested.split(',').map((name) => name.trim()).filter((name) => isToken(name));
    if (config.allowedHeaders === undefined) vary.push('Access-Control-Request-Headers');
    if (allowedHeaders.length > 0) headers.push(['Access-Control-Allow-Headers', allowedHeaders.join(', ')]);
    if (config.maxAge !== undefined) headers.push(['Access-Control-Max-Age', String(config.maxAge)]);
    return { headers, vary };
  }

  return function corsMiddleware(app: Application): Application {
    return function corsApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      const origin = typeof environ.HTTP_ORIGIN === 'string' ? environ.HTTP_ORIGIN : undefined;
      const allowed = origin === undefined ? undefined : allowOrigin(origin, environ);
      const vary = variesByOrigin ? ['Origin'] : [];
      const preflight =
        environ.REQUEST_METHOD === 'OPTIONS' && origin !== undefined && typeof environ.HTTP_ACCESS_CONTROL_REQUEST_METHOD === 'string';

      let added: HeaderList = allowed === undefined ? [] : originHeaders(allowed);
      if (preflight && allowed !== undefined) {
        const answer = preflightHeaders(allowed, environ);
        added = answer.headers;
        vary.push(...answer.vary);
      } else if (allowed !== undefined && config.exposedHeaders.length > 0) {
        added.push(['Access-Control-Expose-Headers', config.exposedHeaders.join(', ')]);
      }

      if (preflight && !config.preflightContinue) {
        // A preflight is answered here: the application never sees it (Fetch §3.2.2).
        const status = config.optionsSuccessStatus === 204 ? '204 No Content' : '200 OK';
        const headers = withVary(added, vary);
        if (config.optionsSuccessStatus === 200) headers.push(['Content-Type', 'text/plain; charset=utf-8']);
        startResponse(status, headers);
        return [];
      }
      if (added.length === 0 && vary.length === 0) return app(environ, startResponse);
      const corsStartResponse: StartResponse = (status, headers, excInfo) => {
        const merged = withVary([...headers.filter(([name]) => !CORS_HEADERS.has(name.toLowerCase())), ...added], vary);
        return startResponse(status, merged, excInfo);
      };
      return app(environ, corsStartResponse);
    };
  };
}

/**
 * `headers` with each of `names` in `Vary` (RFC 9110 §12.5.5): appended to the
 * first existing Vary header, unless it already names it or is `*`.
 */
function withVary(headers: HeaderList, names: readonly string[]): HeaderList {
  if (names.length === 0) return headers;
  const index = headers.findIndex(([name]) => name.toLowerCase() === 'vary');
  const present = headers
    .filter(([name]) => name.toLowerCase() === 'vary')
    .flatMap(([, value]) => value.split(',').map((item) => item.trim().toLowerCase()));
  if (present.includes('*')) return headers;
  const missing = names.filter((name) => !present.includes(name.toLowerCase()));
  if (missing.length === 0) return headers;
  if (index === -1) return [...headers, ['Vary', missing.join(', ')]];
  const copy = [...headers];
  copy[index] = ['Vary', `${headers[index]![1]}, ${missing.join(', ')}`];
  return copy;
}
