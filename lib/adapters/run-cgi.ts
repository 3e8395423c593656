/**
 * `runCgi(app)` runs a tsgi application once, as a CGI script (RFC 3875),
 * the way wsgiref's `CGIHandler` does: the environ comes from the process
 * environment, the request body from stdin, and the response goes to stdout
 * as a `Status:` line, header lines, a blank line and the body.
 *
 * The request runs through the gateway with every PEP 3333 rule; what CGI
 * changes:
 * - The environ is the whole process environment (the CGI meta-variables of
 *   RFC 3875 §4.1 and whatever else the web server passes), each value as
 *   the byte string of its UTF-8 text; `PATH_INFO` and `SCRIPT_NAME` are
 *   taken as the web server decoded them. `tsgi.run_once` and
 *   `tsgi.multiprocess` are true, `tsgi.url_scheme` follows `HTTPS`.
 * - `tsgi.input` reads stdin up to `CONTENT_LENGTH`; without one there is no
 *   body (RFC 3875 §4.1.2).
 * - `tsgi.errors` (and every traceback) goes to stderr.
 * - The body is written as it is: no chunking, since the web server frames
 *   the response for its client (RFC 3875 §6). No `Server` header is added:
 *   that is the web server's.
 * - A failure before anything was sent gives `Status: 500`; after, the
 *   output just stops (CGI has no way to mark it incomplete).
 *
 * Node decodes the environment as UTF-8 before tsgi sees it, so bytes that
 * are not valid UTF-8 in a CGI variable arrive as U+FFFD.
 *
 * When not to use it: for anything but occasional requests. Each request
 * starts a Node process; a long-running server (`tsgi serve`, or the uwsgi
 * server behind nginx) answers in a fraction of that time.
 *
 * @example
 * #!/usr/bin/env node
 * import { runCgi } from 'tsgi/adapters';
 * import { app } from './app.js';
 * await runCgi(app);
 */
import type { Readable, Writable } from 'node:stream';
import { defaultGatewayOptions } from '../gateway/default-options.js';
import { runGateway } from '../gateway/run-gateway.js';
import type { GatewayRequest } from '../gateway/types.js';
import { utf8ToByteString } from '../protocol/byte-string.js';
import { describeValue } from '../protocol/describe-value.js';
import { createErrorStream } from '../protocol/error-stream.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import { guessScheme } from '../protocol/request-uri.js';
import type { Application } from '../protocol/types.js';
import { CgiSink } from './_cgi-sink.js';

export interface RunCgiOptions {
  /** The CGI variables. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** The request body. @default process.stdin */
  stdin?: Readable;
  /** Where the response goes. @default process.stdout */
  stdout?: Writable;
  /** `tsgi.errors`. @default process.stderr */
  stderr?: Writable;
}

const KNOWN = new Set(['env', 'stdin', 'stdout', 'stderr']);
const DIGITS = /^\d+$/;
const UNRESERVED = /[A-Za-z0-9_.~\-/]/;

/** Runs `app` for the one request this process was started for; resolves when the response is written. */
export function runCgi(app: Application, options: RunCgiOptions = {}): Promise<void> {
  if (typeof app !== 'function') {
    throw new ImproperlyConfigured(`runCgi() app must be a tsgi application, a function (environ, startResponse); got ${describeValue(app)}.`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new ImproperlyConfigured(`runCgi() options must be an object; got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new ImproperlyConfigured(`runCgi() got an unknown option ${describeValue(key)}. Known options: ${[...KNOWN].join(', ')}.`);
    }
  }
  const { env = process.env, stdin = process.stdin, stdout = process.stdout, stderr = process.stderr } = options;
  const cgi = cgiVariables(env);
  const gatewayOptions = defaultGatewayOptions({
    errors: createErrorStream(stderr),
    multithread: false,
    multiprocess: true,
    runOnce: true,
    serverSoftware: '',
  });
  // The web server's variables win over what the gateway derived from the request below.
  const withCgiEnviron: Application = (environ, startResponse) => app(Object.assign(environ, cgi), startResponse);
  return runGateway(withCgiEnviron, cgiRequest(cgi, stdin), new CgiSink(stdout), gatewayOptions);
}

/**
 * The environment as environ values: byte strings, without the `tsgi.*`
 * keys the gateway owns, and without a `CONTENT_LENGTH` that is empty or not
 * a number (PEP 3333: it "may be empty or absent").
 */
function cgiVariables(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const cgi: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !key.startsWith('tsgi.')) cgi[key] = utf8ToByteString(value);
  }
  if (cgi.CONTENT_LENGTH !== undefined && !DIGITS.test(cgi.CONTENT_LENGTH)) delete cgi.CONTENT_LENGTH;
  if (cgi.CONTENT_TYPE === '') delete cgi.CONTENT_TYPE;
  return cgi;
}

/** The request as the gateway wants it. */
function cgiRequest(cgi: Record<string, string>, stdin: Readable): GatewayRequest {
  const scheme = guessScheme(cgi);
  const length = cgi.CONTENT_LENGTH;
  const rawHeaders: string[] = [];
  if (length !== undefined) rawHeaders.push('Content-Length', length);
  if (cgi.CONTENT_TYPE !== undefined) rawHeaders.push('Content-Type', cgi.CONTENT_TYPE);
  const query = cgi.QUERY_STRING ?? '';
  const request: GatewayRequest = {
    method: cgi.REQUEST_METHOD ?? 'GET',
    // REQUEST_URI is not a CGI variable, but Apache and nginx pass it.
    target: cgi.REQUEST_URI ?? quotePath(`${cgi.SCRIPT_NAME ?? ''}${cgi.PATH_INFO ?? ''}` || '/') + (query ? `?${query}` : ''),
    // HTTP/1.0 makes the gateway's framing for an unknown length `close`: the body is written
    // as it is, as CGI wants. SERVER_PROTOCOL itself comes from the environment.
    protocol: 'HTTP/1.0',
    rawHeaders,
    body: length !== undefined && length !== '0' ? stdin : null,
    serverName: cgi.SERVER_NAME ?? 'localhost',
    serverPort: Number(cgi.SERVER_PORT) || (scheme === 'https' ? 443 : 80),
    urlScheme: scheme,
  };
  if (cgi.REMOTE_ADDR !== undefined) request.remoteAddress = cgi.REMOTE_ADDR;
  if (cgi.REMOTE_PORT !== undefined && DIGITS.test(cgi.REMOTE_PORT)) request.remotePort = Number(cgi.REMOTE_PORT);
  return request;
}

/** A decoded byte-string path as a request-target path: `%XX` for each byte but the unreserved ones and `/`. */
function quotePath(path: string): string {
  let quoted = '';
  for (const char of path) {
    quoted += UNRESERVED.test(char) ? char : `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return quoted;
}
