/**
 * Builds the pipeline once, at start-up, as Django's
 * `BaseHandler.load_middleware`: factories are called in REVERSE list order,
 * each with the handler built so far; a factory that throws
 * `MiddlewareNotUsed` is skipped (the next one wraps the previous handler);
 * every layer, and the innermost `getResponse`, is wrapped so that an
 * exception becomes a response right there (Django's
 * `convert_exception_to_response`). Hooks are collected on the way:
 * `processView` in list order, `processTemplateResponse` and
 * `processException` in reverse.
 */
import { ImproperlyConfigured, MiddlewareNotUsed } from '../errors.js';
import { describeValue } from '../../protocol/describe-value.js';
import { HttpResponseBase, type HttpRequest } from '../http/index.js';
import { innerGetResponse, type CollectedHooks } from './get-response.js';
import { responseForException, type ExceptionContext } from './response-for-exception.js';
import { isConvertingOwnErrors, isThenable, PipelineLink, type LayerAnswer, type LayerRunner } from './next-layer.js';
import { PendingResponse } from './pending-response.js';
import type { MaybePromise, MiddlewareContext, MiddlewareHandler, MiddlewareHooks, PipelineMiddleware } from './types.js';

/** The built chain: its top layer, and what was skipped. */
export interface LoadedMiddleware {
  readonly chain: LayerRunner;
  /** Names of the factories that threw `MiddlewareNotUsed`, with their messages. */
  readonly notUsed: ReadonlyArray<{ readonly name: string; readonly message: string }>;
}

export function loadMiddleware(
  factories: readonly PipelineMiddleware[],
  context: MiddlewareContext,
  exceptionContext: ExceptionContext,
): LoadedMiddleware {
  if (!Array.isArray(factories)) {
    throw new ImproperlyConfigured(`createApplication() middleware must be an array of factories (getResponse, context) => handler; got ${describeValue(factories)}.`);
  }
  const hooks: CollectedHooks = { view: [], templateResponse: [], exception: [] };
  const notUsed: Array<{ name: string; message: string }> = [];
  const fail = (request: HttpRequest, error: unknown): Promise<HttpResponseBase> => responseForException(request, error, exceptionContext);
  let handler = convertExceptionToResponse(innerGetResponse(context.resolver, hooks), exceptionContext, undefined, false);
  for (let index = factories.length - 1; index >= 0; index -= 1) {
    const factory = factories[index];
    if (typeof factory !== 'function') {
      throw new ImproperlyConfigured(
        `createApplication() middleware[${index}] must be a factory (getResponse, context) => handler; got ${describeValue(factory)}.`,
      );
    }
    const factoryName = factory.name || `middleware[${index}]`;
    let instance: MiddlewareHandler | null | undefined;
    const below = new PipelineLink(handler, fail);
    try {
      instance = factory(below.getResponse, context);
    } catch (error) {
      if (error instanceof MiddlewareNotUsed) {
        notUsed.push({ name: factoryName, message: error.message });
        continue;
      }
      throw error;
    }
    const call = handlerCall(instance, factoryName);
    const name = layerName(instance!, factoryName);
    collectHooks(instance!, name, hooks);
    handler = convertExceptionToResponse(call, exceptionContext, name, isConvertingOwnErrors(instance), below);
  }
  return { chain: handler, notUsed };
}

/** The layer's request function, checked: a function, or an object's bound `handle`. */
function handlerCall(instance: unknown, factoryName: string): (request: HttpRequest) => LayerAnswer {
  if (instance === undefined || instance === null) {
    throw new ImproperlyConfigured(`Middleware factory ${factoryName} returned ${describeValue(instance)}.`);
  }
  if (typeof instance === 'function') return instance as (request: HttpRequest) => MaybePromise<HttpResponseBase>;
  const handle = (instance as { handle?: unknown }).handle;
  if (typeof instance === 'object' && typeof handle === 'function') return handle.bind(instance) as (request: HttpRequest) => MaybePromise<HttpResponseBase>;
  throw new ImproperlyConfigured(
    `Middleware factory ${factoryName} returned ${describeValue(instance)}; return a function (request) => response, or an object with a handle(request) method.`,
  );
}

/** The layer's name in messages: the class of an object handler, else the function's or the factory's name. */
export function layerName(instance: MiddlewareHandler, factoryName: string): string {
  if (typeof instance === 'function') return instance.name || factoryName;
  const className = (Object.getPrototypeOf(instance) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return className !== undefined && className !== '' && className !== 'Object' ? className : factoryName;
}

function collectHooks(instance: MiddlewareHandler, name: string, hooks: CollectedHooks): void {
  const source = instance as MiddlewareHooks;
  for (const hook of ['processView', 'processTemplateResponse', 'processException'] as const) {
    const value: unknown = source[hook];
    if (value !== undefined && typeof value !== 'function') {
      throw new ImproperlyConfigured(`Middleware ${name} has a ${hook} that is not a function; got ${describeValue(value)}.`);
    }
  }
  if (source.processView) hooks.view.unshift(source.processView.bind(instance));
  if (source.processTemplateResponse) hooks.templateResponse.push({ name, hook: source.processTemplateResponse.bind(instance) });
  if (source.processException) hooks.exception.push(source.processException.bind(instance));
}

/**
 * Django's `convert_exception_to_response`: the layer's exceptions become
 * responses here, so the layer above only ever sees a response. A layer that
 * answers at once is answered at once; a thrown error and a rejected Promise
 * are converted alike. A layer's Promise is checked and converted as a step
 * of a `PendingResponse`, which the layers above extend rather than each
 * following a Promise of their own.
 */
function convertExceptionToResponse(
  call: (request: HttpRequest) => LayerAnswer,
  context: ExceptionContext,
  name: string | undefined,
  convertsOwnErrors: boolean,
  below?: PipelineLink,
): LayerRunner {
  async function settle(request: HttpRequest, pending: PromiseLike<unknown>): Promise<HttpResponseBase> {
    try {
      return checkLayerResult(await pending, name);
    } catch (error) {
      return responseForException(request, error, context);
    }
  }
  const check = (_request: HttpRequest, response: unknown): HttpResponseBase => checkLayerResult(response, name);
  const convert = (request: HttpRequest, error: unknown): Promise<HttpResponseBase> => responseForException(request, error, context);

  return function convertExceptionToResponse(request: HttpRequest): LayerAnswer {
    let result: unknown;
    try {
      result = call(request);
      if (!isThenable(result)) return checkLayerResult(result, name);
    } catch (error) {
      return responseForException(request, error, context);
    }
    // A bundled layer's answer settles with a response, or rejects only when propagating.
    if (convertsOwnErrors && (result instanceof Promise || result instanceof PendingResponse)) return result;
    // Any other layer that passes its PendingResponse on has its outcome checked like a Promise's.
    if (result instanceof PendingResponse) result = result.promise();
    if (result instanceof Promise) {
      // A Promise from getResponse, passed on as it was, holds a checked response already
      // (and stands for the response itself when the layer below answered at once).
      const passed = below?.passedOn(result);
      if (passed !== undefined) return passed;
      return new PendingResponse(result, { request, after: check, fail: convert, catches: true, next: undefined });
    }
    // Any other thenable is awaited.
    return settle(request, result as PromiseLike<unknown>);
  };
}

/** A middleware layer (`name` given) must answer with a response; the innermost one checks its own. */
export function checkLayerResult(response: unknown, name: string | undefined): HttpResponseBase {
  if (name !== undefined && !(response instanceof HttpResponseBase)) throw notAResponse(response, name);
  return response as HttpResponseBase;
}

function notAResponse(response: unknown, name: string): TypeError {
  return new TypeError(`Middleware ${name} didn't return an HttpResponse object. It returned ${describeValue(response)} instead.`);
}
