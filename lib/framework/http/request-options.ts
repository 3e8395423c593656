/**
 * `HttpRequestOptions`: what Django reads from settings when it handles a
 * request (ALLOWED_HOSTS, DEBUG, DATA_UPLOAD_*, FILE_UPLOAD_MAX_MEMORY_SIZE,
 * USE_X_FORWARDED_*, SECURE_PROXY_SSL_HEADER), hung off the request
 * instead of global settings. `createApplication()` passes the same object
 * to every request it builds; check it once with `checkHttpRequestOptions()`.
 */
import { describeValue } from '../../protocol/describe-value.js';
import { ImproperlyConfigured } from '../../protocol/errors.js';

export interface HttpRequestOptions {
  /**
   * Host names this site serves (Django's ALLOWED_HOSTS): `'*'`,
   * `'.example.com'` (the domain and its subdomains) or an exact name;
   * the port is ignored. `getHost()` refuses any other Host with
   * `DisallowedHost`. When empty and `debug` is on, `['.localhost',
   * '127.0.0.1', '[::1]']`. @default []
   */
  allowedHosts?: readonly string[];
  /** @default false */
  debug?: boolean;
  /**
   * The largest body `body()` reads, and the most non-file form data a
   * multipart body may carry, in bytes; `null` for no limit.
   * @default 2621440 (2.5 MiB)
   */
  dataUploadMaxMemorySize?: number | null;
  /** The most GET/POST fields a request may send; `null` for no limit. @default 1000 */
  dataUploadMaxNumberFields?: number | null;
  /** The most files a multipart body may carry; `null` for no limit. @default 100 */
  dataUploadMaxNumberFiles?: number | null;
  /** An uploaded file larger than this is streamed to a temporary file. @default 2621440 (2.5 MiB) */
  fileUploadMaxMemorySize?: number;
  /** Trust `X-Forwarded-Host` over `Host` (only behind a proxy that sets it). @default false */
  useXForwardedHost?: boolean;
  /** Trust `X-Forwarded-Port` over SERVER_PORT (only behind a proxy that sets it). @default false */
  useXForwardedPort?: boolean;
  /**
   * `[environKey, value]`: the request is secure when that environ key (e.g.
   * `'HTTP_X_FORWARDED_PROTO'`) holds `value` (e.g. `'https'`). Only behind a
   * proxy that always sets or strips that header. @default null
   */
  secureProxySslHeader?: readonly [header: string, value: string] | null;
}

export const DEFAULT_MAX_MEMORY_SIZE = 2.5 * 1024 * 1024;
export const DEFAULT_MAX_NUMBER_FIELDS = 1000;
export const DEFAULT_MAX_NUMBER_FILES = 100;

/** The largest body `options` allow to be read into memory: `dataUploadMaxMemorySize`, its default when unset, null for no limit. */
export function maxMemorySize(options: HttpRequestOptions): number | null {
  const max = options.dataUploadMaxMemorySize;
  return max === undefined ? DEFAULT_MAX_MEMORY_SIZE : max;
}

/** The most GET/POST fields `options` allow: `dataUploadMaxNumberFields`, its default when unset, null for no limit. */
export function maxNumberFields(options: HttpRequestOptions): number | null {
  const max = options.dataUploadMaxNumberFields;
  return max === undefined ? DEFAULT_MAX_NUMBER_FIELDS : max;
}

const BOOLEANS = ['debug', 'useXForwardedHost', 'useXForwardedPort'] as const;
const LIMITS = ['dataUploadMaxMemorySize', 'dataUploadMaxNumberFields', 'dataUploadMaxNumberFiles', 'fileUploadMaxMemorySize'] as const;
const NAMES = new Set<string>(['allowedHosts', 'secureProxySslHeader', ...BOOLEANS, ...LIMITS]);

/** Throws `ImproperlyConfigured` for an unknown option or a value of the wrong shape. */
export function checkHttpRequestOptions(options: HttpRequestOptions, subject = 'HttpRequest options'): void {
  if (options === null || typeof options !== 'object') {
    throw new ImproperlyConfigured(`${subject} must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!NAMES.has(name)) {
      throw new ImproperlyConfigured(`${subject} has an unknown option ${describeValue(name)}. Known options: ${[...NAMES].join(', ')}.`);
    }
  }
  const { allowedHosts, secureProxySslHeader } = options;
  if (allowedHosts !== undefined && (!Array.isArray(allowedHosts) || !allowedHosts.every((host) => typeof host === 'string'))) {
    throw new ImproperlyConfigured(
      `${subject} allowedHosts must be an array of host names; got ${describeValue(allowedHosts)}. Write e.g. ['example.com', '.example.com'].`,
    );
  }
  for (const name of BOOLEANS) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new ImproperlyConfigured(`${subject} ${name} must be a boolean; got ${describeValue(value)}.`);
    }
  }
  for (const name of LIMITS) {
    const value = options[name];
    const nullable = name !== 'fileUploadMaxMemorySize';
    if (value === undefined || (value === null && nullable)) continue;
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw new ImproperlyConfigured(
        `${subject} ${name} must be a non-negative integer${nullable ? ' or null for no limit' : ''}; got ${describeValue(value)}.`,
      );
    }
  }
  if (
    secureProxySslHeader !== undefined &&
    secureProxySslHeader !== null &&
    !(Array.isArray(secureProxySslHeader) && secureProxySslHeader.length === 2 && secureProxySslHeader.every((part) => typeof part === 'string'))
  ) {
    throw new ImproperlyConfigured(
      `${subject} secureProxySslHeader must be a tuple of two strings; got ${describeValue(secureProxySslHeader)}. ` +
        "Write e.g. ['HTTP_X_FORWARDED_PROTO', 'https'].",
    );
  }
}
