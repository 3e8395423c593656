/**
 * Builds the environ for one request (PEP 3333 "environ Variables", the CGI
 * variables of RFC 3875 §4.1, and tsgi's own keys).
 *
 * Choices worth knowing:
 * - `PATH_INFO` is the target's path percent-decoded exactly once into a byte
 *   string (`%2F` becomes `/`, `%E4` becomes `\xe4`); a `%` not followed by two
 *   hex digits is kept as it is. `REQUEST_URI` keeps the raw target.
 * - An absolute-form target (`http://host/p?q`, RFC 9112 §3.2.2) gives the
 *   path and query from the URI, and its authority replaces the Host header
 *   (the RFC tells servers to ignore Host then): `HTTP_HOST`, `SERVER_NAME` and
 *   `SERVER_PORT` all come from the URI.
 * - The asterisk-form target of `OPTIONS *` (RFC 9112 §3.2.4) names the
 *   server, not a resource: `PATH_INFO` is `'*'` (as gunicorn and Werkzeug
 *   give it) so no path router mistakes it for `/`.
 * - Header names containing `_` are dropped: `X_Foo` and `X-Foo` would both
 *   become `HTTP_X_FOO`, letting a client forge a header a proxy vetted
 *   (nginx and gunicorn drop them too). Repeated headers are joined with `,`
 *   (RFC 9110 §5.3), `Cookie` with `; ` (RFC 6265 §5.4); see environ-headers.ts.
 * - `SERVER_NAME` is a host as it appears in a URL: an IPv6 literal keeps
 *   its brackets (`[::1]`), so `SERVER_NAME:SERVER_PORT` always parses.
 */
import { parseDecimal } from '../protocol/decimal.js';
import { createInputStream } from '../protocol/input-stream.js';
import { TSGI_VERSION } from '../protocol/keys.js';
import type { Environ } from '../protocol/types.js';
import { addHeaders } from './environ-headers.js';
import type { GatewayOptions, GatewayRequest } from './types.js';

/** What the environ needs from the response side. */
export interface EnvironHooks {
  /**
   * Sends `100 Continue`. Called just before the application's first read of
   * `tsgi.input`, and only when the request carried `Expect: 100-continue`
   * (PEP 3333 "HTTP 1.1 Expect/Continue", the "on first read" approach).
   */
  sendContinue?: () => void;
}

const ABSOLUTE_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;
const HOST_AND_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]@\s]+)(?::(\d*))?$/;

/**
 * The input of every request without a body (most GETs). At end of input from
 * the start, reads change nothing in it, so one serves every such request.
 */
const NO_BODY = createInputStream(null, { contentLength: 0 });

/** The environ for `request`, without running anything. */
export function buildEnviron(request: GatewayRequest, options: GatewayOptions, hooks?: EnvironHooks): Environ {
  const { target, urlScheme } = request;
  let pathAndQuery = target;
  let authority: string | undefined;
  let authorityScheme = urlScheme as string;
  if (target.charCodeAt(0) !== 0x2f /* '/' */ && target !== '*') {
    const absolute = ABSOLUTE_FORM.exec(target);
    if (absolute) {
      authorityScheme = absolute[1]!.toLowerCase();
      // Userinfo (`user@`) is deprecated in http URIs (RFC 9110 §4.2.4); it is not part of the host.
      authority = absolute[2]!.slice(absolute[2]!.lastIndexOf('@') + 1);
      pathAndQuery = absolute[3]!;
      if (pathAndQuery === '' || pathAndQuery.charCodeAt(0) === 0x3f /* '?' */) pathAndQuery = '/' + pathAndQuery;
    }
  }
  const mark = pathAndQuery.indexOf('?');
  const rawPath = mark === -1 ? pathAndQuery : pathAndQuery.slice(0, mark);

  const environ = new EnvironConstructor(
    request,
    options,
    percentDecode(rawPath),
    mark === -1 ? '' : pathAndQuery.slice(mark + 1),
  );
  addHeaders(environ, request.rawHeaders);

  if (authority !== undefined) environ.HTTP_HOST = authority;
  const host = environ.HTTP_HOST;
  const parsed = typeof host === 'string' ? parseHost(host) : undefined;
  if (parsed) {
    environ.SERVER_NAME = parsed.name;
    environ.SERVER_PORT = parsed.port || defaultPort(authority === undefined ? urlScheme : authorityScheme);
  } else {
    // No Host (HTTP/1.0), an empty one, or one that is not host[:port]: the local address.
    environ.SERVER_NAME = urlHost(request.serverName);
    environ.SERVER_PORT = String(request.serverPort);
  }

  if (request.remoteAddress !== undefined) environ.REMOTE_ADDR = request.remoteAddress;
  if (request.remotePort !== undefined) environ.REMOTE_PORT = `${request.remotePort}`;
  if (options.serverSoftware !== '') environ.SERVER_SOFTWARE = options.serverSoftware;
  if (urlScheme === 'https') environ.HTTPS = 'on';
  if (options.fileWrapper !== undefined) environ['tsgi.file_wrapper'] = options.fileWrapper;

  environ['tsgi.input'] =
    request.body === null && environ.CONTENT_LENGTH === undefined
      ? NO_BODY
      : createInputStream(request.body, inputOptions(environ, hooks));

  // The deployer's keys come first; the request's own keys win over them.
  return options.baseEnviron === undefined ? environ : (Object.assign({}, options.baseEnviron, environ) as Environ);
}

/**
 * Makes the environ with `new`, a constructor whose prototype is
 * `Object.prototype`: the result is the plain object an object literal
 * gives (SPEC §4.1), but V8 leaves room in it for the keys added after
 * (the request's headers, REMOTE_ADDR, …), which a literal's object keeps
 * in a separate array that grows as they come.
 */
function EnvironObject(
  this: Record<string, unknown>,
  request: GatewayRequest,
  options: GatewayOptions,
  pathInfo: string,
  queryString: string,
): void {
  this.REQUEST_METHOD = request.method;
  this.SCRIPT_NAME = '';
  this.PATH_INFO = pathInfo;
  this.QUERY_STRING = queryString;
  this.REQUEST_URI = request.target;
  this.SERVER_PROTOCOL = request.protocol;
  this.SERVER_NAME = '';
  this.SERVER_PORT = '';
  this.GATEWAY_INTERFACE = 'CGI/1.1';
  this['tsgi.version'] = TSGI_VERSION;
  this['tsgi.url_scheme'] = request.urlScheme;
  // Set once the headers say how the body is framed; listed here so every environ has one shape.
  this['tsgi.input'] = undefined;
  this['tsgi.errors'] = options.errors;
  this['tsgi.multithread'] = options.multithread;
  this['tsgi.multiprocess'] = options.multiprocess;
  this['tsgi.run_once'] = options.runOnce;
}
(EnvironObject as { prototype: object }).prototype = Object.prototype;
const EnvironConstructor = EnvironObject as unknown as new (
  request: GatewayRequest,
  options: GatewayOptions,
  pathInfo: string,
  queryString: string,
) => Environ;

/** How the `tsgi.input` of a request with a body or a CONTENT_LENGTH ends: at CONTENT_LENGTH, or with the (de-chunked) body. */
function inputOptions(
  environ: Environ,
  hooks: EnvironHooks | undefined,
): { contentLength?: number; onFirstRead?: () => void } {
  const options: { contentLength?: number; onFirstRead?: () => void } = {};
  const declared = environ.CONTENT_LENGTH;
  const length = declared === undefined ? -1 : parseDecimal(declared);
  if (length !== -1) {
    options.contentLength = length;
  } else if (declared !== undefined) {
    // Not a length at all: node's parser rejects these, other transports might not.
    // Reading an unframed body could swallow the next request, so the input is empty.
    delete environ.CONTENT_LENGTH;
    options.contentLength = 0;
  } else {
    // A body without a length (a chunked request): it ends where the transport says.
    environ['tsgi.input_terminated'] = true;
  }
  const sendContinue = hooks?.sendContinue;
  const expect = environ.HTTP_EXPECT;
  if (sendContinue !== undefined && typeof expect === 'string' && expect.toLowerCase() === '100-continue') {
    options.onFirstRead = sendContinue;
  }
  return options;
}

/**
 * Decodes `%XX` escapes once, each to the one code unit of its byte.
 * A `%` without two hex digits after it stays as it is.
 */
export function percentDecode(path: string): string {
  let start = path.indexOf('%');
  if (start === -1) return path;
  let decoded = '';
  let copied = 0;
  while (start !== -1) {
    const byte = hexByte(path, start + 1);
    if (byte !== -1) {
      decoded += path.slice(copied, start) + String.fromCharCode(byte);
      copied = start + 3;
      start = path.indexOf('%', copied);
    } else {
      start = path.indexOf('%', start + 1);
    }
  }
  return decoded + path.slice(copied);
}

function hexByte(text: string, at: number): number {
  const high = hexDigit(text.charCodeAt(at));
  const low = hexDigit(text.charCodeAt(at + 1));
  return high === -1 || low === -1 ? -1 : high * 16 + low;
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

// Nearly every request on a server names the same host: remember the last one.
let lastHost = '';
let lastParsed: { name: string; port: string } | undefined;

/** `host[:port]` (IPv6 in brackets) split in two; undefined when it is not that. */
function parseHost(host: string): { name: string; port: string } | undefined {
  if (host === lastHost) return lastParsed;
  const match = HOST_AND_PORT.exec(host);
  lastHost = host;
  lastParsed = match ? { name: match[1]!, port: match[2] ?? '' } : undefined;
  return lastParsed;
}

function defaultPort(scheme: string): string {
  return scheme === 'https' ? '443' : '80';
}

/** An IPv6 address as a URL host: in brackets. */
function urlHost(name: string): string {
  return name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
}
