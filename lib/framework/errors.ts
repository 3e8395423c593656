/**
 * The framework's named errors, in one place (STYLE.md "Errors"). The
 * pipeline maps each family to a response, as Django's
 * `response_for_exception` does:
 *
 * - `Http404` (and `Resolver404`) -> the 404 handler
 * - `PermissionDenied` -> the 403 handler
 * - `BadRequest`, `SuspiciousOperation` and its subclasses -> the 400 handler
 * - anything else -> the 500 handler
 *
 * `ImproperlyConfigured` comes from the protocol layer and is re-exported here
 * so framework users import every error from one module.
 */
import { TsgiError } from '../protocol/errors.js';
import type { UrlEntry } from './urls/types.js';

export { ImproperlyConfigured, TsgiError } from '../protocol/errors.js';

/** "Not found": raise it in a view to answer with the 404 handler. */
export class Http404 extends TsgiError {
  override name = 'Http404';
}

/**
 * No pattern of the URLconf matched `path`. `tried` lists, in order, the
 * chain of patterns (outermost include first) each attempt went through, as
 * Django's technical 404 page shows them.
 */
export class Resolver404 extends Http404 {
  override name = 'Resolver404';
  readonly path: string;
  readonly tried: ReadonlyArray<ReadonlyArray<UrlEntry>>;

  constructor(message: string, details: { path: string; tried?: ReadonlyArray<ReadonlyArray<UrlEntry>> }) {
    super(message);
    this.path = details.path;
    this.tried = details.tried ?? [];
  }
}

/** `reverse()` found no pattern for the name and arguments it was given. */
export class NoReverseMatch extends TsgiError {
  override name = 'NoReverseMatch';
}

/** The user may not do this: answered by the 403 handler. */
export class PermissionDenied extends TsgiError {
  override name = 'PermissionDenied';
}

/** The request is malformed: answered by the 400 handler. */
export class BadRequest extends TsgiError {
  override name = 'BadRequest';
}

/**
 * The request looks like an attack or a misconfiguration (Django's
 * SuspiciousOperation): answered by the 400 handler and never shown in detail
 * to the client.
 */
export class SuspiciousOperation extends TsgiError {
  override name = 'SuspiciousOperation';
}

/** The Host header is not in `allowedHosts`. */
export class DisallowedHost extends SuspiciousOperation {
  override name = 'DisallowedHost';
}

/** A redirect to a URL whose scheme is not allowed (`javascript:`, `data:` …). */
export class DisallowedRedirect extends SuspiciousOperation {
  override name = 'DisallowedRedirect';
}

/** The request body is larger than `dataUploadMaxMemorySize` allows. */
export class RequestDataTooBig extends SuspiciousOperation {
  override name = 'RequestDataTooBig';
}

/** More form fields than `dataUploadMaxNumberFields` allows. */
export class TooManyFieldsSent extends SuspiciousOperation {
  override name = 'TooManyFieldsSent';
}

/** More uploaded files than `dataUploadMaxNumberFiles` allows. */
export class TooManyFilesSent extends SuspiciousOperation {
  override name = 'TooManyFilesSent';
}

/** A multipart body could not be parsed: answered by the 400 handler. */
export class MultiPartParserError extends TsgiError {
  override name = 'MultiPartParserError';
}

/** The content of a TemplateResponse was read before `render()` (Django's ContentNotRenderedError). */
export class ContentNotRenderedError extends TsgiError {
  override name = 'ContentNotRenderedError';
}

/**
 * Thrown by a pipeline middleware factory to take itself out of the chain
 * (Django's `MiddlewareNotUsed`); the next layer wraps the previous handler.
 */
export class MiddlewareNotUsed extends TsgiError {
  override name = 'MiddlewareNotUsed';
}
