// The request
export { HttpRequest } from './http-request.js';
export type { RequestResolverMatch, RequestReverseOptions, Reverser } from './http-request.js';
export { checkHttpRequestOptions } from './request-options.js';
export type { HttpRequestOptions } from './request-options.js';
export { RequestHeaders } from './request-headers.js';
export { MediaType } from './media-type.js';
export { MultiValueDict } from './multi-value-dict.js';
export { QueryDict } from './query-dict.js';
export type { QueryDictOptions } from './query-dict.js';
export { UploadedFile } from './uploaded-file.js';
export { parseCookie } from './parse-cookie.js';
export { isSameDomain, splitDomainPort, validateHost } from './host-validation.js';

// Responses
export { HttpResponseBase } from './http-response-base.js';
export type { Closer, HttpResponseBaseOptions, ResponseHeadersInit } from './http-response-base.js';
export { HttpResponse } from './http-response.js';
export type { HttpResponseOptions, ResponseContent } from './http-response.js';
export { JsonResponse } from './json-response.js';
export type { JsonResponseOptions } from './json-response.js';
export { StreamingHttpResponse } from './streaming-response.js';
export type { StreamingContent, StreamingHttpResponseOptions } from './streaming-response.js';
export { FileResponse } from './file-response.js';
export type { FileResponseOptions } from './file-response.js';
export { HttpResponsePermanentRedirect, HttpResponseRedirect, HttpResponseRedirectBase } from './redirects.js';
export type { RedirectOptions } from './redirects.js';
export {
  HttpResponseBadRequest,
  HttpResponseForbidden,
  HttpResponseGone,
  HttpResponseNotAllowed,
  HttpResponseNotFound,
  HttpResponseNotModified,
  HttpResponseServerError,
} from './status-responses.js';
export { SimpleTemplateResponse, TemplateResponse } from './template-response.js';
export type { PostRenderCallback, Template, TemplateContext, TemplateResponseOptions } from './template-response.js';

// Cookies
export { ResponseCookie } from './set-cookie.js';
export type { SameSite, SetCookieOptions } from './set-cookie.js';

// Sending a response through tsgi
export { sendResponse } from './send-response.js';
