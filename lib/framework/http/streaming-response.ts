/**
 * `StreamingHttpResponse`: a response whose body is an iterable (sync or
 * async) of strings and bytes, sent as it is produced (Django's
 * `StreamingHttpResponse`). The server pulls the next chunk only when the
 * last one was written (backpressure), and it never knows the length, so
 * there is no Content-Length. Strings are encoded with the charset.
 *
 * An iterator over a resource (a generator with `finally`, or an iterable
 * with `close()`) is closed when the response is closed, even if it was
 * never sent.
 *
 * @example
 * async function* rows() { for await (const row of db.cursor()) yield `${row.csv}\n`; }
 * return new StreamingHttpResponse(rows(), { contentType: 'text/csv' });
 */
import { inspect } from 'node:util';
import { describeValue } from '../../protocol/describe-value.js';
import { HttpResponseBase, type HttpResponseBaseOptions } from './http-response-base.js';
import { encodeText } from './http-response.js';

export type StreamingContent = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export type StreamingHttpResponseOptions = HttpResponseBaseOptions;

function isIterable(value: unknown): value is StreamingContent {
  return (
    value !== null &&
    typeof value === 'object' &&
    (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
  );
}

export class StreamingHttpResponse extends HttpResponseBase {
  readonly streaming = true as const;
  #source!: StreamingContent;

  constructor(streamingContent: StreamingContent, options: StreamingHttpResponseOptions = {}, defaultStatus = 200) {
    super(options, defaultStatus);
    this.streamingContent = streamingContent;
  }

  /** The body as bytes, chunk by chunk (async). Iterate it once. */
  get streamingContent(): AsyncIterable<Uint8Array> {
    return this.encodeChunks(this.#source);
  }

  /** Replaces the body: the chunks a middleware yields are encoded like the view's. */
  set streamingContent(value: StreamingContent) {
    if (!isIterable(value) || typeof value === 'string' || value instanceof Uint8Array) {
      throw new TypeError(
        `${this.constructor.name} content must be an iterable or async iterable of strings and Uint8Arrays; got ${describeValue(value)}. ` +
          'For a body you already have, use HttpResponse.',
      );
    }
    this.#source = value;
    const closable = value as { close?: () => unknown; return?: () => unknown; next?: unknown };
    if (typeof closable.close === 'function') this.addCloser(() => closable.close!());
    else if (typeof closable.return === 'function' && typeof closable.next === 'function') this.addCloser(() => closable.return!());
  }

  /** The raw iterable given (strings not yet encoded), for `sendResponse`. */
  get rawStreamingContent(): StreamingContent {
    return this.#source;
  }

  protected async *encodeChunks(source: StreamingContent): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of source) yield this.encodeChunk(chunk);
  }

  /** One chunk as bytes; throws a TypeError naming the bad chunk. */
  encodeChunk(chunk: unknown): Uint8Array {
    if (chunk instanceof Uint8Array) return chunk;
    if (typeof chunk === 'string') return encodeText(chunk, this.charset);
    throw new TypeError(`${this.constructor.name} content yielded ${describeValue(chunk)}; yield strings or Uint8Arrays.`);
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
