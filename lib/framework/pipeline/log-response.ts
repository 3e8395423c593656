/**
 * One log line per failed response, as Django's `django.request` logger
 * writes it: `Not Found: /missing`, `Forbidden (Permission denied): /admin`.
 * The line goes to the request's `tsgi.errors`. A response is logged at most
 * once: the pipeline logs every response >= 400 unless something (a view
 * decorator, the exception mapping) already logged it with a better message.
 */
import { inspect } from 'node:util';
import type { HttpRequest, HttpResponseBase } from '../http/index.js';

const logged = new WeakSet<object>();

/**
 * Writes `<message>: <request.path>` (and, for a 5xx caused by an error, the
 * error's stack) to `tsgi.errors`, unless `response` was logged already.
 * `message` defaults to the response's reason phrase.
 */
export function logResponse(request: HttpRequest, response: HttpResponseBase, message?: string, error?: unknown): void {
  if (logged.has(response)) return;
  logged.add(response);
  let line = `${message ?? response.reasonPhrase}: ${request.path}\n`;
  if (error !== undefined && response.status >= 500) line += `${inspect(error)}\n`;
  writeError(request, line);
}

/** Writes to the request's `tsgi.errors`; a broken log never breaks the request. */
export function writeError(request: HttpRequest, text: string): void {
  try {
    request.META['tsgi.errors'].write(text);
  } catch {
    // Nowhere left to report it.
  }
}
