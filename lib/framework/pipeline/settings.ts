/**
 * The options of `createApplication()` and the settings they resolve to.
 * There are no global settings in tsgi: each application checks its options
 * once, at creation, and freezes the result, which it hands to every
 * middleware factory (`context.settings`) and every request.
 */
import { ImproperlyConfigured } from '../errors.js';
import { describeValue } from '../../protocol/describe-value.js';
import { checkHttpRequestOptions, type HttpRequest, type HttpRequestOptions, type HttpResponseBase } from '../http/index.js';
import type { createResolver } from '../urls/index.js';
import { badRequest, pageNotFound, permissionDenied, serverError } from './default-handlers.js';
import type { MaybePromise, PipelineMiddleware } from './types.js';

/** A 400/403/404 handler: `(request, exception)`, as Django's `handler404`. */
export type ErrorHandler = (request: HttpRequest, exception: unknown) => MaybePromise<HttpResponseBase>;

/** The 500 handler takes no exception, as Django's `handler500`. */
export type ServerErrorHandler = (request: HttpRequest) => MaybePromise<HttpResponseBase>;

/** Replacements for the default error views (Django's `handler400` … `handler500`). */
export interface ErrorHandlers {
  400?: ErrorHandler;
  403?: ErrorHandler;
  404?: ErrorHandler;
  500?: ServerErrorHandler;
}

/** The limits and proxy settings every `HttpRequest` of the application gets. */
export type RequestSettings = Omit<HttpRequestOptions, 'allowedHosts' | 'debug'>;

export interface ApplicationOptions {
  /** The root URLconf, as `createResolver()` takes it. */
  urlpatterns: Parameters<typeof createResolver>[0];
  /** Pipeline middleware factories, outermost first (Django's `MIDDLEWARE`). @default [] */
  middleware?: readonly PipelineMiddleware[];
  /**
   * Technical 404/500 pages with the stack, the request and the (masked)
   * environ. Never turn it on in production. @default false
   */
  debug?: boolean;
  /**
   * Host names `request.getHost()` accepts (`.example.com` matches the
   * domain and its subdomains, `*` anything). Empty with `debug` means
   * `['.localhost', '127.0.0.1', '[::1]']`. @default []
   */
  allowedHosts?: readonly string[];
  /** Read by `commonMiddleware`: redirect `/x` to `/x/` when only the latter resolves. @default true */
  appendSlash?: boolean;
  /** Read by `commonMiddleware`: redirect `example.com` to `www.example.com`. @default false */
  prependWww?: boolean;
  /** Custom error views; the defaults answer as Django's `django.views.defaults`. */
  handlers?: ErrorHandlers;
  /**
   * Re-throw unhandled exceptions instead of answering 500 (the gateway
   * then logs them and answers its own 500). For tests. @default false
   */
  propagateExceptions?: boolean;
  /** Request body limits and proxy settings, passed to every `HttpRequest`. @default Django's */
  request?: RequestSettings;
}

/** The resolved, frozen settings of one application. */
export interface Settings {
  readonly debug: boolean;
  readonly allowedHosts: readonly string[];
  readonly appendSlash: boolean;
  readonly prependWww: boolean;
  readonly propagateExceptions: boolean;
  readonly handlers: Readonly<{ 400: ErrorHandler; 403: ErrorHandler; 404: ErrorHandler; 500: ServerErrorHandler }>;
  /** Exactly what each `new HttpRequest(environ, …)` receives. */
  readonly request: Readonly<HttpRequestOptions>;
}

const OPTION_NAMES = [
  'urlpatterns', 'middleware', 'debug', 'allowedHosts', 'appendSlash', 'prependWww', 'handlers', 'propagateExceptions', 'request',
];
const HANDLER_CODES = ['400', '403', '404', '500'];

/** Checks `createApplication()`'s options and resolves the defaults. */
export function resolveSettings(options: ApplicationOptions): Settings {
  if (options === null || typeof options !== 'object') {
    throw new ImproperlyConfigured(`createApplication() expects an options object with urlpatterns; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new ImproperlyConfigured(`createApplication() got an unknown option '${name}'. Known options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const debug = checkBoolean(options, 'debug', false);
  const allowedHosts = options.allowedHosts ?? [];
  if (!Array.isArray(allowedHosts) || !allowedHosts.every((host) => typeof host === 'string')) {
    throw new ImproperlyConfigured(
      `createApplication() allowedHosts must be an array of host names (e.g. ['example.com', '.example.org']); got ${describeValue(allowedHosts)}.`,
    );
  }
  const request = options.request ?? {};
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new ImproperlyConfigured(`createApplication() request must be an object of HttpRequest options; got ${describeValue(request)}.`);
  }
  for (const name of ['allowedHosts', 'debug']) {
    if (name in request) {
      throw new ImproperlyConfigured(`createApplication() request.${name} is not accepted: set createApplication({ ${name} }) instead.`);
    }
  }
  checkHttpRequestOptions(request, 'createApplication() request');
  return Object.freeze({
    debug,
    allowedHosts: Object.freeze([...allowedHosts]),
    appendSlash: checkBoolean(options, 'appendSlash', true),
    prependWww: checkBoolean(options, 'prependWww', false),
    propagateExceptions: checkBoolean(options, 'propagateExceptions', false),
    handlers: resolveHandlers(options.handlers),
    request: Object.freeze({ ...request, allowedHosts: Object.freeze([...allowedHosts]), debug }),
  });
}

function checkBoolean(options: ApplicationOptions, name: 'debug' | 'appendSlash' | 'prependWww' | 'propagateExceptions', fallback: boolean): boolean {
  const value = options[name] ?? fallback;
  if (typeof value !== 'boolean') {
    throw new ImproperlyConfigured(`createApplication() ${name} must be true or false; got ${describeValue(value)}.`);
  }
  return value;
}

function resolveHandlers(handlers: ErrorHandlers | undefined): Settings['handlers'] {
  const given: ErrorHandlers = handlers ?? {};
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new ImproperlyConfigured(`createApplication() handlers must be an object keyed by status (400, 403, 404, 500); got ${describeValue(given)}.`);
  }
  for (const [code, handler] of Object.entries(given)) {
    if (!HANDLER_CODES.includes(code)) {
      throw new ImproperlyConfigured(`createApplication() handlers has no status ${code}: only 400, 403, 404 and 500 have handlers.`);
    }
    if (typeof handler !== 'function') {
      throw new ImproperlyConfigured(
        `createApplication() handlers[${code}] must be a view function ${code === '500' ? '(request)' : '(request, exception)'}; got ${describeValue(handler)}.`,
      );
    }
  }
  return Object.freeze({
    400: given[400] ?? badRequest,
    403: given[403] ?? permissionDenied,
    404: given[404] ?? pageNotFound,
    500: given[500] ?? serverError,
  });
}
