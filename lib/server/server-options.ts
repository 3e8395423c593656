/**
 * The development server's options, their defaults, and the check that runs
 * when the server is built (never on the first request).
 */
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import type { ErrorStream } from '../protocol/types.js';

/** How `makeServer()` behaves. Every field is optional. */
export interface ServerOptions {
  /**
   * Milliseconds a client has to send a whole request, headers and body;
   * past it the client gets `408 Request Timeout`. `0` disables the limit
   * (only behind a proxy that enforces its own).
   * @default 60000
   */
  requestTimeout?: number;
  /**
   * Milliseconds a client has to send the request head. The defence against
   * slowloris clients that trickle headers; past it the client gets `408`.
   * Must not exceed `requestTimeout` when both are set.
   * @default 10000
   */
  headersTimeout?: number;
  /**
   * Milliseconds an idle keep-alive connection stays open between requests.
   * Behind a load balancer, make it longer than the balancer's idle timeout.
   * @default 5000
   */
  keepAliveTimeout?: number;
  /**
   * The largest request head, in bytes, the parser accepts; a larger one is
   * answered `431 Request Header Fields Too Large`.
   * @default 16384
   */
  maxHeaderSize?: number;
  /**
   * `tsgi.errors`, and where tracebacks of failed requests go.
   * @default process.stderr (through `createErrorStream`)
   */
  errors?: ErrorStream;
  /**
   * Receives one access-log line per answered request, without a line end,
   * wsgiref style: `127.0.0.1 - - [24/Nov/2026 19:40:01] "GET / HTTP/1.1" 200 11`.
   * `false` turns the log off.
   * @default a function writing the line to process.stderr
   */
  log?: ((line: string) => void) | false;
  /**
   * The `Server` header and `SERVER_SOFTWARE`; `''` leaves both out.
   * @default the gateway's `tsgi/<version> node/<version>`
   */
  serverSoftware?: string;
  /**
   * Extra keys copied into every environ before the request's own
   * (wsgiref's `base_environ`).
   * @default {}
   */
  baseEnviron?: Record<string, unknown>;
}

/** The options with every default filled in. */
export interface ResolvedServerOptions {
  requestTimeout: number;
  headersTimeout: number;
  keepAliveTimeout: number;
  maxHeaderSize: number;
  errors: ErrorStream | undefined;
  log: ((line: string) => void) | false;
  serverSoftware: string | undefined;
  baseEnviron: Record<string, unknown> | undefined;
}

const DEFAULTS = {
  requestTimeout: 60_000,
  headersTimeout: 10_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16_384,
} as const;

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'requestTimeout',
  'headersTimeout',
  'keepAliveTimeout',
  'maxHeaderSize',
  'errors',
  'log',
  'serverSoftware',
  'baseEnviron',
]);

/** Writes one access-log line to standard error, as wsgiref's `log_message` does. */
function logToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Checks `options` and fills in the defaults.
 * @throws ImproperlyConfigured naming the option, the bad value and what to pass instead.
 */
export function resolveServerOptions(options: ServerOptions | undefined): ResolvedServerOptions {
  if (options === undefined) {
    return { ...DEFAULTS, errors: undefined, log: logToStderr, serverSoftware: undefined, baseEnviron: undefined };
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ImproperlyConfigured(
      `makeServer() options must be an object; got ${describeValue(options)}. Pass {} or leave the argument out.`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new ImproperlyConfigured(
        `makeServer() got an unknown option '${key}'. Known options: ${[...KNOWN_OPTIONS].join(', ')}.`,
      );
    }
  }
  const resolved: ResolvedServerOptions = {
    requestTimeout: milliseconds(options, 'requestTimeout', 0),
    headersTimeout: milliseconds(options, 'headersTimeout', 0),
    keepAliveTimeout: milliseconds(options, 'keepAliveTimeout', 0),
    maxHeaderSize: milliseconds(options, 'maxHeaderSize', 1),
    errors: errorStream(options.errors),
    log: logOption(options.log),
    serverSoftware: serverSoftware(options.serverSoftware),
    baseEnviron: baseEnviron(options.baseEnviron),
  };
  // node:http refuses this combination too, but with a less helpful message.
  if (
    resolved.requestTimeout > 0 &&
    resolved.headersTimeout > resolved.requestTimeout
  ) {
    throw new ImproperlyConfigured(
      `makeServer() option headersTimeout (${resolved.headersTimeout}) must not exceed requestTimeout ` +
        `(${resolved.requestTimeout}). Lower headersTimeout or raise requestTimeout.`,
    );
  }
  return resolved;
}

/** A non-negative integer option (`minimum` 1 for sizes), or its default. */
function milliseconds(options: ServerOptions, key: keyof typeof DEFAULTS, minimum: number): number {
  const value = options[key];
  if (value === undefined) return DEFAULTS[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    const unit = key === 'maxHeaderSize' ? 'a number of bytes' : 'a number of milliseconds';
    throw new ImproperlyConfigured(
      `makeServer() option ${key} must be an integer >= ${minimum} (${unit}); got ${describeValue(value)}.`,
    );
  }
  return value;
}

function errorStream(value: unknown): ErrorStream | undefined {
  if (value === undefined) return undefined;
  const stream = value as Partial<ErrorStream> | null;
  if (
    typeof stream !== 'object' ||
    stream === null ||
    typeof stream.write !== 'function' ||
    typeof stream.writelines !== 'function' ||
    typeof stream.flush !== 'function'
  ) {
    throw new ImproperlyConfigured(
      `makeServer() option errors must be an ErrorStream with write(), writelines() and flush(); ` +
        `got ${describeValue(value)}. Wrap a writable with createErrorStream().`,
    );
  }
  return value as ErrorStream;
}

function logOption(value: unknown): ((line: string) => void) | false {
  if (value === undefined) return logToStderr;
  if (value === false || typeof value === 'function') return value as ((line: string) => void) | false;
  throw new ImproperlyConfigured(
    `makeServer() option log must be a function taking one line, or false to turn the log off; got ${describeValue(value)}.`,
  );
}

function serverSoftware(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new ImproperlyConfigured(
    `makeServer() option serverSoftware must be a string ('' leaves the Server header out); got ${describeValue(value)}.`,
  );
}

function baseEnviron(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ImproperlyConfigured(
    `makeServer() option baseEnviron must be a plain object of environ keys; got ${describeValue(value)}.`,
  );
}
