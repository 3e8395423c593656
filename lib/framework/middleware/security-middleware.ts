/**
 * `securityMiddleware()` (Django's `SecurityMiddleware`): HTTPS redirect and
 * the security response headers every site wants.
 *
 * - `sslRedirect`: a plain-HTTP request (not matching `redirectExempt`) gets
 *   a 301 to `https://<sslHost or host><full path>`.
 * - `Strict-Transport-Security` (HSTS) on secure requests when `hstsSeconds > 0`.
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy`,
 *   `Cross-Origin-Opener-Policy`, each only when the response has not set it.
 *
 * When not to use it: when a proxy or CDN in front already redirects to
 * HTTPS and adds these headers (two sources drift apart). Behind a TLS
 * proxy, set the request's `secureProxySslHeader` or `isSecure()` is false
 * and every request redirects. Put it first, so even error pages get the headers.
 *
 * @example
 * securityMiddleware({ sslRedirect: true, hstsSeconds: 31536000, hstsIncludeSubdomains: true })
 */
import { ImproperlyConfigured } from '../errors.js';
import { equalsAsciiLowerCase } from '../../protocol/ascii-case.js';
import { describeValue } from '../../protocol/describe-value.js';
import type { HeaderList } from '../../protocol/types.js';
import { HttpResponsePermanentRedirect, type HttpRequest, type HttpResponseBase } from '../http/index.js';
import { afterNext, convertsOwnErrors, nextLayer, type LayerAnswer } from '../pipeline/next-layer.js';
import type { PipelineMiddleware } from '../pipeline/types.js';
import { checkBooleanOption, checkChoice, checkOptionNames, checkRegExpList } from './check-options.js';

export interface SecurityMiddlewareOptions {
  /** Redirect plain-HTTP requests to HTTPS. @default false */
  sslRedirect?: boolean;
  /** The host to redirect to; the request's host when null. @default null */
  sslHost?: string | null;
  /** Paths (without their leading `/`) never redirected to HTTPS. @default [] */
  redirectExempt?: readonly RegExp[];
  /** HSTS `max-age` in seconds; 0 sends no HSTS header. @default 0 */
  hstsSeconds?: number;
  /** Add `includeSubDomains` to HSTS. @default false */
  hstsIncludeSubdomains?: boolean;
  /** Add `preload` to HSTS. @default false */
  hstsPreload?: boolean;
  /** Send `X-Content-Type-Options: nosniff`. @default true */
  contentTypeNosniff?: boolean;
  /** `Referrer-Policy` (several values are joined with commas, as fallbacks); null sends none. @default 'same-origin' */
  referrerPolicy?: string | readonly string[] | null;
  /** `Cross-Origin-Opener-Policy`; null sends none. @default 'same-origin' */
  crossOriginOpenerPolicy?: string | null;
}

const SUBJECT = 'securityMiddleware()';
const OPTION_NAMES = [
  'sslRedirect', 'sslHost', 'redirectExempt', 'hstsSeconds', 'hstsIncludeSubdomains', 'hstsPreload', 'contentTypeNosniff',
  'referrerPolicy', 'crossOriginOpenerPolicy',
];
/** https://w3c.github.io/webappsec-referrer-policy/#referrer-policies */
const REFERRER_POLICIES = [
  'no-referrer', 'no-referrer-when-downgrade', 'origin', 'origin-when-cross-origin', 'same-origin', 'strict-origin',
  'strict-origin-when-cross-origin', 'unsafe-url',
];
/** https://html.spec.whatwg.org/multipage/browsers.html#cross-origin-opener-policies */
const OPENER_POLICIES = ['same-origin', 'same-origin-allow-popups', 'unsafe-none'];

export function securityMiddleware(options: SecurityMiddlewareOptions = {}): PipelineMiddleware {
  checkOptionNames(SUBJECT, options, OPTION_NAMES);
  for (const name of ['sslRedirect', 'hstsIncludeSubdomains', 'hstsPreload', 'contentTypeNosniff'] as const) {
    checkBooleanOption(SUBJECT, name, options[name]);
  }
  checkRegExpList(SUBJECT, 'redirectExempt', options.redirectExempt);
  const { sslRedirect = false, sslHost = null, hstsSeconds = 0, contentTypeNosniff = true } = options;
  if (sslHost !== null && (typeof sslHost !== 'string' || sslHost === '')) {
    throw new ImproperlyConfigured(`${SUBJECT} sslHost must be a host name such as 'secure.example.com', or null; got ${describeValue(sslHost)}.`);
  }
  if (!Number.isInteger(hstsSeconds) || hstsSeconds < 0) {
    throw new ImproperlyConfigured(`${SUBJECT} hstsSeconds must be an integer >= 0 (e.g. 31536000 for a year); got ${describeValue(hstsSeconds)}.`);
  }
  const referrerPolicy = resolveReferrerPolicy(options.referrerPolicy === undefined ? 'same-origin' : options.referrerPolicy);
  const openerPolicy = options.crossOriginOpenerPolicy === undefined ? 'same-origin' : options.crossOriginOpenerPolicy;
  if (openerPolicy !== null) checkChoice(SUBJECT, 'crossOriginOpenerPolicy', openerPolicy, OPENER_POLICIES);
  const redirectExempt = [...(options.redirectExempt ?? [])];
  let hsts: string | null = null;
  if (hstsSeconds > 0) {
    hsts = `max-age=${hstsSeconds}${options.hstsIncludeSubdomains ? '; includeSubDomains' : ''}${options.hstsPreload ? '; preload' : ''}`;
  }

  // The headers every response gets (unless it has them), checked once, here.
  const defaults: DefaultHeader[] = [];
  if (contentTypeNosniff) defaults.push(defaultHeader('X-Content-Type-Options', 'nosniff'));
  if (referrerPolicy !== null) defaults.push(defaultHeader('Referrer-Policy', referrerPolicy));
  if (openerPolicy !== null) defaults.push(defaultHeader('Cross-Origin-Opener-Policy', openerPolicy));

  const addHeaders = (request: HttpRequest, response: HttpResponseBase): HttpResponseBase => {
    const headers = response.headers;
    if (hsts !== null && request.isSecure()) headers.setDefault('Strict-Transport-Security', hsts);
    addMissing(headers.toList(), defaults);
    return response;
  };

  return function securityMiddlewareFactory(getResponse) {
    const next = nextLayer(getResponse);
    return convertsOwnErrors(function securityMiddleware(request: HttpRequest): LayerAnswer {
      if (sslRedirect && !request.isSecure()) {
        const path = request.path.replace(/^\/+/, '');
        if (!redirectExempt.some((pattern) => path.search(pattern) !== -1)) {
          return new HttpResponsePermanentRedirect(`https://${sslHost ?? request.getHost()}${request.getFullPath()}`);
        }
      }
      return afterNext(next, request, next.run(request), addHeaders);
    }, next);
  };
}

/** A header to add when the response lacks it; `lower` is its name in lower case, for the match. */
interface DefaultHeader {
  readonly name: string;
  readonly lower: string;
  readonly value: string;
}

function defaultHeader(name: string, value: string): DefaultHeader {
  return { name, lower: name.toLowerCase(), value };
}

/**
 * Appends each of `defaults` that `list` lacks (names compared as
 * `Headers.has()` compares them: ignoring case), in one pass over the list
 * rather than one lookup per default. The defaults were checked when the
 * middleware was built, so they go straight into the list.
 */
function addMissing(list: HeaderList, defaults: readonly DefaultHeader[]): void {
  let present = 0;
  for (let i = 0; i < list.length; i += 1) {
    const name = list[i]![0];
    for (let d = 0; d < defaults.length; d += 1) {
      const header = defaults[d]!;
      // The length test first: it settles nearly every pair without a call.
      if (name === header.name || (name.length === header.lower.length && equalsAsciiLowerCase(name, header.lower))) present |= 1 << d;
    }
  }
  for (let d = 0; d < defaults.length; d += 1) {
    if ((present & (1 << d)) === 0) list.push([defaults[d]!.name, defaults[d]!.value]);
  }
}


/** `'a, b'` or `['a', 'b']` -> `'a,b'`, each value checked. */
function resolveReferrerPolicy(value: unknown): string | null {
  if (value === null) return null;
  let values: unknown[];
  if (typeof value === 'string') values = value.split(',').map((item) => item.trim());
  else if (Array.isArray(value)) values = value;
  else throw new ImproperlyConfigured(`${SUBJECT} referrerPolicy must be a string, an array of strings or null; got ${describeValue(value)}.`);
  for (const item of values) checkChoice(SUBJECT, 'referrerPolicy', item, REFERRER_POLICIES);
  return values.join(',');
}
