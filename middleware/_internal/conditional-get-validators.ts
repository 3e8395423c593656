/**
 * Validators and preconditions (RFC 9110 §8.8, §13): HTTP-dates, entity-tag
 * lists, and the evaluation order of §13.2.2. Shared by conditionalGet and
 * staticFiles (and named after the first).
 */
import type { Environ } from '../../lib/protocol/types.js';
import { requestHeader } from './head-body.js';

import { parseHttpDate } from '../../lib/protocol/http-date.js';

export { formatHttpDate, parseHttpDate } from '../../lib/protocol/http-date.js';

/** `*`, or the entity-tags of a comma-separated list (RFC 9110 §8.8.3); malformed members are skipped. */
export function parseEtagList(value: string): string[] {
  if (value.trim() === '*') return ['*'];
  return value.split(',').map((item) => item.trim()).filter((item) => /^(W\/)?"[\x21\x23-\x7E\x80-\xFF]*"$/.test(item));
}

/** Weak comparison (RFC 9110 §8.8.3.2): equal opaque tags, `W/` ignored. */
export function weakMatch(a: string, b: string): boolean {
  return a.replace(/^W\//, '') === b.replace(/^W\//, '');
}

/** Strong comparison: both strong and equal. */
export function strongMatch(a: string, b: string): boolean {
  return !a.startsWith('W/') && a === b;
}

/** What a response's validators are. */
export interface Validators {
  etag?: string | undefined;
  /** Seconds since the epoch. */
  lastModified?: number | undefined;
}

/** The outcome of the preconditions: go on, or answer with this status. */
export type Precondition = 'pass' | 304 | 412;

/**
 * Evaluates the request's preconditions in RFC 9110 §13.2.2 order:
 * If-Match (strong) -> 412; else If-Unmodified-Since -> 412; If-None-Match
 * (weak) -> 304 for GET/HEAD, 412 otherwise; else If-Modified-Since (GET/HEAD only) -> 304.
 */
export function evaluatePreconditions(environ: Environ, validators: Validators): Precondition {
  const { etag, lastModified } = validators;
  const safe = environ.REQUEST_METHOD === 'GET' || environ.REQUEST_METHOD === 'HEAD';
  const ifMatch = requestHeader(environ, 'HTTP_IF_MATCH');
  if (ifMatch !== undefined) {
    const tags = parseEtagList(ifMatch);
    const passes = tags[0] === '*' ? true : etag !== undefined && tags.some((tag) => strongMatch(tag, etag));
    if (!passes) return 412;
  } else {
    // §13.1.4: ignored when the date is invalid or the resource has no modification date.
    const since = parseHeaderDate(environ, 'HTTP_IF_UNMODIFIED_SINCE');
    if (since !== undefined && lastModified !== undefined && lastModified > since) return 412;
  }
  const ifNoneMatch = requestHeader(environ, 'HTTP_IF_NONE_MATCH');
  if (ifNoneMatch !== undefined) {
    const tags = parseEtagList(ifNoneMatch);
    const matches = tags[0] === '*' ? true : etag !== undefined && tags.some((tag) => weakMatch(tag, etag));
    if (matches) return safe ? 304 : 412;
  } else if (safe) {
    const since = parseHeaderDate(environ, 'HTTP_IF_MODIFIED_SINCE');
    if (since !== undefined && lastModified !== undefined && lastModified <= since) return 304;
  }
  return 'pass';
}

/** True when the request carries any precondition header. */
export function hasPreconditions(environ: Environ): boolean {
  return ['HTTP_IF_MATCH', 'HTTP_IF_NONE_MATCH', 'HTTP_IF_MODIFIED_SINCE', 'HTTP_IF_UNMODIFIED_SINCE'].some(
    (key) => requestHeader(environ, key) !== undefined,
  );
}

function parseHeaderDate(environ: Environ, key: string): number | undefined {
  const value = requestHeader(environ, key);
  return value === undefined ? undefined : parseHttpDate(value.trim());
}

/** The headers a 304 keeps (RFC 9110 §15.4.5, plus Last-Modified and cookies, as Django does). */
export const KEPT_ON_304 = ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary', 'last-modified', 'set-cookie'];
