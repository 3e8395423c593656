/**
 * Request headers into the environ (PEP 3333 / RFC 3875 §4.1.18): `X-Foo`
 * becomes `HTTP_X_FOO`, `Content-Type` and `Content-Length` become the CGI
 * keys without `HTTP_`, and a name containing `_` is dropped (see
 * environ.ts for why). A repeated header is joined with `,` (RFC 9110
 * §5.3), `Cookie` with `; ` (RFC 6265 §5.4).
 *
 * This runs for every header of every request, so two costs are avoided:
 * - Names are strings the parser has just made, which V8 has not hashed:
 *   the names clients send most are found by their length and one
 *   comparison, without hashing. Other names go through a bounded cache.
 * - Storing under a computed key (`environ[key]`) is a megamorphic property
 *   access, several times dearer than `environ.HTTP_HOST`: each common
 *   header has its own small function that names its key.
 */
import type { Environ } from '../protocol/types.js';

/** Adds one value of a header to the environ. */
type AddHeader = (environ: Environ, value: string) => void;

function joined(previous: unknown, value: string): string {
  return previous === undefined ? value : `${previous as string},${value}`;
}

/** The common request headers, in the spelling HTTP/1.1 clients use, each with its own store. */
const COMMON: ReadonlyArray<readonly [name: string, add: AddHeader]> = [
  ['Host', (environ, value) => void (environ.HTTP_HOST = joined(environ.HTTP_HOST, value))],
  ['Connection', (environ, value) => void (environ.HTTP_CONNECTION = joined(environ.HTTP_CONNECTION, value))],
  ['User-Agent', (environ, value) => void (environ.HTTP_USER_AGENT = joined(environ.HTTP_USER_AGENT, value))],
  ['Accept', (environ, value) => void (environ.HTTP_ACCEPT = joined(environ.HTTP_ACCEPT, value))],
  ['Accept-Encoding', (environ, value) => void (environ.HTTP_ACCEPT_ENCODING = joined(environ.HTTP_ACCEPT_ENCODING, value))],
  ['Accept-Language', (environ, value) => void (environ.HTTP_ACCEPT_LANGUAGE = joined(environ.HTTP_ACCEPT_LANGUAGE, value))],
  [
    'Cookie',
    (environ, value) => void (environ.HTTP_COOKIE = environ.HTTP_COOKIE === undefined ? value : `${environ.HTTP_COOKIE as string}; ${value}`),
  ],
  ['Referer', (environ, value) => void (environ.HTTP_REFERER = joined(environ.HTTP_REFERER, value))],
  ['Origin', (environ, value) => void (environ.HTTP_ORIGIN = joined(environ.HTTP_ORIGIN, value))],
  ['Authorization', (environ, value) => void (environ.HTTP_AUTHORIZATION = joined(environ.HTTP_AUTHORIZATION, value))],
  ['Cache-Control', (environ, value) => void (environ.HTTP_CACHE_CONTROL = joined(environ.HTTP_CACHE_CONTROL, value))],
  ['If-None-Match', (environ, value) => void (environ.HTTP_IF_NONE_MATCH = joined(environ.HTTP_IF_NONE_MATCH, value))],
  ['If-Modified-Since', (environ, value) => void (environ.HTTP_IF_MODIFIED_SINCE = joined(environ.HTTP_IF_MODIFIED_SINCE, value))],
  ['Content-Type', (environ, value) => void (environ.CONTENT_TYPE = joined(environ.CONTENT_TYPE, value))],
  ['Content-Length', (environ, value) => void (environ.CONTENT_LENGTH = joined(environ.CONTENT_LENGTH, value))],
  ['X-Forwarded-For', (environ, value) => void (environ.HTTP_X_FORWARDED_FOR = joined(environ.HTTP_X_FORWARDED_FOR, value))],
  ['X-Forwarded-Proto', (environ, value) => void (environ.HTTP_X_FORWARDED_PROTO = joined(environ.HTTP_X_FORWARDED_PROTO, value))],
];

/** `[name, add, name, add, …]` by name length; each common name in its usual and its lower-case spelling. */
const BY_LENGTH: Array<Array<string | AddHeader>> = [];
for (const [name, add] of COMMON) {
  const list = (BY_LENGTH[name.length] ??= []);
  list.push(name, add, name.toLowerCase(), add);
}

/** The store of a common header name as clients spell it, or undefined. */
function commonHeader(name: string): AddHeader | undefined {
  const candidates = BY_LENGTH[name.length];
  if (candidates !== undefined) {
    for (let i = 0; i < candidates.length; i += 2) {
      if (candidates[i] === name) return candidates[i + 1] as AddHeader;
    }
  }
  return undefined;
}

/** Maps request headers (node's `rawHeaders` layout: name, value, name, value, …) into `environ`. */
export function addHeaders(environ: Environ, rawHeaders: readonly string[]): void {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const add = commonHeader(name);
    if (add !== undefined) {
      add(environ, value);
      continue;
    }
    const key = environKey(name);
    if (key === null) continue;
    const previous = environ[key];
    environ[key] = previous === undefined ? value : `${previous as string}${key === 'HTTP_COOKIE' ? '; ' : ','}${value}`;
  }
}

const CACHE_LIMIT = 512;
const cache = new Map<string, string | null>();

/** The environ key for header `name`, or null when the header is dropped. */
function environKey(name: string): string | null {
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
