/**
 * Turning what a test writes (`'/search?q=ä'`, `{ query: { page: '2' } }`)
 * into the request-target a real client would put on the wire, and back
 * into the byte strings the environ holds.
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '../protocol/describe-value.js';

/**
 * Characters a request-target may carry as they are (RFC 3986 unreserved,
 * sub-delims, `:@/?`, and `%` so existing escapes are kept). Everything else
 * is sent as UTF-8 percent-escapes, as browsers do.
 */
const TARGET_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/;

/** Percent-encodes what a client may not send raw; existing `%XX` escapes stay as they are. */
export function encodeTarget(text: string): string {
  let out = '';
  for (const char of text) {
    if (TARGET_SAFE.test(char)) {
      out += char;
    } else {
      for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** A query as a test gives it: an object of values (repeated for arrays) or URLSearchParams. */
export type QueryInit = Readonly<Record<string, string | readonly string[]>> | URLSearchParams;

/** `application/x-www-form-urlencoded` text of a query or form object. */
export function encodeParams(params: QueryInit, subject: string): string {
  if (params instanceof URLSearchParams) return params.toString();
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new TypeError(
      `${subject} must be an object of strings (or string arrays) or a URLSearchParams; got ${describeValue(params)}.`,
    );
  }
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    const values: readonly unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item !== 'string') {
        throw new TypeError(`${subject} value for '${name}' must be a string; got ${describeValue(item)}. Convert it with String().`);
      }
      search.append(name, item);
    }
  }
  return search.toString();
}

/** Appends an encoded query to a target that may already have one. */
export function mergeQuery(target: string, query: string): string {
  if (query === '') return target;
  if (!target.includes('?')) return `${target}?${query}`;
  return target.endsWith('?') || target.endsWith('&') ? target + query : `${target}&${query}`;
}
