/**
 * `GatewayOptions` with tsgi's defaults, checked once when a front-end is
 * built rather than on every request.
 */
import { describeValue } from '../protocol/describe-value.js';
import { createErrorStream } from '../protocol/error-stream.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import { VERSION } from '../version.js';
import type { GatewayOptions } from './types.js';

const KNOWN = new Set(['errors', 'multithread', 'multiprocess', 'runOnce', 'serverSoftware', 'fileWrapper', 'baseEnviron']);
// What a Server header value may hold: visible ASCII, spaces and tabs (RFC 9110 §10.2.4, §5.5).
const HEADER_TEXT = /^[\t\x20-\x7e]*$/;

const DEFAULT_SOFTWARE = `tsgi/${VERSION} node/${process.versions.node}`;

/** `tsgi/<version> node/<version>`: the default `Server` header and `SERVER_SOFTWARE`. */
export function serverSoftware(): string {
  return DEFAULT_SOFTWARE;
}

/**
 * The defaults, with `overrides` applied: errors to `process.stderr`,
 * not multithreaded, not multiprocess, not run-once, and
 * `serverSoftware` `tsgi/<version> node/<version>`.
 * Throws `ImproperlyConfigured` for an unknown or mistyped option.
 */
export function defaultGatewayOptions(overrides: Partial<GatewayOptions> = {}): GatewayOptions {
  if (typeof overrides !== 'object' || overrides === null) {
    throw new ImproperlyConfigured(`defaultGatewayOptions() expects an object of options; got ${describeValue(overrides)}.`);
  }
  for (const key of Object.keys(overrides)) {
    if (!KNOWN.has(key)) {
      throw new ImproperlyConfigured(
        `defaultGatewayOptions() got an unknown option ${describeValue(key)}. Known options: ${[...KNOWN].join(', ')}.`,
      );
    }
  }
  const options: GatewayOptions = {
    errors: overrides.errors ?? createErrorStream(process.stderr),
    multithread: overrides.multithread ?? false,
    multiprocess: overrides.multiprocess ?? false,
    runOnce: overrides.runOnce ?? false,
    serverSoftware: overrides.serverSoftware ?? serverSoftware(),
  };
  if (overrides.fileWrapper !== undefined) options.fileWrapper = overrides.fileWrapper;
  if (overrides.baseEnviron !== undefined) options.baseEnviron = overrides.baseEnviron;
  checkOptions(options);
  return options;
}

function checkOptions(options: GatewayOptions): void {
  const errors = options.errors as Partial<GatewayOptions['errors']> | null;
  if (typeof errors !== 'object' || errors === null || !['write', 'writelines', 'flush'].every((m) => typeof errors[m as 'write'] === 'function')) {
    throw new ImproperlyConfigured(
      `defaultGatewayOptions() errors must be an ErrorStream (write, writelines, flush); got ${describeValue(options.errors)}. ` +
        'Wrap a writable with createErrorStream().',
    );
  }
  for (const flag of ['multithread', 'multiprocess', 'runOnce'] as const) {
    if (typeof options[flag] !== 'boolean') {
      throw new ImproperlyConfigured(`defaultGatewayOptions() ${flag} must be a boolean; got ${describeValue(options[flag])}.`);
    }
  }
  if (typeof options.serverSoftware !== 'string' || !HEADER_TEXT.test(options.serverSoftware)) {
    throw new ImproperlyConfigured(
      `defaultGatewayOptions() serverSoftware must be printable ASCII (it is sent as the Server header); got ${describeValue(options.serverSoftware)}. ` +
        "Use e.g. 'myapp/1.0', or '' to send no Server header.",
    );
  }
  if (options.fileWrapper !== undefined && typeof options.fileWrapper !== 'function') {
    throw new ImproperlyConfigured(
      `defaultGatewayOptions() fileWrapper must be a function (file, blockSize) => Body; got ${describeValue(options.fileWrapper)}.`,
    );
  }
  if (options.baseEnviron !== undefined && (typeof options.baseEnviron !== 'object' || options.baseEnviron === null)) {
    throw new ImproperlyConfigured(
      `defaultGatewayOptions() baseEnviron must be an object of environ keys; got ${describeValue(options.baseEnviron)}.`,
    );
  }
}
