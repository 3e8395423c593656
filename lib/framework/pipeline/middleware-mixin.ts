/**
 * `middlewareMixin(hooks)`: a pipeline middleware from `processRequest` and
 * `processResponse` hooks, as Django's `MiddlewareMixin` builds one from
 * `process_request` and `process_response`:
 *
 * 1. `processRequest(request)` runs first; a response it returns is the
 *    answer, and the layers below are skipped.
 * 2. Otherwise the rest of the chain answers.
 * 3. `processResponse(request, response)` gets that answer (also one from
 *    `processRequest`, as in Django) and returns the response to send.
 *
 * Hooks may be `async`. Written this way, a middleware that changes every
 * response stays synchronous while its hooks and the layers below are: an
 * `async` handler that awaits `getResponse` always costs a Promise and a
 * microtask per request. `processView`, `processException` and
 * `processTemplateResponse` in the same object are collected as usual, and
 * a class instance works (hooks are called as its methods).
 *
 * @example
 * const poweredBy = middlewareMixin({
 *   processResponse(request, response) {
 *     response.headers.set('X-Powered-By', 'tsgi');
 *     return response;
 *   },
 * });
 * createApplication({ urlpatterns, middleware: [securityMiddleware(), poweredBy] });
 */
import { describeValue } from '../../protocol/describe-value.js';
import { ImproperlyConfigured } from '../errors.js';
import type { HttpRequest, HttpResponseBase } from '../http/index.js';
import { checkLayerResult, layerName } from './load-middleware.js';
import { afterNext, convertsOwnErrors, isThenable, nextLayer, type LayerAnswer } from './next-layer.js';
import type { MaybePromise, MiddlewareHandler, MiddlewareHooks, PipelineMiddleware } from './types.js';

/** The hooks of a mixin middleware; each optional, each may be async. */
export interface MixinHooks extends MiddlewareHooks {
  /** Before the rest of the chain; a response returned here answers instead of it. */
  processRequest?(request: HttpRequest): MaybePromise<HttpResponseBase | null | undefined | void>;
  /** After the rest of the chain: returns the response to send (usually the same one, changed). */
  processResponse?(request: HttpRequest, response: HttpResponseBase): MaybePromise<HttpResponseBase>;
}

const HOOK_NAMES = ['processRequest', 'processResponse', 'processView', 'processException', 'processTemplateResponse'] as const;

export function middlewareMixin(hooks: MixinHooks): PipelineMiddleware {
  if (hooks === null || typeof hooks !== 'object') {
    throw new ImproperlyConfigured(
      `middlewareMixin() expects an object with processRequest/processResponse hooks; got ${describeValue(hooks)}. ` +
        'Pass e.g. { processResponse(request, response) { return response; } }.',
    );
  }
  for (const name of HOOK_NAMES) {
    const hook: unknown = hooks[name];
    if (hook !== undefined && typeof hook !== 'function') {
      throw new ImproperlyConfigured(`middlewareMixin() hook ${name} must be a function; got ${describeValue(hook)}.`);
    }
  }
  const name = layerName(hooks as MiddlewareHandler, 'middlewareMixin');
  const processRequest = hooks.processRequest?.bind(hooks);
  const processResponse = hooks.processResponse?.bind(hooks);

  return function middlewareMixinFactory(getResponse) {
    const next = nextLayer(getResponse);

    /** `processResponse`'s answer, checked; a late one never rejects (its error becomes a response here). */
    const processed = (request: HttpRequest, response: HttpResponseBase): MaybePromise<HttpResponseBase> => {
      const answer = processResponse!(request, response);
      if (!isThenable(answer)) return checkLayerResult(answer, name);
      return Promise.resolve(answer).then((value) => checkLayerResult(value, name)).catch((error: unknown) => next.fail(request, error));
    };

    /** The rest of the request once `processRequest` answered later. */
    const whenRequestProcessed = async (request: HttpRequest, early: PromiseLike<HttpResponseBase | null | undefined | void>): Promise<HttpResponseBase> => {
      try {
        const response = (await early) || (await next.run(request));
        return processResponse === undefined ? response : await processed(request, response);
      } catch (error) {
        return next.fail(request, error);
      }
    };

    const handler = {
      // A computed name, so messages about this layer name the hooks' class (or 'middlewareMixin').
      [name](request: HttpRequest): LayerAnswer {
        const early = processRequest?.(request);
        if (isThenable(early)) return whenRequestProcessed(request, early);
        const answer = early || next.run(request);
        return processResponse === undefined ? answer : afterNext(next, request, answer, processed);
      },
    }[name]!;
    const layer = convertsOwnErrors(handler, next);
    if (hooks.processView !== undefined) layer.processView = hooks.processView.bind(hooks);
    if (hooks.processException !== undefined) layer.processException = hooks.processException.bind(hooks);
    if (hooks.processTemplateResponse !== undefined) layer.processTemplateResponse = hooks.processTemplateResponse.bind(hooks);
    return layer;
  };
}
