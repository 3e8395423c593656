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
import type { GetResponse, MaybePromise, MiddlewareContext, MiddlewareHandler, MiddlewareHooks, PipelineMiddleware } from './types.js';

/** The built chain: its top layer, and what was skipped. */
export interface LoadedMiddleware {
  readonly chain: GetResponse;
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
  let handler = convertExceptionToResponse(innerGetResponse(context.resolver, hooks), exceptionContext, undefined);
  for (let index = factories.length - 1; index >= 0; index -= 1) {
    const factory = factories[index];
    if (typeof factory !== 'function') {
      throw new ImproperlyConfigured(
        `createApplication() middleware[${index}] must be a factory (getResponse, context) => handler; got ${describeValue(factory)}.`,
      );
    }
    const factoryName = factory.name || `middleware[${index}]`;
    let instance: MiddlewareHandler | null | undefined;
    try {
      instance = factory(handler, context);
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
    handler = convertExceptionToResponse(call, exceptionContext, name);
  }
  return { chain: handler, notUsed };
}

/** The layer's request function, checked: a function, or an object's bound `handle`. */
function handlerCall(instance: unknown, factoryName: string): (request: HttpRequest) => MaybePromise<HttpResponseBase> {
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
function layerName(instance: MiddlewareHandler, factoryName: string): string {
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
 * responses here, so the layer above only ever sees a response.
 */
function convertExceptionToResponse(
  call: (request: HttpRequest) => MaybePromise<HttpResponseBase>,
  context: ExceptionContext,
  name: string | undefined,
): GetResponse {
  return async function convertExceptionToResponse(request: HttpRequest): Promise<HttpResponseBase> {
    try {
      const response = await call(request);
      if (name !== undefined && !(response instanceof HttpResponseBase)) {
        throw new TypeError(`Middleware ${name} didn't return an HttpResponse object. It returned ${describeValue(response)} instead.`);
      }
      return response;
    } catch (error) {
      return responseForException(request, error, context);
    }
  };
}
