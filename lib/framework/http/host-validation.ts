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

/** What Django allows when DEBUG is on and ALLOWED_HOSTS is empty. */
export const DEBUG_ALLOWED_HOSTS: readonly string[] = Object.freeze(['.localhost', '127.0.0.1', '[::1]']);
