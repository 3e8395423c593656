/**
 * `ResponseCookie`: one cookie a response sets, validated when it is made
 * and serialised as a `Set-Cookie` value (Django's `set_cookie` over
 * Python's `Morsel`, attributes in Morsel's order).
 *
 * Validation, so a mistake fails in the view rather than in the browser:
 * the name is an RFC 9110 token; the value is RFC 6265 cookie-octets
 * (no controls, whitespace, `"`, `,`, `;` or `\`), optionally wrapped in
 * double quotes — anything else is REFUSED rather than silently encoded
 * (encode it yourself, e.g. with `encodeURIComponent()`); `sameSite` is
 * Lax, Strict or None, and None needs `secure`; a `__Secure-` name needs
 * `secure`, a `__Host-` name needs `secure`, path `/` and no domain
 * (RFC 6265bis §4.1.3).
 */
import { describeValue } from '../../protocol/describe-value.js';
import { isToken } from '../../protocol/header-syntax.js';

export type SameSite = 'Lax' | 'Strict' | 'None' | 'lax' | 'strict' | 'none';

export interface SetCookieOptions {
  /** Seconds until the cookie expires (0 deletes it); also sets `expires`, as Django. */
  maxAge?: number;
  /** A Date (converted to `maxAge`, as Django) or an HTTP date string sent as is. */
  expires?: Date | string;
  /** @default '/' */
  path?: string | null;
  domain?: string;
  /** @default false */
  secure?: boolean;
  /** @default false */
  httpOnly?: boolean;
  sameSite?: SameSite;
}

/** RFC 6265 §4.1.1 cookie-value: cookie-octets, optionally in double quotes. */
const COOKIE_VALUE = /^(?:[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*|"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*")$/;
/** An attribute value (path, domain, expires string) must not end the attribute or the header. */
const ATTRIBUTE_VALUE = /^[\x20-\x3A\x3C-\x7E]*$/;

/** RFC 9110 IMF-fixdate, Django's `http_date()`. */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

export class ResponseCookie {
  readonly name: string;
  readonly value: string;
  readonly expires: string;
  readonly maxAge: number | undefined;
  readonly path: string | null;
  readonly domain: string | undefined;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: SameSite | undefined;

  constructor(name: string, value = '', options: SetCookieOptions = {}) {
    const subject = `Cookie ${describeValue(name)}`;
    if (typeof name !== 'string' || !isToken(name)) {
      throw new TypeError(
        `Cookie name ${describeValue(name)} is not a valid token (RFC 6265 §4.1.1). Use letters, digits and !#$%&'*+-.^_\`|~ only.`,
      );
    }
    if (typeof value !== 'string' || !COOKIE_VALUE.test(value)) {
      throw new TypeError(
        `${subject} value ${describeValue(value)} contains a character a cookie value may not hold (controls, whitespace, '"', ',', ';' or '\\'). ` +
          'tsgi refuses it rather than encode it: encode the value yourself, e.g. with encodeURIComponent().',
      );
    }
    const { expires, path = '/', domain, secure = false, httpOnly = false, sameSite } = options;
    let { maxAge } = options;
    let expiresText = '';
    if (expires instanceof Date) {
      if (maxAge !== undefined) {
        throw new TypeError(`${subject}: 'expires' and 'maxAge' can't be used together. Give one of them.`);
      }
      // Django adds a second so the date matches exactly after truncation.
      maxAge = Math.max(0, Math.floor((expires.getTime() - Date.now()) / 1000 + 1));
    } else if (expires !== undefined) {
      checkAttribute(subject, 'expires', expires);
      expiresText = expires;
    }
    if (maxAge !== undefined) {
      if (typeof maxAge !== 'number' || !Number.isFinite(maxAge)) {
        throw new TypeError(`${subject} maxAge must be a number of seconds; got ${describeValue(maxAge)}.`);
      }
      maxAge = Math.trunc(maxAge);
      // Old clients only know expires, so set it too (Django).
      if (expiresText === '') expiresText = httpDate(Date.now() + maxAge * 1000);
    }
    if (path !== null) checkAttribute(subject, 'path', path);
    if (domain !== undefined) checkAttribute(subject, 'domain', domain);
    if (sameSite !== undefined) {
      const lower = typeof sameSite === 'string' ? sameSite.toLowerCase() : '';
      if (lower !== 'lax' && lower !== 'strict' && lower !== 'none') {
        throw new TypeError(`${subject} sameSite must be 'Lax', 'Strict' or 'None'; got ${describeValue(sameSite)}.`);
      }
      if (lower === 'none' && !secure) {
        throw new TypeError(`${subject} has sameSite 'None' without secure; browsers reject such a cookie. Set secure: true.`);
      }
    }
    if (name.startsWith('__Secure-') && !secure) {
      throw new TypeError(`${subject} starts with '__Secure-', which requires secure: true (RFC 6265bis §4.1.3.1). Set secure: true.`);
    }
    if (name.startsWith('__Host-') && (!secure || path !== '/' || domain !== undefined)) {
      throw new TypeError(
        `${subject} starts with '__Host-', which requires secure: true, path '/' and no domain (RFC 6265bis §4.1.3.2); ` +
          `got secure ${secure}, path ${describeValue(path)}, domain ${describeValue(domain)}.`,
      );
    }
    this.name = name;
    this.value = value;
    this.expires = expiresText;
    this.maxAge = maxAge;
    this.path = path;
    this.domain = domain;
    this.secure = secure;
    this.httpOnly = httpOnly;
    this.sameSite = sameSite;
  }

  /** The `Set-Cookie` header value. Attributes in Python's Morsel order, as Django sends them. */
  toString(): string {
    let out = `${this.name}=${this.value}`;
    if (this.domain !== undefined && this.domain !== '') out += `; Domain=${this.domain}`;
    if (this.expires !== '') out += `; expires=${this.expires}`;
    if (this.httpOnly) out += '; HttpOnly';
    if (this.maxAge !== undefined) out += `; Max-Age=${this.maxAge}`;
    if (this.path !== null && this.path !== '') out += `; Path=${this.path}`;
    if (this.sameSite !== undefined) out += `; SameSite=${this.sameSite}`;
    if (this.secure) out += '; Secure';
    return out;
  }
}

function checkAttribute(subject: string, attribute: string, value: unknown): void {
  if (typeof value !== 'string' || !ATTRIBUTE_VALUE.test(value)) {
    throw new TypeError(`${subject} ${attribute} ${describeValue(value)} must be printable ASCII without ';'. Remove the bad characters.`);
  }
}
