/**
 * The innermost layer of the chain (Django's `BaseHandler._get_response`):
 * everything between the pipeline middleware and the view.
 *
 * 1. Resolve `request.pathInfo` (with `request.urlconf` when a middleware set
 *    it to another `UrlConf`, as Django honours `request.urlconf`); a miss
 *    throws `Resolver404` before any hook runs (so `processView` and
 *    `processException` never see URL misses).
 * 2. `processView` hooks, top layer first; the first response wins and the
 *    view is skipped. Their exceptions go to the exception mapping, not to
 *    `processException`.
 * 3. The view, `view(request, kwargs, ...args)`; its exception goes through
 *    `processException` hooks, bottom layer first (first response wins, else
 *    it is re-thrown).
 * 4. A view that returns no response is an error (a 500, not given to
 *    `processException`).
 * 5. A TemplateResponse goes through `processTemplateResponse` hooks, bottom
 *    layer first, then is rendered; render errors do reach `processException`.
 */
import { describeValue } from '../../protocol/describe-value.js';
import { HttpResponseBase, type HttpRequest, type TemplateResponse } from '../http/index.js';
import { UrlConf, type ResolverMatch } from '../urls/index.js';
import type { Kwargs, View } from '../types.js';
import { hasRender } from './response-for-exception.js';
import { isThenable, type LayerRunner } from './next-layer.js';
import type { MaybePromise } from './types.js';

type Maybe = HttpResponseBase | null | undefined | void;

/** The hooks collected from the layers, each list already in calling order. */
export interface CollectedHooks {
  /** Settings order (top layer first). */
  readonly view: Array<(request: HttpRequest, view: View, args: readonly string[], kwargs: Kwargs) => MaybePromise<Maybe>>;
  /** Reverse settings order (bottom layer first); `name` is used in errors. */
  readonly templateResponse: Array<{ name: string; hook: (request: HttpRequest, response: TemplateResponse) => MaybePromise<HttpResponseBase> }>;
  /** Reverse settings order (bottom layer first). */
  readonly exception: Array<(request: HttpRequest, error: unknown) => MaybePromise<Maybe>>;
}

/** The name a view goes by in messages: its function name, or `<anonymous view>`. */
export function viewName(view: Function): string {
  return view.name || '<anonymous view>';
}

/**
 * Builds the innermost layer over `resolver`, running `hooks`. It answers
 * synchronously while the hooks and the view do; from the first one that
 * returns a Promise on, it goes on asynchronously. Its exceptions (thrown or
 * rejected) are for the layer wrapping it to convert.
 */
export function innerGetResponse(resolver: UrlConf, hooks: CollectedHooks): LayerRunner {
  const viewHooks = hooks.view;

  async function processExceptionByMiddleware(request: HttpRequest, error: unknown): Promise<HttpResponseBase> {
    for (const hook of hooks.exception) {
      const response = await hook(request, error);
      if (response) return response;
    }
    throw error;
  }

  /** The processView hooks from `index` on, once hook `index` returned `pending`. */
  async function viewHooksLater(request: HttpRequest, match: ResolverMatch, index: number, pending: PromiseLike<Maybe>): Promise<HttpResponseBase> {
    const { view, args, kwargs } = match;
    let response = await pending;
    for (let i = index + 1; !response && i < viewHooks.length; i += 1) {
      response = await viewHooks[i]!(request, view, args, kwargs);
    }
    return response ? finish(request, view, response) : callView(request, view, args, kwargs);
  }

  function callView(request: HttpRequest, view: View, args: readonly string[], kwargs: Kwargs): MaybePromise<HttpResponseBase> {
    let response: unknown;
    try {
      response = args.length === 0 ? view(request, kwargs) : view(request, kwargs, ...args);
    } catch (error) {
      return viewFailed(request, view, error);
    }
    return isThenable(response) ? viewLater(request, view, response) : finish(request, view, response);
  }

  async function viewLater(request: HttpRequest, view: View, pending: PromiseLike<unknown>): Promise<HttpResponseBase> {
    let response: unknown;
    try {
      response = await pending;
    } catch (error) {
      response = await processExceptionByMiddleware(request, error);
    }
    return finish(request, view, response);
  }

  async function viewFailed(request: HttpRequest, view: View, error: unknown): Promise<HttpResponseBase> {
    return finish(request, view, await processExceptionByMiddleware(request, error));
  }

  /** Checks what the view (or a processView hook) answered; a TemplateResponse goes on to be rendered. */
  function finish(request: HttpRequest, view: View, response: unknown): MaybePromise<HttpResponseBase> {
    if (!(response instanceof HttpResponseBase)) throw notAResponse(response, `The view ${viewName(view)}`);
    return hasRender(response) ? renderTemplateResponse(request, response) : response;
  }

  async function renderTemplateResponse(request: HttpRequest, response: TemplateResponse): Promise<HttpResponseBase> {
    let checked: HttpResponseBase = response;
    for (const { name, hook } of hooks.templateResponse) {
      checked = checkResponse(await hook(request, checked as TemplateResponse), `${name}.processTemplateResponse`);
    }
    if (hasRender(checked)) {
      try {
        checked = await checked.render();
      } catch (error) {
        checked = await processExceptionByMiddleware(request, error);
      }
    }
    return checked;
  }

  return function getResponse(request: HttpRequest): MaybePromise<HttpResponseBase> {
    const match = activeResolver(request, resolver).resolve(request.pathInfo);
    request.resolverMatch = match;
    const { view, args, kwargs } = match;
    for (let i = 0; i < viewHooks.length; i += 1) {
      const response = viewHooks[i]!(request, view, args, kwargs);
      if (isThenable(response)) return viewHooksLater(request, match, i, response);
      if (response) return finish(request, view, response);
    }
    return callView(request, view, args, kwargs);
  };
}

/** The URLconf for `request`: the one a middleware put in `request.urlconf`, else the application's. */
export function activeResolver(request: HttpRequest, resolver: UrlConf): UrlConf {
  const urlconf = request.urlconf;
  return urlconf !== resolver && urlconf instanceof UrlConf ? urlconf : resolver;
}

/** Django's `check_response`: what a view (or hook) hands back must be a response. */
function checkResponse(response: unknown, subject: string): HttpResponseBase {
  if (response instanceof HttpResponseBase) return response;
  throw notAResponse(response, subject);
}

function notAResponse(response: unknown, subject: string): TypeError {
  return new TypeError(`${subject} didn't return an HttpResponse object. It returned ${describeValue(response)} instead.`);
}
