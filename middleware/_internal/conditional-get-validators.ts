/**
 * Validators and preconditions (RFC 9110 §8.8, §13): HTTP-dates, entity-tag
 * lists, and the evaluation order of §13.2.2. Shared by conditionalGet and
 * staticFiles (and named after the first).
 */
import type { Environ } from '../../lib/protocol/types.js';
import { requestHeader } from './head-body.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF_FIXDATE = new RegExp(`^\\w{3}, (\\d{2}) (\\w{3}) (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^\\w{6,9}, (\\d{2})-(\\w{3})-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^\\w{3} (\\w{3}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * An HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, RFC 850 or asctime, always
 * GMT) as seconds since the epoch; `undefined` when it is not one (a
 * recipient then ignores the header, §13.1.3). `Date.parse` is not used: it
 * reads asctime as local time and accepts much that is not an HTTP-date.
 */
export function parseHttpDate(value: string): number | undefined {
  let day: string, month: string, year: number, clock: string[];
  let parts = IMF_FIXDATE.exec(value);
  if (parts !== null) {
    [day, month, year, clock] = [parts[1]!, parts[2]!, Number(parts[3]), parts.slice(4)];
  } else if ((parts = RFC850.exec(value)) !== null) {
    // Two-digit years (RFC 9110 §5.6.7): more than 50 years ahead means the past century.
    const now = new Date().getUTCFullYear();
    year = Math.floor(now / 100) * 100 + Number(parts[3]);
    if (year > now + 50) year -= 100;
    [day, month, clock] = [parts[1]!, parts[2]!, parts.slice(4)];
  } else if ((parts = ASCTIME.exec(value)) !== null) {
    [month, day, clock, year] = [parts[1]!, parts[2]!, parts.slice(3, 6), Number(parts[6])];
  } else {
    return undefined;
  }
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  const [hour, minute, second] = clock.map(Number) as [number, number, number];
  const date = Number(day);
  if (monthIndex === -1 || date < 1 || date > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  return Math.floor(Date.UTC(year, monthIndex, date, hour, minute, second) / 1000);
}

/** Seconds since the epoch as an IMF-fixdate (`toUTCString()` is exactly that layout). */
export function formatHttpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}

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
