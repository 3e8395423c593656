/**
 * `createApplication()` turns a URLconf and a list of pipeline middleware
 * into one tsgi Application (Django's `WSGIHandler` + `BaseHandler`).
 *
 * Everything is checked and built once, here: the options, the resolver,
 * the middleware chain. Per request the application
 *
 * 1. sends `requestStarted`, builds the `HttpRequest` and points
 *    `request.urlconf` at the resolver (for `request.reverse()`);
 * 2. runs the chain, which always answers (exceptions become responses);
 * 3. logs a response >= 400 (`Not Found: /x`) to `tsgi.errors`;
 * 4. hands the response to the gateway. When the server closes the body,
 *    the response closes, which closes the request and sends
 *    `requestFinished`.
 *
 * @example
 * const app = createApplication({
 *   urlpatterns: [path('articles/<int:year>/', yearArchive, { name: 'year-archive' })],
 *   middleware: [securityMiddleware(), commonMiddleware()],
 * });
 * serve(app, { port: 8000 });
 */
import type { Application, Body, Environ, StartResponse } from '../../protocol/types.js';
import { HttpRequest, HttpResponseBase, sendResponse } from '../http/index.js';
import { NOTHING_TO_CLOSE } from '../http/http-request.js';
import { createResolver, type UrlConf } from '../urls/index.js';
import { loadMiddleware } from './load-middleware.js';
import { PendingResponse, type ResponseReader } from './pending-response.js';
import { logResponse, writeError } from './log-response.js';
import { PropagatingException } from './response-for-exception.js';
import { resolveSettings, type ApplicationOptions, type Settings } from './settings.js';
import { Signals } from './signals.js';
import type { MiddlewareContext } from './types.js';

/** A tsgi Application that also exposes what it was built from. */
export interface FrameworkApplication extends Application {
  /** The root URLconf (`app.resolver.reverse('name')`, `app.resolver.check()`). */
  readonly resolver: UrlConf;
  /** `requestStarted`, `requestFinished`, `gotRequestException`. */
  readonly signals: Signals;
  /** The resolved, frozen options. */
  readonly settings: Settings;
}

export function createApplication(options: ApplicationOptions): FrameworkApplication {
  const settings = resolveSettings(options);
  const resolver = createResolver(options.urlpatterns);
  const signals = new Signals();
  const context: MiddlewareContext = Object.freeze({ settings, resolver });
  const middleware = options.middleware ?? [];
  const { chain, notUsed } = loadMiddleware(middleware, context, { settings, signals });
  if (settings.debug) {
    // Django logs these to django.request in DEBUG; there is no request yet, so stderr.
    for (const skipped of notUsed) process.stderr.write(`MiddlewareNotUsed('${skipped.name}'): ${skipped.message}\n`);
  }

  /** Steps 3 and 4, once the chain answered. */
  const respond = (request: HttpRequest, response: HttpResponseBase, environ: Environ, startResponse: StartResponse): Body => {
    if (response.status >= 400) logResponse(request, response);
    response.addCloser(() => {
      closeRequest(request);
      if (signals.listenerCount('requestFinished') > 0) signals.emit('requestFinished', { environ, request }, environ['tsgi.errors']);
    });
    try {
      return sendResponse(response, environ, startResponse);
    } catch (error) {
      void response.close();
      throw error;
    }
  };

  const respondLater = (request: HttpRequest, pending: Promise<HttpResponseBase> | PendingResponse, environ: Environ, startResponse: StartResponse): Promise<Body> => {
    const reader = new LateResponse(request, environ, startResponse, respond);
    // The application is the last to read a PendingResponse: it responds in the reaction that runs the steps.
    if (pending instanceof PendingResponse) return pending.finish(reader);
    return pending.then((response) => reader.respond(response), (error: unknown) => reader.fail(error));
  };

  // A chain that answered at once is sent at once: no Promise for the gateway to wait on.
  const application = function frameworkApplication(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    if (signals.listenerCount('requestStarted') > 0) signals.emit('requestStarted', { environ }, environ['tsgi.errors']);
    const request = new HttpRequest(environ, settings.request);
    request.urlconf = resolver;
    const response = chain(request);
    return response instanceof HttpResponseBase ? respond(request, response, environ, startResponse) : respondLater(request, response, environ, startResponse);
  };

  const described = `<FrameworkApplication ${middleware.length - notUsed.length} middleware${settings.debug ? ' debug' : ''}>`;
  return Object.defineProperties(application, {
    resolver: { value: resolver, enumerable: true },
    signals: { value: signals, enumerable: true },
    settings: { value: settings, enumerable: true },
    toString: { value: () => described },
  }) as FrameworkApplication;
}

type Respond = (request: HttpRequest, response: HttpResponseBase, environ: Environ, startResponse: StartResponse) => Body;

/** Steps 3 and 4 for a chain that answered later: what the application does with its outcome. */
class LateResponse implements ResponseReader<Body> {
  readonly #request: HttpRequest;
  readonly #environ: Environ;
  readonly #startResponse: StartResponse;
  readonly #respond: Respond;

  constructor(request: HttpRequest, environ: Environ, startResponse: StartResponse, respond: Respond) {
    this.#request = request;
    this.#environ = environ;
    this.#startResponse = startResponse;
    this.#respond = respond;
  }

  respond(response: HttpResponseBase): Body {
    return this.#respond(this.#request, response, this.#environ, this.#startResponse);
  }

  /** Only `propagateExceptions` gets here; requestFinished is not sent (as Django). */
  fail(error: unknown): never {
    closeRequest(this.#request);
    throw error instanceof PropagatingException ? error.error : error;
  }
}

/** Closes the request (temporary upload files); a failure is logged, never thrown. */
function closeRequest(request: HttpRequest): void {
  try {
    const closing: unknown = request.close();
    if (closing !== NOTHING_TO_CLOSE && closing instanceof Promise) closing.catch((error: unknown) => writeError(request, `Closing the request failed: ${String(error)}\n`));
  } catch (error) {
    writeError(request, `Closing the request failed: ${String(error)}\n`);
  }
}
