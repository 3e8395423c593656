/**
 * `HttpResponseBase`: what every response has (Django's
 * `HttpResponseBase`): a status and reason phrase, headers (the protocol's
 * `Headers`, which refuse CR/LF and other controls in a value when it is
 * set), a charset, cookies, and closers run once when the server is done
 * with the response. `HttpResponse` adds a buffered body,
 * `StreamingHttpResponse` an iterable one.
 */
import { STATUS_CODES } from 'node:http';
import { describeValue } from '../../protocol/describe-value.js';
import { Headers } from '../../protocol/headers.js';
import type { ErrorStream, HeaderList } from '../../protocol/types.js';
import { ResponseCookie, type SameSite, type SetCookieOptions } from './set-cookie.js';

/** Headers to start with: an object, or `[name, value]` pairs. */
export type ResponseHeadersInit = Readonly<Record<string, string>> | Iterable<readonly [string, string]>;

export interface HttpResponseBaseOptions {
  /** @default 200 (each subclass its own) */
  status?: number;
  /** The reason phrase; default: the standard one for the status. */
  reason?: string;
  /** @default `text/html; charset=${charset}` */
  contentType?: string;
  /** The charset text content is encoded with. @default the Content-Type's charset, else 'utf-8' */
  charset?: string;
  headers?: ResponseHeadersInit;
}

/** A closer: run when the response is closed; may return a Promise. */
export type Closer = () => unknown;

const CHARSET = /;\s*charset=(?<charset>[^\s;]+)/i;

export function checkStatus(status: unknown): number {
  if (typeof status !== 'number' || !Number.isInteger(status)) {
    throw new TypeError(`HTTP status code must be an integer; got ${describeValue(status)}.`);
  }
  if (status < 100 || status > 599) {
    throw new RangeError(`HTTP status code must be an integer from 100 to 599; got ${status}.`);
  }
  return status;
}

export abstract class HttpResponseBase {
  /** True for a response whose body is an iterable (`streamingContent`). */
  abstract readonly streaming: boolean;
  readonly headers: Headers;
  /** The cookies `sendResponse` sends, one `Set-Cookie` each, by name. */
  readonly cookies = new Map<string, ResponseCookie>();
  #status: number;
  #reason: string | undefined;
  #charset: string | undefined;
  #closers: Closer[] | undefined;
  #closed = false;

  constructor(options: HttpResponseBaseOptions = {}, defaultStatus = 200) {
    const { status, reason, contentType, charset, headers } = options;
    const list: HeaderList = [];
    this.headers = new Headers(list);
    if (headers !== undefined) {
      const entries = typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function'
        ? (headers as Iterable<readonly [string, string]>)
        : Object.entries(headers);
      for (const [name, value] of entries) this.headers.add(name, value);
    }
    this.#charset = charset;
    if (!this.headers.has('Content-Type')) {
      this.headers.add('Content-Type', contentType ?? `text/html; charset=${this.charset}`);
    } else if (contentType !== undefined) {
      throw new TypeError("HttpResponse 'headers' must not contain 'Content-Type' when the 'contentType' option is given. Give one of them.");
    }
    this.#status = status === undefined ? defaultStatus : checkStatus(status);
    if (reason !== undefined) this.reasonPhrase = reason;
  }

  /**
   * The body's bytes, for a response that has them (`HttpResponse`); a
   * streaming response throws, as Django's: use `streamingContent`.
   */
  get content(): Uint8Array {
    throw new TypeError(`This ${this.constructor.name} instance has no content. Use streamingContent instead (check response.streaming first).`);
  }

  set content(_value: unknown) {
    throw new TypeError(`This ${this.constructor.name} instance has no content. Set streamingContent instead.`);
  }

  /** The status code, 100–599. */
  get status(): number {
    return this.#status;
  }

  set status(value: number) {
    this.#status = checkStatus(value);
  }

  /** The reason phrase: the one given, else the standard one for the status. */
  get reasonPhrase(): string {
    return this.#reason ?? STATUS_CODES[this.#status] ?? 'Unknown Status Code';
  }

  set reasonPhrase(value: string) {
    if (typeof value !== 'string' || /[^\t\x20-\x7E\x80-\xFF]/.test(value)) {
      throw new TypeError(`HttpResponse reason phrase must be a string of printable characters (RFC 9112 §4); got ${describeValue(value)}.`);
    }
    this.#reason = value;
  }

  /** The charset text is encoded with: the one given, else the Content-Type's, else 'utf-8'. */
  get charset(): string {
    if (this.#charset !== undefined) return this.#charset;
    const match = CHARSET.exec(this.headers.get('Content-Type') ?? '');
    return match === null ? 'utf-8' : match.groups!['charset']!.replaceAll('"', '');
  }

  set charset(value: string) {
    this.#charset = value;
  }

  /** The status line: `'200 OK'`. */
  get statusLine(): string {
    return `${this.#status} ${this.reasonPhrase}`;
  }

  /** Sets a cookie (replacing one of the same name). Validated now: see `ResponseCookie`. */
  setCookie(name: string, value = '', options: SetCookieOptions = {}): ResponseCookie {
    const cookie = new ResponseCookie(name, value, options);
    this.cookies.set(name, cookie);
    return cookie;
  }

  /**
   * Tells the client to delete a cookie: empty, expired, `Max-Age=0`, with
   * the path and domain it was set with. Secure when the name needs it or
   * sameSite is None (browsers ignore the deletion otherwise).
   */
  deleteCookie(name: string, options: { path?: string; domain?: string; sameSite?: SameSite } = {}): ResponseCookie {
    const { path = '/', domain, sameSite } = options;
    const secure = name.startsWith('__Secure-') || name.startsWith('__Host-') || sameSite?.toLowerCase() === 'none';
    const cookieOptions: SetCookieOptions = { maxAge: 0, path, secure, expires: 'Thu, 01 Jan 1970 00:00:00 GMT' };
    if (domain !== undefined) cookieOptions.domain = domain;
    if (sameSite !== undefined) cookieOptions.sameSite = sameSite;
    return this.setCookie(name, '', cookieOptions);
  }

  /** Registers `closer` to run when the response is closed (after it was sent, or abandoned). */
  addCloser(closer: Closer): void {
    if (typeof closer !== 'function') {
      throw new TypeError(`addCloser() expects a function; got ${describeValue(closer)}.`);
    }
    (this.#closers ??= []).push(closer);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs the closers, once, in order; later calls do nothing. A closer that
   * throws does not stop the others: its error is written to `errors`
   * (the request's `tsgi.errors`; stderr when not given) and swallowed.
   */
  async close(errors?: Pick<ErrorStream, 'write'>): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closers = this.#closers;
    this.#closers = undefined;
    if (closers === undefined) return;
    for (const closer of closers) {
      try {
        await closer();
      } catch (error) {
        const text = `Error closing ${String(this)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
        if (errors !== undefined) errors.write(text);
        else process.stderr.write(text);
      }
    }
  }

  toString(): string {
    return `<${this.constructor.name} status=${this.#status}, "${this.headers.get('Content-Type') ?? ''}">`;
  }
}
