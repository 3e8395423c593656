/**
 * Builds the Fetch `Request` a wrapped Fetch application sees, for
 * `fromFetchHandler()`: the URL, the headers and a streamed body, all from
 * the environ.
 *
 * The URL is the full request URL (`SCRIPT_NAME` + `PATH_INFO`, as wsgiref's
 * `request_uri`). Its path is the raw one the client sent (`REQUEST_URI`)
 * whenever that still decodes to `SCRIPT_NAME + PATH_INFO`, so `%2F` stays
 * `%2F`; when a middleware rewrote the path, it is re-encoded from the environ.
 */
import { percentDecode } from '../gateway/environ.js';
import { isHopByHop } from '../protocol/hop-by-hop.js';
import { applicationUri, requestUri } from '../protocol/request-uri.js';
import type { Environ, InputStream } from '../protocol/types.js';

/** How much of `tsgi.input` one pull of the Request body reads. */
const READ_SIZE = 64 * 1024;

/** The request URL for the environ. */
export function environUrl(environ: Environ): string {
  const raw = environ.REQUEST_URI;
  if (typeof raw === 'string' && raw.charCodeAt(0) === 0x2f /* '/' */) {
    const mark = raw.indexOf('?');
    const rawPath = mark === -1 ? raw : raw.slice(0, mark);
    if (percentDecode(rawPath) === environ.SCRIPT_NAME + environ.PATH_INFO) {
      // applicationUri() of an empty SCRIPT_NAME ends in '/': the origin plus that slash.
      const origin = applicationUri({ ...environ, SCRIPT_NAME: '' }).slice(0, -1);
      const query = environ.QUERY_STRING;
      return origin + rawPath + (query ? `?${query}` : '');
    }
  }
  return requestUri(environ);
}

/**
 * The request headers: `HTTP_*` keys with `_` as `-`, plus `Content-Type` and
 * `Content-Length`. Hop-by-hop headers described the connection to this
 * server, not the message, and are left out.
 */
export function environHeaders(environ: Environ): Headers {
  const headers = new Headers();
  for (const key in environ) {
    if (!key.startsWith('HTTP_')) continue;
    const value = environ[key];
    if (typeof value !== 'string') continue;
    const name = key.slice(5).replaceAll('_', '-').toLowerCase();
    if (!isHopByHop(name)) headers.append(name, value);
  }
  if (typeof environ.CONTENT_TYPE === 'string' && environ.CONTENT_TYPE !== '') headers.set('content-type', environ.CONTENT_TYPE);
  if (typeof environ.CONTENT_LENGTH === 'string' && environ.CONTENT_LENGTH !== '') headers.set('content-length', environ.CONTENT_LENGTH);
  return headers;
}

/** True when the request has a body to stream: a non-zero CONTENT_LENGTH, or a chunked upload. */
export function hasBody(environ: Environ): boolean {
  const method = environ.REQUEST_METHOD;
  if (method === 'GET' || method === 'HEAD') return false;
  if (environ['tsgi.input_terminated'] === true) return true;
  const length = environ.CONTENT_LENGTH;
  return typeof length === 'string' && length !== '' && length !== '0';
}

/**
 * `tsgi.input` as a ReadableStream. High-water mark 0: nothing is read until
 * the Fetch application reads, so `100 Continue` goes out only then, and an
 * application that ignores the body never pulls it.
 */
export function inputStream(input: InputStream): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await input.read(READ_SIZE);
        if (chunk.length === 0) controller.close();
        else controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
}
