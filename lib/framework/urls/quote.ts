/**
 * Percent-encoding for reversed URLs, as Django does it: the path with
 * Python's `quote(url, safe="!$&'()*+,;=/~:@")` (RFC 3986 `pchar` plus `/`),
 * the query with `urlencode(doseq=True)` (`quote_plus`: space as `+`).
 * Characters outside ASCII are encoded as UTF-8.
 */
import { describeValue } from '../../protocol/describe-value.js';
import type { QueryInput } from './types.js';

const ALWAYS_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~';
const PATH_SAFE = new Set(`${ALWAYS_SAFE}!$&'()*+,;=/~:@`);
const QUERY_SAFE = new Set(ALWAYS_SAFE);
const encoder = new TextEncoder();

function percentEncode(text: string, safe: ReadonlySet<string>, plus: boolean): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (safe.has(char)) continue;
    out += text.slice(start, i);
    if (plus && char === ' ') {
      out += '+';
      start = i + 1;
      continue;
    }
    // A surrogate pair is one character: encode both halves together.
    const code = text.charCodeAt(i);
    const width = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
    for (const byte of encoder.encode(text.slice(i, i + width))) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    i += width - 1;
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
}

/** The URL path, encoded as Django's reverse() does; a leading `//` becomes `/%2F` (no scheme-relative URLs). */
export function quotePath(path: string): string {
  const quoted = percentEncode(path, PATH_SAFE, false);
  return quoted.startsWith('//') ? `/%2F${quoted.slice(2)}` : quoted;
}

/** A form-encoded query string (`a=1&a=2&b=x+y`), without the `?`. */
export function encodeQuery(query: unknown): string {
  if (query === null || typeof query !== 'object') {
    throw new TypeError(
      `reverse(): query must be an object, a URLSearchParams or [key, value] pairs, got ${describeValue(query)}.`,
    );
  }
  const pairs: ReadonlyArray<readonly [string, unknown]> =
    query instanceof URLSearchParams
      ? [...query.entries()]
      : Array.isArray(query)
        ? (query as ReadonlyArray<readonly [string, unknown]>)
        : Object.entries(query as QueryInput);
  const parts: string[] = [];
  for (const [key, value] of pairs) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (item === null || item === undefined) {
        throw new TypeError(
          `reverse(): cannot encode ${describeValue(item)} for key '${key}' in a query string; pass an empty string or omit the key.`,
        );
      }
      parts.push(`${percentEncode(String(key), QUERY_SAFE, true)}=${percentEncode(String(item), QUERY_SAFE, true)}`);
    }
  }
  return parts.join('&');
}
