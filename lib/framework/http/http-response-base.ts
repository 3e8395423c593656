/**
 * `HttpResponseBase`: what every response has (Django's
 * `HttpResponseBase`): a status and reason phrase, headers (the protocol's
 * `Headers`, which refuse CR/LF and other controls in a value when it is
 * set), a charset, cookies, and closers run once when the server is done
 * with the response. `HttpResponse` adds a buffered body,
 * `StreamingHttpResponse` an iterable one.
 */
import { describeValue } from '../../protocol/describe-value.js';
import { reasonPhrase } from '../../protocol/status-line.js';
import { checkHeaderValue } from '../../protocol/header-syntax.js';
import { Headers } from '../../protocol/headers.js';
import type { ErrorStream, HeaderList } from '../../protocol/types.js';
import { headerValue } from './header-value.js';
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
/** What `close()` answers when every closer finished at once. */
const CLOSED: Promise<void> = Promise.resolve();
/** Standard status lines by code, built on first use. */
const STATUS_LINES: Array<string | undefined> = [];

// Responses carry the same few Content-Types: each one's charset is worked out once (so many at most).
const CHARSET_CACHE_LIMIT = 64;
const charsets = new Map<string, string>();

/** The Content-Type asked about last, and its charset: most responses in a row are of one kind. */
let lastContentType = '';
let lastCharset = 'utf-8';

/** The charset a Content-Type value declares, else 'utf-8'. */
function charsetOf(contentType: string): string {
  if (contentType === lastContentType) return lastCharset;
  let charset = charsets.get(contentType);
  if (charset === undefined) {
    const match = CHARSET.exec(contentType);
    charset = match === null ? 'utf-8' : match.groups!['charset']!.replaceAll('"', '');
    if (charsets.size < CHARSET_CACHE_LIMIT) charsets.set(contentType, charset);
  }
  lastContentType = contentType;
  lastCharset = charset;
  return charset;
}

/** The Content-Type value checked last: responses of one kind carry the same one, checked once. */
let checkedContentType: string | undefined;

/** A response's first header, `Content-Type: value`, with `value` checked as `Headers.add()` checks it. */
function contentTypeEntry(value: string): [string, string] {
  if (value !== checkedContentType) {
    checkHeaderValue('Content-Type', value);
    checkedContentType = value;
  }
  return ['Content-Type', value];
}

/**
 * Closes `response` as `close()` does, but answers undefined rather than a
 * Promise when every closer finished at once (for `sendResponse`'s body).
 */
export let closeResponse: (response: HttpResponseBase, errors: Pick<ErrorStream, 'write'> | undefined) => Promise<void> | undefined;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

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
  #status: number;
  #reason: string | undefined;
  #charset: string | undefined;
  #closers: Closer[] | undefined;
  #closed = false;
  #cookies: Map<string, ResponseCookie> | undefined;

  constructor(options: HttpResponseBaseOptions = {}, defaultStatus = 200) {
    const { status, reason, contentType, charset, headers } = options;
    this.#charset = charset;
    if (headers === undefined) {
      // The common case: nothing to search, and the one header goes straight into the list.
      const list: HeaderList = [];
      this.headers = new Headers(list);
      list.push(contentTypeEntry(contentType ?? `text/html; charset=${this.charset}`));
    } else {
      this.headers = new Headers();
      this.#addHeaders(headers, contentType);
    }
    this.#status = status === undefined ? defaultStatus : checkStatus(status);
    if (reason !== undefined) this.reasonPhrase = reason;
  }

  /** The `headers` option, then Content-Type unless it is among them. */
  #addHeaders(headers: ResponseHeadersInit, contentType: string | undefined): void {
    const entries = typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? (headers as Iterable<readonly [string, string]>)
      : Object.entries(headers);
    for (const [name, value] of entries) this.headers.add(name, value);
    if (!this.headers.has('Content-Type')) {
      this.headers.add('Content-Type', contentType ?? `text/html; charset=${this.charset}`);
    } else if (contentType !== undefined) {
      throw new TypeError("HttpResponse 'headers' must not contain 'Content-Type' when the 'contentType' option is given. Give one of them.");
    }
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

  /** The cookies `sendResponse` sends, one `Set-Cookie` each, by name (the Map is made on first use). */
  get cookies(): Map<string, ResponseCookie> {
    return (this.#cookies ??= new Map());
  }

  /** Whether a cookie was set (without making the Map). */
  get hasCookies(): boolean {
    return this.#cookies !== undefined && this.#cookies.size > 0;
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
    return this.#reason ?? reasonPhrase(this.#status) ?? 'Unknown Status Code';
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
    return charsetOf(headerValue(this.headers.toList(), 'Content-Type', 'content-type') ?? '');
  }

  set charset(value: string) {
    this.#charset = value;
  }

  /** The status line: `'200 OK'`. */
  get statusLine(): string {
    if (this.#reason !== undefined) return `${this.#status} ${this.#reason}`;
    return (STATUS_LINES[this.#status] ??= `${this.#status} ${this.reasonPhrase}`);
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
    // The first closer (often the only one: the application's) gets a list of its size, not one grown by a push.
    if (this.#closers === undefined) this.#closers = [closer];
    else this.#closers.push(closer);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs the closers, once, in order; later calls do nothing. A closer that
   * throws does not stop the others: its error is written to `errors`
   * (the request's `tsgi.errors`; stderr when not given) and swallowed.
   * Closers run at once until one returns a Promise; the next ones run
   * after it settles, and the Promise returned settles after the last.
   */
  close(errors?: Pick<ErrorStream, 'write'>): Promise<void> {
    try {
      return this.#close(errors) ?? CLOSED;
    } catch (error) {
      // Only a failing `errors.write()` gets here.
      return Promise.reject(error);
    }
  }

  static {
    closeResponse = (response, errors) => response.#close(errors);
  }

  /** `close()`, synchronous until a closer returns a Promise; then the rest runs after it settles. */
  #close(errors: Pick<ErrorStream, 'write'> | undefined): Promise<void> | undefined {
    if (this.#closed) return undefined;
    this.#closed = true;
    const closers = this.#closers;
    this.#closers = undefined;
    return closers === undefined ? undefined : this.#runClosers(closers, 0, errors);
  }

  #runClosers(closers: Closer[], from: number, errors: Pick<ErrorStream, 'write'> | undefined): Promise<void> | undefined {
    for (let i = from; i < closers.length; i += 1) {
      let result: unknown;
      try {
        result = closers[i]!();
      } catch (error) {
        this.#reportCloseError(error, errors);
        continue;
      }
      if (isThenable(result)) {
        return Promise.resolve(result).then(
          () => this.#runClosers(closers, i + 1, errors),
          (error: unknown) => {
            this.#reportCloseError(error, errors);
            return this.#runClosers(closers, i + 1, errors);
          },
        );
      }
    }
    return undefined;
  }

  #reportCloseError(error: unknown, errors: Pick<ErrorStream, 'write'> | undefined): void {
    const text = `Error closing ${String(this)}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
    if (errors !== undefined) errors.write(text);
    else process.stderr.write(text);
  }

  toString(): string {
    return `<${this.constructor.name} status=${this.#status}, "${this.headers.get('Content-Type') ?? ''}">`;
  }
}
