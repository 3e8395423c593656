/**
 * `conditionalGetMiddleware()` (Django's `ConditionalGetMiddleware`): gives
 * GET and HEAD responses a strong ETag (the MD5 of the body) unless they
 * have one or say `Cache-Control: no-store`, then answers conditional
 * requests: 304 Not Modified for a matching `If-None-Match` or an
 * unchanged `If-Modified-Since`, 412 for a failed `If-Match` /
 * `If-Unmodified-Since` (see `getConditionalResponse`). The view still runs:
 * this saves bandwidth, not work.
 *
 * Unlike Django (GET only) HEAD is included: a tsgi view builds the same body
 * for HEAD as for GET (the server drops it), so the ETag is the GET's.
 *
 * When not to use it: for streamed responses (no ETag is computed) and when
 * the view can check freshness itself before doing the work. Put it above
 * anything that changes the body (GZip) so the ETag describes what is sent.
 *
 * @example
 * createApplication({ urlpatterns, middleware: [securityMiddleware(), conditionalGetMiddleware(), commonMiddleware()] });
 */
import type { HttpRequest, HttpResponseBase } from '../http/index.js';
import type { PipelineMiddleware } from '../pipeline/types.js';
import { checkOptionNames } from './check-options.js';
import { getConditionalResponse, setResponseEtag } from './conditional-response.js';
import { parseHttpDate } from './parse-http-date.js';

/** No options today; the object is accepted so options can be added without breaking callers. */
export type ConditionalGetMiddlewareOptions = Record<string, never>;

export function conditionalGetMiddleware(options: ConditionalGetMiddlewareOptions = {}): PipelineMiddleware {
  checkOptionNames('conditionalGetMiddleware()', options, []);
  return function conditionalGetMiddlewareFactory(getResponse) {
    return async function conditionalGetMiddleware(request: HttpRequest): Promise<HttpResponseBase> {
      const response = await getResponse(request);
      // Too late to refuse an unsafe request with a 412: the view already ran.
      if (request.method !== 'GET' && request.method !== 'HEAD') return response;
      if (needsEtag(response) && !response.headers.has('ETag')) setResponseEtag(response);
      const etag = response.headers.get('ETag');
      const lastModifiedHeader = response.headers.get('Last-Modified');
      const lastModified = lastModifiedHeader === undefined ? null : parseHttpDate(lastModifiedHeader);
      if (etag === undefined && lastModified === null) return response;
      return getConditionalResponse(request, { etag, lastModified }, response);
    };
  };
}

/** No ETag for `Cache-Control: no-store` (Django's `needs_etag`). */
function needsEtag(response: HttpResponseBase): boolean {
  const cacheControl = response.headers.get('Cache-Control') ?? '';
  return cacheControl.split(/\s*,\s*/).every((directive) => directive.toLowerCase() !== 'no-store');
}
