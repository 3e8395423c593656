/**
 * `HttpResponse`: a response with its whole body in memory (Django's
 * `HttpResponse`). Content is a string (encoded with the charset), bytes,
 * or an iterable of either (joined). Like Django's it is also file-like:
 * `write()` appends.
 *
 * @example
 * const response = new HttpResponse('<p>Hello</p>');
 * response.headers.set('Cache-Control', 'no-cache');
 * response.setCookie('seen', '1', { maxAge: 3600, httpOnly: true, sameSite: 'Lax' });
 */
import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import { describeValue } from '../../protocol/describe-value.js';
import { HttpResponseBase, type HttpResponseBaseOptions } from './http-response-base.js';

export type HttpResponseOptions = HttpResponseBaseOptions;

/** What `content` accepts. */
export type ResponseContent = string | Uint8Array | Iterable<string | Uint8Array>;

const EMPTY = new Uint8Array(0);

export class HttpResponse extends HttpResponseBase {
  readonly streaming = false as const;
  /** The body so far: one chunk, no list (the common case). */
  #body: Uint8Array = EMPTY;
  /** Chunks written after `#body`, joined to it when the content is read. */
  #more: Uint8Array[] | undefined;

  /** `content` omitted: an empty body (a subclass with a content setter gets no call). */
  constructor(content?: ResponseContent, options: HttpResponseOptions = {}, defaultStatus = 200) {
    super(options, defaultStatus);
    if (content !== undefined) this.content = content;
  }

  /** The body's bytes. */
  override get content(): Uint8Array {
    const more = this.#more;
    if (more !== undefined) {
      this.#body = Buffer.concat([this.#body, ...more]);
      this.#more = undefined;
    }
    return this.#body;
  }

  override set content(value: ResponseContent) {
    this.#body = EMPTY;
    this.#more = undefined;
    if (typeof value === 'string') {
      if (value.length > 0) this.#body = encodeText(value, this.charset);
      return;
    }
    if (value instanceof Uint8Array) {
      if (value.length > 0) this.#body = value;
      return;
    }
    if (value === null || typeof value !== 'object' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(
        `${this.constructor.name} content must be a string, a Uint8Array or an iterable of them; got ${describeValue(value)}. ` +
          'Convert it with String() or JSON.stringify(), or use JsonResponse.',
      );
    }
    for (const chunk of value) this.#append(chunk, 'content');
    // An iterable with close() (a generator over a resource) is closed once consumed, as Django does.
    (value as { close?: () => unknown }).close?.();
  }

  /** The body decoded with the charset. */
  get text(): string {
    return new TextDecoder(this.charset).decode(this.content);
  }

  /** Appends to the body (file-like use, as Django's `response.write()`). */
  write(content: string | Uint8Array): void {
    this.#append(content, 'write()');
  }

  /** Appends each of `lines` (no separators added). */
  writelines(lines: Iterable<string | Uint8Array>): void {
    for (const line of lines) this.write(line);
  }

  #append(chunk: unknown, what: string): void {
    let bytes: Uint8Array;
    if (typeof chunk === 'string') {
      if (chunk.length === 0) return;
      bytes = encodeText(chunk, this.charset);
    } else if (chunk instanceof Uint8Array) {
      if (chunk.length === 0) return;
      bytes = chunk;
    } else {
      throw new TypeError(`${this.constructor.name} ${what} takes strings and Uint8Arrays; got ${describeValue(chunk)}. Convert it with String().`);
    }
    if (this.#body.length === 0 && this.#more === undefined) this.#body = bytes;
    else (this.#more ??= []).push(bytes);
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Text as bytes in `charset` (UTF-8 and latin-1 natively; others are not supported by Node's encoder). */
export function encodeText(text: string, charset: string): Uint8Array {
  // The default, spelt as the framework spells it, needs no lower-casing.
  if (charset === 'utf-8') return Buffer.from(text, 'utf8');
  const lower = charset.toLowerCase();
  if (lower === 'utf-8' || lower === 'utf8') return Buffer.from(text, 'utf8');
  if (lower === 'iso-8859-1' || lower === 'latin1' || lower === 'latin-1' || lower === 'us-ascii' || lower === 'ascii') {
    return Buffer.from(text, 'latin1');
  }
  if (lower === 'utf-16le' || lower === 'utf16le') return Buffer.from(text, 'utf16le');
  throw new TypeError(
    `Cannot encode response text as charset ${describeValue(charset)}: only utf-8, iso-8859-1 and utf-16le are supported. ` +
      'Pass bytes (a Uint8Array) you encoded yourself.',
  );
}
