/**
 * The headers an application passes to `startResponse()` (docs/SPEC.md
 * §6.4–§6.9; PEP 3333 "The start_response() Callable", RFC 9110 §5).
 *
 * Two deliberate differences from wsgiref's validator: names are checked
 * against RFC 9110's token grammar rather than `[A-Za-z][A-Za-z0-9_-]*`, and
 * a horizontal tab is allowed inside a value, as RFC 9110 §5.5 allows it.
 */
import { describeValue } from '../protocol/describe-value.js';
import { isToken } from '../protocol/header-syntax.js';
import { isHopByHop } from '../protocol/hop-by-hop.js';
import { describeBadChar, violation } from './violation.js';

const NOT_TOKEN_CHAR = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const BAD_VALUE_CHAR = /[\x00-\x08\x0A-\x1F\x7F]|[^\x00-\xFF]/;
const DIGITS = /^\d+$/;

/** What the rest of the validator needs to know about valid headers. */
export interface HeaderFacts {
  /** The declared `Content-Length`, when there is one. */
  contentLength: number | undefined;
}

/** Checks `headers` for a response with status `code`. */
export function checkHeaders(headers: unknown, code: number): HeaderFacts {
  // SPEC §6.4: "The headers MUST be an array of `[name, value]` arrays, each holding exactly two strings."
  if (!Array.isArray(headers)) {
    const hint =
      typeof (headers as { toList?: unknown } | null)?.toList === 'function'
        ? ' Pass headers.toList().'
        : " Write them as [['Content-Type', 'text/plain']].";
    throw violation('6.4', `startResponse() headers must be an array of [name, value] arrays; got ${describeValue(headers)}.${hint}`);
  }

  const lengths: string[] = [];
  let contentType = false;
  for (const [index, entry] of (headers as unknown[]).entries()) {
    // SPEC §6.4: "The headers MUST be an array of `[name, value]` arrays, each holding exactly two strings."
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') {
      const hint = Array.isArray(entry) && entry.length === 2 && typeof entry[1] !== 'string' ? ' Convert the value with String().' : '';
      throw violation(
        '6.4',
        `startResponse() headers[${index}] must be a [name, value] array of two strings; got ${describeEntry(entry)}.${hint}`,
      );
    }
    const [name, value] = entry as [string, string];

    // SPEC §6.5: "A header name MUST be a token, and MUST NOT be `Status`."
    if (!isToken(name)) {
      const bad = name === '' ? 'it is empty' : `it contains ${describeBadChar(name, NOT_TOKEN_CHAR)}`;
      throw violation(
        '6.5',
        `startResponse() header name ${describeValue(name)} is not a token: ${bad}. Use letters, digits and !#$%&'*+-.^_\`|~.`,
      );
    }
    const lower = name.toLowerCase();
    if (lower === 'status') {
      throw violation('6.5', `startResponse() headers must not include ${describeValue(name)}; pass the status as the first argument.`);
    }

    // SPEC §6.6: "A header value MUST be a byte string with no control characters other than horizontal tab."
    const bad = describeBadChar(value, BAD_VALUE_CHAR);
    if (bad !== undefined) {
      throw violation(
        '6.6',
        `startResponse() header ${describeValue(name)} value ${describeValue(value)} contains ${bad}; a value must be a byte string without control characters other than tab.`,
      );
    }

    // SPEC §6.7: "The application MUST NOT use hop-by-hop headers: `Connection`, `Keep-Alive`, `Proxy-Authenticate`, `Proxy-Authorization`, `TE`, `Trailers`, `Transfer-Encoding` and `Upgrade`."
    if (isHopByHop(name)) {
      throw violation(
        '6.7',
        `startResponse() headers must not include the hop-by-hop header ${describeValue(name)}; the server owns the connection and chooses the framing.`,
      );
    }

    if (lower === 'content-length') lengths.push(value);
    if (lower === 'content-type') contentType = true;
  }

  // SPEC §6.8: "A response MUST NOT have more than one `Content-Length` header, and its value MUST be decimal digits."
  if (lengths.length > 1) {
    throw violation('6.8', `startResponse() headers have ${lengths.length} Content-Length headers (${lengths.map(describeValue).join(', ')}); send one.`);
  }
  const length = lengths[0];
  if (length !== undefined && !DIGITS.test(length)) {
    throw violation('6.8', `startResponse() header 'Content-Length' must be decimal digits; got ${describeValue(length)}.`);
  }

  checkByStatus(code, contentType, length !== undefined);
  return { contentLength: length === undefined ? undefined : Number(length) };
}

function checkByStatus(code: number, contentType: boolean, contentLength: boolean): void {
  const informational = code < 200;
  // SPEC §6.9: "A response MUST have a `Content-Type` header unless its status is 1xx, 204 or 304."
  if (!contentType && !informational && code !== 204 && code !== 304) {
    throw violation(
      '6.9',
      `startResponse() headers of a ${code} response must include Content-Type; add one such as ['Content-Type', 'text/plain; charset=utf-8'].`,
    );
  }
  // SPEC §6.9: "A response with status 204 or 304 MUST NOT have one: it has no content to describe."
  if (contentType && (code === 204 || code === 304)) {
    throw violation('6.9', `startResponse() headers of a ${code} response must not include Content-Type; it has no content to describe.`);
  }
  // SPEC §6.9: "A response with status 1xx or 204 MUST NOT have a `Content-Length` header (RFC 9110 §8.6)."
  if (contentLength && (informational || code === 204)) {
    throw violation('6.9', `startResponse() headers of a ${code} response must not include Content-Length (RFC 9110 §8.6).`);
  }
}

/** `['Content-Length', 5]` for a pair, the usual description otherwise. */
function describeEntry(entry: unknown): string {
  if (Array.isArray(entry) && entry.length <= 3) return `[${entry.map((item: unknown) => describeValue(item)).join(', ')}]`;
  return describeValue(entry);
}
