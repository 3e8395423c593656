/**
 * The option checks of `cors()`, run once when it is built, and the checked
 * configuration it works from.
 */
import { describeValue } from '../../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { isToken } from '../../lib/protocol/header-syntax.js';
import type { CorsOptions } from '../cors.js';

const OPTION_NAMES = ['origins', 'credentials', 'methods', 'allowedHeaders', 'exposedHeaders', 'maxAge', 'preflightContinue', 'optionsSuccessStatus'];
const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];
/** RFC 6454 §6.2 serialisation: scheme "://" host [ ":" port ], no path, no trailing slash. */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/(\[[0-9a-f:.]+\]|[^\s/?#:@[\]]+)(:\d{1,5})?$/i;

/** `CorsOptions` checked, copied and with the defaults filled in. */
export interface CorsConfig {
  origins: NonNullable<CorsOptions['origins']>;
  credentials: boolean;
  methods: readonly string[];
  allowedHeaders: readonly string[] | undefined;
  exposedHeaders: readonly string[];
  maxAge: number | undefined;
  preflightContinue: boolean;
  optionsSuccessStatus: 200 | 204;
}

/** Throws ImproperlyConfigured for the first bad option (STYLE.md: check at construction). */
export function checkCorsOptions(options: CorsOptions): CorsConfig {
  if (options === null || typeof options !== 'object') {
    throw new ImproperlyConfigured(`cors() options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new ImproperlyConfigured(`cors() got an unknown option '${name}'. Known options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const { origins = '*', credentials = false, methods = DEFAULT_METHODS, allowedHeaders, exposedHeaders = [], maxAge } = options;
  const { preflightContinue = false, optionsSuccessStatus = 204 } = options;
  if (Array.isArray(origins)) {
    for (const origin of origins as unknown[]) {
      if (typeof origin !== 'string' || (origin !== 'null' && !ORIGIN.test(origin))) {
        throw new ImproperlyConfigured(
          `cors() option origins lists ${describeValue(origin)}, which is not an origin. Give scheme://host[:port] with no path or trailing slash, e.g. 'https://example.com', or 'null'.`,
        );
      }
    }
  } else if (origins !== '*' && !(origins instanceof RegExp) && typeof origins !== 'function') {
    throw new ImproperlyConfigured(
      `cors() option origins must be '*', an array of origins, a RegExp or a function (origin, environ) => boolean; got ${describeValue(origins)}.`,
    );
  }
  for (const [name, value] of [['credentials', credentials], ['preflightContinue', preflightContinue]] as const) {
    if (typeof value !== 'boolean') throw new ImproperlyConfigured(`cors() option ${name} must be a boolean; got ${describeValue(value)}.`);
  }
  for (const [name, list] of [['methods', methods], ['allowedHeaders', allowedHeaders], ['exposedHeaders', exposedHeaders]] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      throw new ImproperlyConfigured(`cors() option ${name} must be an array of names; got ${describeValue(list)}.`);
    }
    for (const item of list as unknown[]) {
      if (typeof item !== 'string' || !isToken(item)) {
        throw new ImproperlyConfigured(`cors() option ${name} lists ${describeValue(item)}, which is not an HTTP token. Give names like 'X-Request-Id'.`);
      }
      if (item === '*' && credentials) {
        throw new ImproperlyConfigured(
          `cors() option ${name} lists '*' while credentials is true; browsers take '*' literally on credentialed requests. List the names instead.`,
        );
      }
    }
  }
  if (maxAge !== undefined && !(Number.isSafeInteger(maxAge) && maxAge >= 0)) {
    throw new ImproperlyConfigured(`cors() option maxAge must be a whole number of seconds >= 0; got ${describeValue(maxAge)}.`);
  }
  if (optionsSuccessStatus !== 200 && optionsSuccessStatus !== 204) {
    throw new ImproperlyConfigured(`cors() option optionsSuccessStatus must be 204 or 200; got ${describeValue(optionsSuccessStatus)}.`);
  }
  return {
    origins: Array.isArray(origins) ? [...(origins as readonly string[])] : origins,
    credentials,
    methods: [...methods],
    allowedHeaders: allowedHeaders === undefined ? undefined : [...allowedHeaders],
    exposedHeaders: [...exposedHeaders],
    maxAge,
    preflightContinue,
    optionsSuccessStatus,
  };
}
