/**
 * Host header validation (Django's `split_domain_port`, `validate_host`,
 * `is_same_domain` in `django/http/request.py` and `utils/http.py`), which
 * `request.getHost()` applies against `allowedHosts`. A forged Host would
 * otherwise poison absolute URLs (password-reset links, redirects, caches).
 *
 * Patterns: `'*'` matches anything; `'.example.com'` matches example.com
 * and every subdomain; anything else matches exactly. Matching ignores case
 * and the port.
 */
import { DisallowedHost } from '../errors.js';

/** A DNS name (RFC 1034/1035 letters, digits, `-`, `.`) or a bracketed IPv6 literal, then an optional port. */
const HOST = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$/;

/** `{ domain, port }` of a Host value, lower-cased, trailing dot dropped; `domain` is `''` when it is invalid. */
export function splitDomainPort(host: string): { domain: string; port: string } {
  const match = HOST.exec(host.toLowerCase());
  if (match === null) return { domain: '', port: '' };
  const domain = match[1]!;
  return { domain: domain.endsWith('.') ? domain.slice(0, -1) : domain, port: match[2] ?? '' };
}

/** True when `pattern` (`'.example.com'` or exact) matches `host` (a lower-case domain). */
export function isSameDomain(host: string, pattern: string): boolean {
  if (pattern === '') return false;
  const lower = pattern.toLowerCase();
  return lower.startsWith('.') ? host.endsWith(lower) || host === lower.slice(1) : lower === host;
}

/** True when `domain` (from `splitDomainPort()`) matches one of `allowedHosts`. */
export function validateHost(domain: string, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((pattern) => pattern === '*' || isSameDomain(domain, pattern));
}

// A site answers the same few Host values all day: the verdict for a frozen
// allowedHosts list (the application's) is kept per Host value, so most
// requests cost one lookup. Only so many values are kept per list.
const VERDICT_CACHE_LIMIT = 64;
const verdicts = new WeakMap<readonly string[], Map<string, boolean>>();
/** The latest verdict on a frozen list, looked at first (it is nearly always the one asked for). */
let last: { allowedHosts: readonly string[] | undefined; host: string; verdict: boolean } = { allowedHosts: undefined, host: '', verdict: false };

/** True when the domain of Host value `host` is valid and matches one of `allowedHosts`. */
export function isAllowedHost(host: string, allowedHosts: readonly string[]): boolean {
  if (allowedHosts === last.allowedHosts && host === last.host) return last.verdict;
  if (!Object.isFrozen(allowedHosts)) return hostMatches(host, allowedHosts);
  let cache = verdicts.get(allowedHosts);
  if (cache === undefined) verdicts.set(allowedHosts, (cache = new Map()));
  let verdict = cache.get(host);
  if (verdict === undefined) {
    verdict = hostMatches(host, allowedHosts);
    if (cache.size < VERDICT_CACHE_LIMIT) cache.set(host, verdict);
  }
  last = { allowedHosts, host, verdict };
  return verdict;
}

function hostMatches(host: string, allowedHosts: readonly string[]): boolean {
  const { domain } = splitDomainPort(host);
  return domain !== '' && validateHost(domain, allowedHosts);
}

/** What Django allows when DEBUG is on and ALLOWED_HOSTS is empty. */
export const DEBUG_ALLOWED_HOSTS: readonly string[] = Object.freeze(['.localhost', '127.0.0.1', '[::1]']);

/**
 * `host` when it is valid and allowed by `options.allowedHosts` (or, with
 * `debug` and no list, by Django's local defaults).
 *
 * @throws DisallowedHost naming the host and, when its domain is valid, what to add to allowedHosts
 */
export function checkAllowedHost(host: string, options: { readonly allowedHosts?: readonly string[]; readonly debug?: boolean }): string {
  let allowedHosts = options.allowedHosts ?? [];
  if (options.debug === true && allowedHosts.length === 0) allowedHosts = DEBUG_ALLOWED_HOSTS;
  if (isAllowedHost(host, allowedHosts)) return host;
  const { domain } = splitDomainPort(host);
  const shown = `'${host.replace(/[\\']/g, '\\$&')}'`;
  throw new DisallowedHost(
    domain === ''
      ? `Invalid HTTP_HOST header: ${shown}. The domain name provided is not valid according to RFC 1034/1035.`
      : `Invalid HTTP_HOST header: ${shown}. You may need to add '${domain}' to allowedHosts.`,
  );
}
