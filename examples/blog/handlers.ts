/**
 * Custom error views, given to `createApplication({ handlers })` (Django's
 * `handler404` and `handler500`). A 404 handler gets the request and the
 * exception; the 500 handler only the request (the error is logged to
 * `tsgi.errors`, never shown).
 */
import { HttpResponseServerError, JsonResponse, render, type HttpRequest, type HttpResponseBase } from '../../lib/framework/index.js';
import { notFoundPage } from './templates.js';

/**
 * The API answers in JSON (with the message of the view's Http404); the
 * rest of the site gets the blog's own page. `request.resolverMatch` is set
 * when a view raised the 404, `null` when no URL pattern matched.
 */
export function notFound(request: HttpRequest, exception: unknown): HttpResponseBase {
  if (request.resolverMatch?.appNames.includes('api')) {
    return new JsonResponse({ error: exception instanceof Error ? exception.message : 'Not found.' }, { status: 404 });
  }
  return render(request, notFoundPage, { path: request.path }, { status: 404 });
}

/** Kept simple on purpose: whatever broke must not break the error page too. */
export function serverError(_request: HttpRequest): HttpResponseBase {
  return new HttpResponseServerError(
    '<!doctype html>\n<title>Server error</title>\n<h1>Sorry, something broke</h1>\n<p>The error was logged; please try again later.</p>\n',
  );
}
