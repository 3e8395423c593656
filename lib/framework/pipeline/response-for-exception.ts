/**
 * Turns an exception into a response, exactly as Django's
 * `response_for_exception` (core/handlers/exception.py):
 *
 * | exception | debug off | debug on |
 * |---|---|---|
 * | `Http404`, `Resolver404` | 404 handler | technical 404 page |
 * | `PermissionDenied` | 403 handler | 403 handler |
 * | `MultiPartParserError` | 400 handler | 400 handler |
 * | `BadRequest`, `SuspiciousOperation` family | 400 handler | technical 500 page with status 400 |
 * | anything else | `gotRequestException`, 500 handler | `gotRequestException`, technical 500 page |
 *
 * A 400/403/404 handler that throws sends `gotRequestException` and takes
 * the 500 path; a 500 handler that throws falls back to the built-in 500
 * page, so an exception never escapes a layer (unless `propagateExceptions`).
 * An unrendered TemplateResponse from a handler is rendered here.
 */
import { inspect } from 'node:util';
import { BadRequest, Http404, MultiPartParserError, PermissionDenied, SuspiciousOperation, TsgiError } from '../errors.js';
import { HttpResponseBase, type HttpRequest, type TemplateResponse } from '../http/index.js';
import { describeValue } from '../../protocol/describe-value.js';
import { serverError } from './default-handlers.js';
import { logResponse, writeError } from './log-response.js';
import type { Settings } from './settings.js';
import type { Signals } from './signals.js';
import { technical404Response } from './technical-404.js';
import { technical500Response } from './technical-500.js';

/** What the mapping needs from the application. */
export interface ExceptionContext {
  readonly settings: Settings;
  readonly signals: Signals;
}

/**
 * Carries an exception up through every layer when `propagateExceptions` is
 * on, so each layer re-throws it at once (and the signal is sent once); the
 * application unwraps it before the gateway sees it.
 */
export class PropagatingException extends TsgiError {
  override name = 'PropagatingException';
  readonly error: unknown;

  constructor(error: unknown) {
    super('An exception is propagating out of the application (propagateExceptions is on).');
    this.error = error;
  }
}

/** Whether `response` has a callable `render` (Django's test for a TemplateResponse). */
export function hasRender(response: unknown): response is TemplateResponse {
  return typeof (response as { render?: unknown } | null)?.render === 'function';
}

/** The response for `error`, raised while `request` was being handled. */
export async function responseForException(request: HttpRequest, error: unknown, context: ExceptionContext): Promise<HttpResponseBase> {
  if (error instanceof PropagatingException) throw error;
  const { settings } = context;
  let response: HttpResponseBase;
  if (error instanceof Http404) {
    response = settings.debug ? technical404Response(request, error) : await exceptionResponse(request, 404, error, context);
  } else if (error instanceof PermissionDenied) {
    response = await exceptionResponse(request, 403, error, context);
    logResponse(request, response, 'Forbidden (Permission denied)');
  } else if (error instanceof MultiPartParserError) {
    response = await exceptionResponse(request, 400, error, context);
    logResponse(request, response, 'Bad request (Unable to parse request body)');
  } else if (error instanceof BadRequest) {
    response = settings.debug ? technical500Response(request, error, 400) : await exceptionResponse(request, 400, error, context);
    logResponse(request, response, error.message);
  } else if (error instanceof SuspiciousOperation) {
    // Django's `django.security.<Name>` logger: every suspicious operation is reported.
    writeError(request, `Suspicious operation (${error.name}): ${error.message}\n`);
    response = settings.debug ? technical500Response(request, error, 400) : await exceptionResponse(request, 400, error, context);
  } else {
    context.signals.emit('gotRequestException', { request, error }, request.META['tsgi.errors']);
    response = await handleUncaughtException(request, error, context);
    logResponse(request, response, undefined, error);
  }
  return renderIfNeeded(request, response, context);
}

/** Calls the handler for `status`; if it fails, the failure takes the 500 path. */
async function exceptionResponse(request: HttpRequest, status: 400 | 403 | 404, error: unknown, context: ExceptionContext): Promise<HttpResponseBase> {
  const handler = context.settings.handlers[status];
  try {
    return checkHandlerResult(await handler(request, error), handler, status);
  } catch (handlerError) {
    context.signals.emit('gotRequestException', { request, error: handlerError }, request.META['tsgi.errors']);
    return handleUncaughtException(request, handlerError, context);
  }
}

/** Django's `handle_uncaught_exception`: propagate, the technical page, or the 500 handler. */
async function handleUncaughtException(request: HttpRequest, error: unknown, context: ExceptionContext): Promise<HttpResponseBase> {
  const { settings } = context;
  if (settings.propagateExceptions) throw new PropagatingException(error);
  if (settings.debug) return technical500Response(request, error);
  const handler = settings.handlers[500];
  try {
    return checkHandlerResult(await handler(request), handler, 500);
  } catch (handlerError) {
    writeError(request, `The 500 handler failed; answering with the built-in 500 page:\n${inspect(handlerError)}\n`);
    return serverError(request);
  }
}

function checkHandlerResult(response: unknown, handler: Function, status: number): HttpResponseBase {
  if (response instanceof HttpResponseBase) return response;
  throw new TypeError(
    `The ${status} handler ${handler.name || '<anonymous handler>'} didn't return an HttpResponse object. It returned ${describeValue(response)} instead.`,
  );
}

/** Django forces an unrendered TemplateResponse from an error handler to render. */
async function renderIfNeeded(request: HttpRequest, response: HttpResponseBase, context: ExceptionContext): Promise<HttpResponseBase> {
  if (!hasRender(response) || response.isRendered) return response;
  try {
    return await response.render();
  } catch (error) {
    if (context.settings.propagateExceptions) throw new PropagatingException(error);
    writeError(request, `An error handler's TemplateResponse failed to render; answering with the built-in 500 page:\n${inspect(error)}\n`);
    return serverError(request);
  }
}
