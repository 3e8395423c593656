/**
 * The environ key of a request header name (PEP 3333 / RFC 3875 §4.1.18):
 * `X-Foo` becomes `HTTP_X_FOO`, `Content-Type` and `Content-Length` become
 * the CGI keys without `HTTP_`, and a name containing `_` gives `null`: it
 * is dropped (see environ.ts for why).
 *
 * This runs for every header of every request, on names the parser has just
 * created: strings V8 has not hashed yet. A Map lookup would hash each one
 * first, so the names clients send most are found by their length and one
 * comparison, and map to constant keys. Other names go through a bounded cache.
 */

/** The common request headers, in the spelling HTTP/1.1 clients use. */
const COMMON: ReadonlyArray<readonly [name: string, key: string]> = [
  ['Host', 'HTTP_HOST'],
  ['Connection', 'HTTP_CONNECTION'],
  ['User-Agent', 'HTTP_USER_AGENT'],
  ['Accept', 'HTTP_ACCEPT'],
  ['Accept-Encoding', 'HTTP_ACCEPT_ENCODING'],
  ['Accept-Language', 'HTTP_ACCEPT_LANGUAGE'],
  ['Cookie', 'HTTP_COOKIE'],
  ['Referer', 'HTTP_REFERER'],
  ['Origin', 'HTTP_ORIGIN'],
  ['Authorization', 'HTTP_AUTHORIZATION'],
  ['Cache-Control', 'HTTP_CACHE_CONTROL'],
  ['If-None-Match', 'HTTP_IF_NONE_MATCH'],
  ['If-Modified-Since', 'HTTP_IF_MODIFIED_SINCE'],
  ['Content-Type', 'CONTENT_TYPE'],
  ['Content-Length', 'CONTENT_LENGTH'],
  ['X-Forwarded-For', 'HTTP_X_FORWARDED_FOR'],
  ['X-Forwarded-Proto', 'HTTP_X_FORWARDED_PROTO'],
];

/** `[name, key, name, key, …]` by name length; each common name in its usual and its lower-case spelling. */
const BY_LENGTH: string[][] = [];
for (const [name, key] of COMMON) {
  const list = (BY_LENGTH[name.length] ??= []);
  list.push(name, key, name.toLowerCase(), key);
}

const CACHE_LIMIT = 512;
const cache = new Map<string, string | null>();

/** The environ key for header `name`, or null when the header is dropped. */
export function environKey(name: string): string | null {
  const candidates = BY_LENGTH[name.length];
  if (candidates !== undefined) {
    for (let i = 0; i < candidates.length; i += 2) {
      if (candidates[i] === name) return candidates[i + 1]!;
    }
  }
  let key = cache.get(name);
  if (key !== undefined) return key;
  key = computeKey(name);
  if (cache.size < CACHE_LIMIT) cache.set(name, key);
  return key;
}

function computeKey(name: string): string | null {
  if (name.includes('_')) return null;
  const upper = name.toUpperCase();
  if (upper === 'CONTENT-TYPE') return 'CONTENT_TYPE';
  if (upper === 'CONTENT-LENGTH') return 'CONTENT_LENGTH';
  return 'HTTP_' + upper.replaceAll('-', '_');
}
