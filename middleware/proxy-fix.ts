/**
 * `proxyFix()` makes the environ describe the client's request rather than
 * the proxy's, when the application runs behind reverse proxies (nginx, a
 * load balancer) that record the original in `X-Forwarded-*` headers or in
 * RFC 7239 `Forwarded` — Werkzeug's `ProxyFix`. It rewrites `REMOTE_ADDR`,
 * `tsgi.url_scheme` (and `HTTPS`), `HTTP_HOST`, `SERVER_NAME`,
 * `SERVER_PORT` and `SCRIPT_NAME`, and keeps the values it replaced in
 * `environ['tsgi.proxy_fix.orig']` (read it with `proxyFixOriginal(environ)`).
 *
 * **Security.** These headers are ordinary request headers: any client can
 * send them. They are only as trustworthy as the proxies in front of you.
 * Each option says how many proxies you trust to set its header; each proxy
 * appends one value, so the middleware takes the Nth value from the right —
 * the one your outermost trusted proxy wrote — and ignores everything a
 * client put to the left of it. Set a number too high and clients can spoof
 * their address, scheme or host (bypassing IP allow-lists, poisoning
 * password-reset links); set it to anything above 0 without a proxy in front
 * and every client can. A header with fewer values than trusted hops did not
 * come through all your proxies, and is ignored; so is a value that does not
 * parse (a bad IP, a scheme other than http/https, a bad port, a host with
 * illegal characters): the environ keeps what the server saw.
 *
 * When not to use it: when the application is reachable without the proxy,
 * or the proxy does not overwrite or append these headers. The default
 * (`xFor: 1, xProto: 1`) fits one nginx with `proxy_set_header
 * X-Forwarded-For $proxy_add_x_forwarded_for` and `X-Forwarded-Proto $scheme`.
 *
 * Put it outermost, so every other layer (logging, auth, redirects) sees the
 * fixed environ. `SCRIPT_NAME` is restored when the body is closed (SPEC §12.8);
 * the other keys stay as fixed.
 *
 * @example
 * const app = compose(proxyFix({ xFor: 1, xProto: 1, xHost: 1, xPrefix: 1 }), accessLog())(site);
 */
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../lib/protocol/errors.js';
import { percentDecode } from '../lib/gateway/environ.js';
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';
import { parseForwarded, parseHost, parseNodeAddress, parsePort, type ForwardedElement } from './_internal/proxy-fix-forwarded.js';
import { isBody, observeBody } from '../lib/protocol/observe-body.js';

export interface ProxyFixOptions {
  /** Trusted proxies setting `X-Forwarded-For` (-> `REMOTE_ADDR`). @default 1 */
  xFor?: number;
  /** Trusted proxies setting `X-Forwarded-Proto` (-> `tsgi.url_scheme`, `HTTPS`). @default 1 */
  xProto?: number;
  /** Trusted proxies setting `X-Forwarded-Host` (-> `HTTP_HOST`, `SERVER_NAME`, `SERVER_PORT`). @default 0 */
  xHost?: number;
  /** Trusted proxies setting `X-Forwarded-Port` (-> `SERVER_PORT` and the port in `HTTP_HOST`). @default 0 */
  xPort?: number;
  /** Trusted proxies setting `X-Forwarded-Prefix` (-> `SCRIPT_NAME`, replacing it). @default 0 */
  xPrefix?: number;
  /**
   * Trusted proxies adding an RFC 7239 `Forwarded` element. Its `for=`,
   * `proto=` and `host=` take precedence over the `X-Forwarded-*` values.
   * @default 0
   */
  forwarded?: number;
}

/** The values `proxyFix()` found, before it changed them. */
export interface ProxyFixOriginal {
  REMOTE_ADDR: string | undefined;
  'tsgi.url_scheme': 'http' | 'https';
  HTTP_HOST: string | undefined;
  SERVER_NAME: string;
  SERVER_PORT: string;
  SCRIPT_NAME: string;
}

declare module '../lib/protocol/types.js' {
  interface Environ {
    /** Set by `proxyFix()`: the environ values as the server gave them. */
    'tsgi.proxy_fix.orig'?: ProxyFixOriginal;
  }
}

const OPTION_NAMES = ['xFor', 'xProto', 'xHost', 'xPort', 'xPrefix', 'forwarded'] as const;

/** What `proxyFix()` kept of the original environ; `undefined` when it did not run. */
export function proxyFixOriginal(environ: Environ): ProxyFixOriginal | undefined {
  return environ['tsgi.proxy_fix.orig'];
}

/** Trusts `X-Forwarded-*` / `Forwarded` from the given number of proxies. */
export function proxyFix(options: ProxyFixOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new ImproperlyConfigured(`proxyFix() options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      throw new ImproperlyConfigured(`proxyFix() got an unknown option '${name}'. Known options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const { xFor = 1, xProto = 1, xHost = 0, xPort = 0, xPrefix = 0, forwarded = 0 } = options;
  const trusted = { xFor, xProto, xHost, xPort, xPrefix, forwarded };
  for (const [name, value] of Object.entries(trusted)) {
    if (!(Number.isSafeInteger(value) && value >= 0)) {
      throw new ImproperlyConfigured(
        `proxyFix() option ${name} must be the number of trusted proxies, an integer >= 0; got ${describeValue(value)}. Use 0 to ignore the header.`,
      );
    }
  }

  return function proxyFixMiddleware(app: Application): Application {
    return function proxyFixApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      const orig: ProxyFixOriginal = {
        REMOTE_ADDR: environ.REMOTE_ADDR,
        'tsgi.url_scheme': environ['tsgi.url_scheme'],
        HTTP_HOST: typeof environ.HTTP_HOST === 'string' ? environ.HTTP_HOST : undefined,
        SERVER_NAME: environ.SERVER_NAME,
        SERVER_PORT: environ.SERVER_PORT,
        SCRIPT_NAME: environ.SCRIPT_NAME,
      };
      // An outer proxyFix saw the server's values first: keep those.
      environ['tsgi.proxy_fix.orig'] ??= orig;
      const element = trusted.forwarded > 0 ? nthElement(environ.HTTP_FORWARDED, trusted.forwarded) : undefined;

      const address = element?.for !== undefined ? parseNodeAddress(element.for) : undefined;
      const remote = address ?? mapValue(nth(environ.HTTP_X_FORWARDED_FOR, trusted.xFor), parseNodeAddress);
      if (remote !== undefined) environ.REMOTE_ADDR = remote;

      const scheme = parseScheme(element?.proto) ?? parseScheme(nth(environ.HTTP_X_FORWARDED_PROTO, trusted.xProto));
      if (scheme !== undefined) {
        environ['tsgi.url_scheme'] = scheme;
        if (scheme === 'https') environ.HTTPS = 'on';
        else delete environ.HTTPS;
      }

      const host = mapValue(element?.host, parseHost) ?? mapValue(nth(environ.HTTP_X_FORWARDED_HOST, trusted.xHost), parseHost);
      if (host !== undefined) {
        environ.HTTP_HOST = host.port === undefined ? host.name : `${host.name}:${host.port}`;
        environ.SERVER_NAME = host.name;
        // SPEC §4.6: a Host without a port means the scheme's default port.
        environ.SERVER_PORT = host.port ?? (environ['tsgi.url_scheme'] === 'https' ? '443' : '80');
      }

      const port = mapValue(nth(environ.HTTP_X_FORWARDED_PORT, trusted.xPort), parsePort);
      if (port !== undefined) {
        const current = typeof environ.HTTP_HOST === 'string' ? parseHost(environ.HTTP_HOST) : undefined;
        environ.HTTP_HOST = `${current?.name ?? environ.SERVER_NAME}:${port}`;
        environ.SERVER_PORT = port;
      }

      const prefix = mapValue(nth(environ.HTTP_X_FORWARDED_PREFIX, trusted.xPrefix), parsePrefix);
      if (prefix === undefined || prefix === environ.SCRIPT_NAME) return app(environ, startResponse);
      const scriptName = environ.SCRIPT_NAME;
      const restore = (): void => {
        environ.SCRIPT_NAME = scriptName;
      };
      environ.SCRIPT_NAME = prefix;
      // SCRIPT_NAME and PATH_INFO must not both be empty (SPEC §14.4).
      if (prefix === '' && environ.PATH_INFO === '') environ.PATH_INFO = '/';
      try {
        const result = app(environ, startResponse);
        if (typeof (result as Partial<PromiseLike<Body>>).then !== 'function') return restoringOnClose(result as Body, restore);
        return Promise.resolve(result).then(
          (body) => restoringOnClose(body, restore),
          (error: unknown) => {
            restore();
            throw error;
          },
        );
      } catch (error) {
        restore();
        throw error;
      }
    };
  };
}

/**
 * The value the `trusted`-th proxy from the right appended to a
 * comma-separated header; `undefined` when the header is absent, not
 * trusted (0) or has fewer values than trusted hops.
 */
function nth(header: unknown, trusted: number): string | undefined {
  if (trusted === 0 || typeof header !== 'string') return undefined;
  const values = header.split(',').map((value) => value.trim()).filter((value) => value !== '');
  return values.length >= trusted ? values[values.length - trusted] : undefined;
}

function nthElement(header: unknown, trusted: number): ForwardedElement | undefined {
  if (typeof header !== 'string') return undefined;
  const elements = parseForwarded(header);
  if (elements === undefined || elements.length < trusted) return undefined;
  return elements[elements.length - trusted];
}

function mapValue<T>(value: string | undefined, parse: (value: string) => T | undefined): T | undefined {
  return value === undefined ? undefined : parse(value);
}

function parseScheme(value: string | undefined): 'http' | 'https' | undefined {
  const scheme = value?.toLowerCase();
  return scheme === 'http' || scheme === 'https' ? scheme : undefined;
}

/**
 * An `X-Forwarded-Prefix` as a SCRIPT_NAME: percent-decoded once (SPEC §5.3),
 * starting with `/`, trailing slashes dropped; `undefined` for anything with
 * control characters, a query, or `.`/`..` segments.
 */
function parsePrefix(value: string): string | undefined {
  if (!value.startsWith('/') || /[?#]/.test(value)) return undefined;
  const decoded = percentDecode(value);
  if (/[\x00-\x1f\x7f]/.test(decoded) || /(^|\/)\.{1,2}(\/|$)/.test(decoded)) return undefined;
  return decoded.replace(/\/+$/, '');
}

/**
 * The same chunks; `restore` runs once the application's body is closed
 * (SPEC §12.8). Anything that is not a body is left to the server to report.
 */
function restoringOnClose(body: Body, restore: () => void): Body {
  return isBody(body) ? observeBody(body, { closed: restore }) : body;
}
