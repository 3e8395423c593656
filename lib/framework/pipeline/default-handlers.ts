/**
 * The error views an application uses unless `createApplication({ handlers })`
 * replaces them: Django's `django.views.defaults` with its built-in page
 * (the one Django falls back to when there is no `404.html` template). They
 * say nothing about the error: details belong in the log and, with `debug`,
 * in the technical pages.
 */
import {
  HttpResponseBadRequest,
  HttpResponseForbidden,
  HttpResponseNotFound,
  HttpResponseServerError,
  type HttpRequest,
  type HttpResponseBase,
} from '../http/index.js';

/** Django's ERROR_PAGE_TEMPLATE, byte for byte. */
function errorPage(title: string, details: string): string {
  return `
<!doctype html>
<html lang="en">
<head>
  <title>${title}</title>
</head>
<body>
  <h1>${title}</h1><p>${details}</p>
</body>
</html>
`;
}

const NOT_FOUND_PAGE = errorPage('Not Found', 'The requested resource was not found on this server.');
const SERVER_ERROR_PAGE = errorPage('Server Error (500)', '');
const BAD_REQUEST_PAGE = errorPage('Bad Request (400)', '');
const FORBIDDEN_PAGE = errorPage('403 Forbidden', '');

/** The default 404 view (Django's `page_not_found`). */
export function pageNotFound(_request: HttpRequest, _exception: unknown): HttpResponseBase {
  return new HttpResponseNotFound(NOT_FOUND_PAGE);
}

/** The default 500 view (Django's `server_error`); it gets no exception. */
export function serverError(_request: HttpRequest): HttpResponseBase {
  return new HttpResponseServerError(SERVER_ERROR_PAGE);
}

/** The default 400 view (Django's `bad_request`). */
export function badRequest(_request: HttpRequest, _exception: unknown): HttpResponseBase {
  return new HttpResponseBadRequest(BAD_REQUEST_PAGE);
}

/** The default 403 view (Django's `permission_denied`). */
export function permissionDenied(_request: HttpRequest, _exception: unknown): HttpResponseBase {
  return new HttpResponseForbidden(FORBIDDEN_PAGE);
}
