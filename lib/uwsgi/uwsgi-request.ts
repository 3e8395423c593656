/**
 * Turns the vars of a uwsgi request into the gateway's `GatewayRequest`, so
 * the environ is built by the gateway exactly as for every other front-end.
 *
 * What comes from where (nginx's `uwsgi_params`):
 * - the target is `REQUEST_URI` (the raw target, as the client sent it); if a
 *   proxy sends none, `PATH_INFO` re-quoted plus `?QUERY_STRING`;
 * - headers are the `HTTP_*` vars (`HTTP_X_FOO` becomes `X-FOO`; repeats are
 *   kept, so the gateway joins them as it does for HTTP) plus `CONTENT_TYPE`
 *   and `CONTENT_LENGTH`; nginx sends those two empty for a request without a
 *   body, and empty means absent;
 * - the scheme is `https` when `HTTPS` is `on`/`1`/`yes`/`true`, or
 *   `UWSGI_SCHEME`/`REQUEST_SCHEME` is `https`;
 * - `SERVER_NAME`/`SERVER_PORT` and `REMOTE_ADDR`/`REMOTE_PORT` from their
 *   vars, else from the socket (the proxy's address, as gunicorn does).
 *
 * Two things a `GatewayRequest` cannot carry are returned beside it and
 * applied by `withUwsgiVars()`: a `SCRIPT_NAME` sent by the proxy
 * (`uwsgi_param SCRIPT_NAME /app;` — moved from the front of `PATH_INFO`, as
 * uWSGI's `manage-script-name` does), and every other var (`DOCUMENT_ROOT`,
 * `REMOTE_USER`, your own `uwsgi_param`s), copied into the environ as uWSGI does.
 *
 * @example
 * const parts = toUwsgiGatewayRequest(packet.vars, { serverName: 'localhost', serverPort: 0 });
 * await runGateway(withUwsgiVars(app, parts), { ...parts.request, body }, sink, options);
 */
import type { GatewayRequest } from '../gateway/types.js';
import { parseDecimal } from '../protocol/decimal.js';
import { describeValue } from '../protocol/describe-value.js';
import type { Application, Environ } from '../protocol/types.js';
import { UwsgiProtocolError } from './uwsgi-protocol-error.js';

/** What the socket knows, for vars the proxy left out. */
export interface UwsgiPeer {
  remoteAddress?: string;
  remotePort?: number;
  serverName: string;
  serverPort: number;
}

/** A request from its vars: the gateway's part, and what goes into the environ besides. */
export interface UwsgiRequestParts {
  /** The request, with `body` `null`: the server supplies the body stream. */
  request: GatewayRequest;
  /** `CONTENT_LENGTH` as a number; `undefined` when the request has none (no body). */
  contentLength: number | undefined;
  /** The `SCRIPT_NAME` the proxy sent, without a trailing slash; `''` when none. */
  scriptName: string;
  /** Vars the gateway does not build itself, copied into the environ unless it has the key. */
  extraVars: Array<[string, string]>;
}

/** Vars the gateway derives itself (from the target, headers and addresses), never copied. */
const DERIVED = new Set([
  'REQUEST_METHOD', 'REQUEST_URI', 'PATH_INFO', 'QUERY_STRING', 'SCRIPT_NAME', 'SERVER_PROTOCOL',
  'SERVER_NAME', 'SERVER_PORT', 'REMOTE_ADDR', 'REMOTE_PORT', 'CONTENT_TYPE', 'CONTENT_LENGTH', 'HTTPS',
  'GATEWAY_INTERFACE', 'SERVER_SOFTWARE',
]);
/** A CGI-style name; keys with dots are reserved for `tsgi.*` and middleware, never taken from the wire. */
const CGI_NAME = /^[A-Z][A-Z0-9_]*$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TRUE_FLAG = /^(on|1|yes|true)$/i;
/** Bytes left as they are when PATH_INFO is quoted back into a target (RFC 3986 pchar and `/`). */
const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

/**
 * The request the vars describe.
 * @throws UwsgiProtocolError (`bad-vars`) without a usable REQUEST_METHOD or with a CONTENT_LENGTH that is not a number
 */
export function toUwsgiGatewayRequest(vars: ReadonlyArray<readonly [string, string]>, peer: UwsgiPeer): UwsgiRequestParts {
  const cgi = new Map<string, string>();
  const rawHeaders: string[] = [];
  const extraVars: Array<[string, string]> = [];
  for (const [key, value] of vars) {
    if (key.startsWith('HTTP_')) {
      // The two that CGI names without HTTP_ come only from their own vars, so a sender cannot smuggle a second length.
      if (key !== 'HTTP_CONTENT_LENGTH' && key !== 'HTTP_CONTENT_TYPE') rawHeaders.push(key.slice(5).replaceAll('_', '-'), value);
    } else {
      if (!cgi.has(key)) cgi.set(key, value);
      if (!DERIVED.has(key) && CGI_NAME.test(key)) extraVars.push([key, value]);
    }
  }
  const method = cgi.get('REQUEST_METHOD') ?? '';
  if (!TOKEN.test(method)) {
    throw new UwsgiProtocolError(
      'bad-vars',
      `uwsgi request: REQUEST_METHOD must be an HTTP method token; got ${describeValue(method)}. ` +
        "Send it as nginx does: include uwsgi_params (uwsgi_param REQUEST_METHOD $request_method;).",
    );
  }
  const contentType = cgi.get('CONTENT_TYPE');
  if (contentType !== undefined && contentType !== '') rawHeaders.push('Content-Type', contentType);
  const declared = cgi.get('CONTENT_LENGTH');
  let contentLength: number | undefined;
  if (declared !== undefined && declared !== '') {
    contentLength = parseDecimal(declared);
    if (contentLength === -1) {
      throw new UwsgiProtocolError(
        'bad-vars',
        `uwsgi request: CONTENT_LENGTH must be a number of bytes; got ${describeValue(declared)}. ` +
          'The body after the vars is exactly that long; send the length nginx computed ($content_length).',
      );
    }
    rawHeaders.push('Content-Length', declared);
  }
  const request: GatewayRequest = {
    method,
    target: targetOf(cgi),
    protocol: cgi.get('SERVER_PROTOCOL') || 'HTTP/1.1',
    rawHeaders,
    body: null,
    serverName: cgi.get('SERVER_NAME') || peer.serverName,
    serverPort: portOf(cgi.get('SERVER_PORT')) ?? peer.serverPort,
    urlScheme: schemeOf(cgi),
  };
  const remoteAddress = cgi.get('REMOTE_ADDR') || peer.remoteAddress;
  if (remoteAddress !== undefined) request.remoteAddress = remoteAddress;
  const remotePort = portOf(cgi.get('REMOTE_PORT')) ?? peer.remotePort;
  if (remotePort !== undefined) request.remotePort = remotePort;
  return { request, contentLength, scriptName: scriptNameOf(cgi.get('SCRIPT_NAME')), extraVars };
}

/**
 * `app`, with the environ completed from the vars: the extra vars added, and
 * `SCRIPT_NAME` moved out of `PATH_INFO` when `PATH_INFO` starts with it (at
 * a `/` or the end). Returns `app` itself when there is nothing to add.
 */
export function withUwsgiVars(app: Application, parts: UwsgiRequestParts): Application {
  const { scriptName, extraVars } = parts;
  if (scriptName === '' && extraVars.length === 0) return app;
  return function withUwsgiVars(environ, startResponse) {
    for (const [key, value] of extraVars) if (!(key in environ)) (environ as Environ & Record<string, string>)[key] = value;
    const path = environ.PATH_INFO;
    if (scriptName !== '' && path.startsWith(scriptName) && (path.length === scriptName.length || path[scriptName.length] === '/')) {
      environ.SCRIPT_NAME = scriptName;
      environ.PATH_INFO = path.slice(scriptName.length);
    }
    return app(environ, startResponse);
  };
}

function targetOf(cgi: Map<string, string>): string {
  const uri = cgi.get('REQUEST_URI');
  if (uri !== undefined && uri !== '') return uri;
  const path = cgi.get('PATH_INFO') || '/';
  const query = cgi.get('QUERY_STRING') ?? '';
  let quoted = '';
  for (const char of path) {
    quoted += PATH_SAFE.test(char) ? char : `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return query === '' ? quoted : `${quoted}?${query}`;
}

function schemeOf(cgi: Map<string, string>): 'http' | 'https' {
  if (TRUE_FLAG.test(cgi.get('HTTPS') ?? '')) return 'https';
  const scheme = (cgi.get('UWSGI_SCHEME') || cgi.get('REQUEST_SCHEME') || '').toLowerCase();
  return scheme === 'https' ? 'https' : 'http';
}

function portOf(value: string | undefined): number | undefined {
  const port = value === undefined ? -1 : parseDecimal(value);
  return port !== -1 && port <= 65535 ? port : undefined;
}

/** `/app/` and `/app` are the same mount point; `/` and `''` mean none (wsgiref: SCRIPT_NAME cannot be '/'). */
function scriptNameOf(value: string | undefined): string {
  if (value === undefined) return '';
  return value.replace(/\/+$/, '');
}
