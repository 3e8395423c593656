/**
 * `sendResponse()`: an `HttpResponseBase` as a tsgi answer — the last step
 * of the framework's application (Django's `WSGIHandler.__call__` after
 * `get_response`). It calls `startResponse` with the status line, the
 * headers and one `Set-Cookie` per cookie, and returns the body:
 *
 * - `HttpResponse`: its content as one chunk, with Content-Length added
 *   when absent (not for 1xx, 204 and 304, which have no body);
 * - `StreamingHttpResponse`: its chunks as they come, strings encoded;
 * - `FileResponse`: the file through `environ['tsgi.file_wrapper']` when
 *   the server offers one, else a `FileWrapper`.
 *
 * The body's `close()` — which the server calls exactly once, however the
 * request ends — closes the response (its closers, its file), once;
 * closer errors go to `tsgi.errors`.
 */
import { TsgiError } from '../../protocol/errors.js';
import { describeValue } from '../../protocol/describe-value.js';
import { FileWrapper } from '../../protocol/file-wrapper.js';
import type { Body, Environ, ErrorStream, FileLike, HeaderList, StartResponse } from '../../protocol/types.js';
import { FileResponse } from './file-response.js';
import { headerValue } from './header-value.js';
import { closeResponse, HttpResponseBase } from './http-response-base.js';
import { HttpResponse } from './http-response.js';
import { StreamingHttpResponse, type StreamingContent } from './streaming-response.js';
import { TemplateResponse } from './template-response.js';

/** One buffered chunk (or none) plus `close()`, which closes the response. */
class BufferedBody implements Iterable<Uint8Array> {
  readonly #chunks: Uint8Array[];
  readonly #response: HttpResponseBase;
  readonly #errors: Pick<ErrorStream, 'write'> | undefined;

  constructor(content: Uint8Array, response: HttpResponseBase, errors: Pick<ErrorStream, 'write'> | undefined) {
    this.#chunks = content.length === 0 ? [] : [content];
    this.#response = response;
    this.#errors = errors;
  }

  [Symbol.iterator](): Iterator<Uint8Array> {
    return this.#chunks[Symbol.iterator]();
  }

  /** Undefined (nothing to wait for) when every closer finished at once. */
  close(): Promise<void> | undefined {
    return closeResponse(this.#response, this.#errors);
  }
}

/** A streaming response's chunks, encoded, plus `close()`. */
class StreamingBody implements AsyncIterable<Uint8Array> {
  readonly #response: StreamingHttpResponse;
  readonly #source: StreamingContent;
  readonly #close: () => Promise<void>;

  constructor(response: StreamingHttpResponse, close: () => Promise<void>) {
    this.#response = response;
    this.#source = response.rawStreamingContent;
    this.#close = close;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    // Abandoning this generator (the server's return()) ends the for-await, which returns the source's iterator.
    for await (const chunk of this.#source) yield this.#response.encodeChunk(chunk);
  }

  close(): Promise<void> {
    return this.#close();
  }
}

/** Statuses whose responses never have a body (RFC 9110 §6.4.1). */
function hasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/**
 * What goes to `startResponse`: a copy of the response's headers (sending
 * never changes the response), then one `Set-Cookie` per cookie, then `extra`.
 */
function headerCopy(list: HeaderList, response: HttpResponseBase, extra: [string, string] | undefined): HeaderList {
  const headers = list.slice();
  if (response.hasCookies) for (const cookie of response.cookies.values()) headers.push(['Set-Cookie', cookie.toString()]);
  if (extra !== undefined) headers.push(extra);
  return headers;
}

/** Sends `response` through `startResponse` and returns its body. */
export function sendResponse(response: HttpResponseBase, environ: Environ, startResponse: StartResponse): Body {
  if (!(response instanceof HttpResponseBase)) {
    throw new TypeError(`sendResponse() needs an HttpResponse; got ${describeValue(response)}.`);
  }
  if (response instanceof TemplateResponse && !response.isRendered) {
    throw new TsgiError(`sendResponse() got ${String(response)} before it was rendered. Await response.render() first.`);
  }
  const list = response.headers.toList();
  const errors = environ['tsgi.errors'];

  if (response instanceof HttpResponse) {
    const content = response.content;
    const addLength = !hasNoBody(response.status) && headerValue(list, 'Content-Length', 'content-length') === undefined;
    startResponse(response.statusLine, headerCopy(list, response, addLength ? ['Content-Length', `${content.length}`] : undefined));
    return new BufferedBody(content, response, errors);
  }
  const headers = headerCopy(list, response, undefined);
  const close = (): Promise<void> => response.close(errors);
  if (response instanceof FileResponse) {
    startResponse(response.statusLine, headers);
    // The server's wrapper closes this file: closing it closes the response (and so the real file) once.
    const sent: FileLike = { ...(response.file as object), read: (size) => response.file.read(size), close };
    const factory = environ['tsgi.file_wrapper'];
    return factory === undefined ? new FileWrapper(sent, response.blockSize) : factory(sent, response.blockSize);
  }
  if (response instanceof StreamingHttpResponse) {
    startResponse(response.statusLine, headers);
    return new StreamingBody(response, close);
  }
  throw new TypeError(`sendResponse() cannot send ${describeValue(response)}: it is neither an HttpResponse nor a StreamingHttpResponse.`);
}
