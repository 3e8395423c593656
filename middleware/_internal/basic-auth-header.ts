/**
 * What `basicAuth()` and `bearerAuth()` share: reading the `Authorization`
 * header (RFC 9110 §11.6.2, `credentials = auth-scheme [ 1*SP ( token68 /
 * #auth-param ) ]`), building a challenge (§11.6.1), comparing secrets in
 * constant time, and answering without calling the application.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { describeValue } from '../../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Body, HeaderList, StartResponse } from '../../lib/protocol/types.js';

declare module '../../lib/protocol/types.js' {
  interface Environ {
    /** The CGI key for the scheme that authenticated the request (`Basic`, `Bearer`), set by basicAuth()/bearerAuth(). */
    AUTH_TYPE?: string;
  }
}

/** The parts of an `Authorization` value; `credentials` is `''` when only a scheme was sent. */
export interface Credentials {
  /** Lower-cased: schemes are case-insensitive (RFC 9110 §11.1). */
  readonly scheme: string;
  readonly credentials: string;
}

const CREDENTIALS = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: +(.*))?$/s;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Splits an `Authorization` value; `undefined` when it does not even start with a scheme. */
export function parseAuthorization(value: string): Credentials | undefined {
  const match = CREDENTIALS.exec(value.trim());
  if (match === null) return undefined;
  return { scheme: match[1]!.toLowerCase(), credentials: match[2] ?? '' };
}

/** RFC 9110 §11.2 token68: base64 and base64url characters, `=` only at the end. */
export function isToken68(value: string): boolean {
  return TOKEN68.test(value);
}

/** An auth-param value as a quoted-string (RFC 9110 §5.6.4). */
export function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** The SHA-256 of `secret`: equal-length buffers for `timingSafeEqual`, whatever the secret's length. */
export function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * True when `given` hashes to `expected`. Comparing digests keeps the time
 * independent of where the strings differ and of the secret's length.
 */
export function sameSecret(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

/** The response for a refused request; the application is not called, and the request body is not read. */
export function refuse(startResponse: StartResponse, status: string, headers: HeaderList, message: string): Body {
  startResponse(status, [['Content-Type', 'text/plain; charset=utf-8'], ...headers]);
  return [Buffer.from(`${message}\n`, 'utf8')];
}

/** Checks a realm or scope goes into a quoted-string: printable ASCII only (no byte-string surprises in headers). */
export function checkParam(subject: string, name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '' || !/^[\x20-\x7e]+$/.test(value)) {
    throw new ImproperlyConfigured(
      `${subject} option ${name} must be a non-empty string of printable ASCII characters; got ${describeValue(value)}.`,
    );
  }
}

/** Rejects option names the middleware does not know (a typo would otherwise silently weaken auth). */
export function checkOptionNames(subject: string, options: unknown, known: readonly string[]): asserts options is object {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${subject} options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new TypeError(`${subject} got an unknown option '${name}'. Known options: ${known.join(', ')}.`);
    }
  }
}
