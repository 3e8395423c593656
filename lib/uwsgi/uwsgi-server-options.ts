/**
 * The uwsgi server's options, their defaults, and the check that runs when
 * the server is built (never on the first request). They follow the dev
 * server's conventions (`errors`, `log`, `serverSoftware`, `baseEnviron`).
 */
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import type { ErrorStream } from '../protocol/types.js';
import { checkMaxBlockSize, DEFAULT_MAX_BLOCK_SIZE } from './uwsgi-packet.js';

/** How `makeUwsgiServer()` behaves. Every field is optional. */
export interface UwsgiServerOptions {
  /**
   * The largest vars block accepted, in bytes: uWSGI's `buffer-size`. nginx
   * puts every request header in it; raise it for big cookies (at most 65535).
   * @default 4096
   */
  maxBlockSize?: number;
  /**
   * Milliseconds a peer has to send the whole packet (header and vars) after
   * connecting; then the connection is closed and the reason logged. `0`: no limit.
   * @default 10000
   */
  headersTimeout?: number;
  /**
   * `tsgi.errors`, and where tracebacks and refused connections are logged.
   * @default process.stderr (through `createErrorStream`)
   */
  errors?: ErrorStream;
  /**
   * Receives one access-log line per answered request, without a line end
   * (`127.0.0.1 - - [24/Nov/2026 19:40:01] "GET / HTTP/1.1" 200 11`);
   * `false` turns the log off.
   * @default a function writing the line to process.stdout
   */
  log?: ((line: string) => void) | false;
  /**
   * The `Server` header and `SERVER_SOFTWARE`; `''` leaves both out.
   * @default the gateway's `tsgi/<version> node/<version>`
   */
  serverSoftware?: string;
  /**
   * Extra keys copied into every environ before the request's own.
   * @default {}
   */
  baseEnviron?: Record<string, unknown>;
  /**
   * `tsgi.multiprocess`: true when several processes serve the same app (the prefork server's workers).
   * @default false
   */
  multiprocess?: boolean;
}

export interface ResolvedUwsgiServerOptions {
  maxBlockSize: number;
  headersTimeout: number;
  errors: ErrorStream | undefined;
  log: ((line: string) => void) | false;
  serverSoftware: string | undefined;
  baseEnviron: Record<string, unknown> | undefined;
  multiprocess: boolean;
}

const KNOWN: ReadonlySet<string> = new Set([
  'maxBlockSize',
  'headersTimeout',
  'errors',
  'log',
  'serverSoftware',
  'baseEnviron',
  'multiprocess',
]);

function logToStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Checks `options` and fills in the defaults.
 * @throws ImproperlyConfigured naming the option, the bad value and what to pass instead
 */
export function resolveUwsgiServerOptions(options: UwsgiServerOptions | undefined): ResolvedUwsgiServerOptions {
  const given = options ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new ImproperlyConfigured(
      `makeUwsgiServer() options must be an object; got ${describeValue(given)}. Pass {} or leave the argument out.`,
    );
  }
  for (const key of Object.keys(given)) {
    if (!KNOWN.has(key)) {
      throw new ImproperlyConfigured(`makeUwsgiServer() got an unknown option '${key}'. Known options: ${[...KNOWN].join(', ')}.`);
    }
  }
  const { headersTimeout = 10_000, errors, log = logToStdout, serverSoftware, baseEnviron, multiprocess = false } = given;
  if (typeof headersTimeout !== 'number' || !Number.isSafeInteger(headersTimeout) || headersTimeout < 0) {
    throw new ImproperlyConfigured(
      `makeUwsgiServer() option headersTimeout must be an integer >= 0 (a number of milliseconds; 0: no limit); got ${describeValue(headersTimeout)}.`,
    );
  }
  if (errors !== undefined && !['write', 'writelines', 'flush'].every((m) => typeof (errors as unknown as Record<string, unknown>)?.[m] === 'function')) {
    throw new ImproperlyConfigured(
      `makeUwsgiServer() option errors must be an ErrorStream with write(), writelines() and flush(); got ${describeValue(errors)}. ` +
        'Wrap a writable with createErrorStream().',
    );
  }
  if (log !== false && typeof log !== 'function') {
    throw new ImproperlyConfigured(
      `makeUwsgiServer() option log must be a function taking one line, or false to turn the log off; got ${describeValue(log)}.`,
    );
  }
  if (serverSoftware !== undefined && typeof serverSoftware !== 'string') {
    throw new ImproperlyConfigured(
      `makeUwsgiServer() option serverSoftware must be a string ('' leaves the Server header out); got ${describeValue(serverSoftware)}.`,
    );
  }
  if (baseEnviron !== undefined && (typeof baseEnviron !== 'object' || baseEnviron === null || Array.isArray(baseEnviron))) {
    throw new ImproperlyConfigured(`makeUwsgiServer() option baseEnviron must be a plain object of environ keys; got ${describeValue(baseEnviron)}.`);
  }
  if (typeof multiprocess !== 'boolean') {
    throw new ImproperlyConfigured(`makeUwsgiServer() option multiprocess must be a boolean; got ${describeValue(multiprocess)}.`);
  }
  return {
    maxBlockSize: given.maxBlockSize === undefined ? DEFAULT_MAX_BLOCK_SIZE : checkMaxBlockSize(given.maxBlockSize, 'makeUwsgiServer() option'),
    headersTimeout,
    errors,
    log,
    serverSoftware,
    baseEnviron,
    multiprocess,
  };
}
