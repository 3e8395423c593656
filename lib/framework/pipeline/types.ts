/**
 * The shapes of the pipeline: what a pipeline middleware factory receives and
 * returns, and the hooks the pipeline collects from it (Django's
 * `process_view`, `process_exception`, `process_template_response`).
 *
 * A factory is called once, when `createApplication()` builds the chain, with
 * the next layer's `getResponse`. It returns the layer's handler: a function
 * of the request, or an object with a `handle(request)` method (so a class
 * instance works). Hooks are optional properties of either.
 */
import type { HttpRequest, HttpResponseBase, TemplateResponse } from '../http/index.js';
import type { UrlConf } from '../urls/index.js';
import type { Kwargs, View } from '../types.js';
import type { Settings } from './settings.js';

/** A response now or later. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The next layer of the chain. It never throws: every layer is wrapped so an
 * exception below becomes a 4xx/5xx response before it reaches you (Django's
 * "thin film between each layer of the onion").
 */
export type GetResponse = (request: HttpRequest) => Promise<HttpResponseBase>;

/** What a factory is told about the application it is built into. */
export interface MiddlewareContext {
  /** The application's resolved, frozen settings. */
  readonly settings: Settings;
  /** The application's URLconf (for `isValidPath`, `reverse`). */
  readonly resolver: UrlConf;
}

/** The optional hooks of a layer; each may be async. */
export interface MiddlewareHooks {
  /**
   * Called after the URL resolved and before the view runs, top layer first.
   * Return a response to skip the view (and the remaining `processView`
   * hooks); return nothing to go on. Its exceptions are NOT given to
   * `processException`.
   */
  processView?(request: HttpRequest, view: View, args: readonly string[], kwargs: Kwargs): MaybePromise<HttpResponseBase | null | undefined | void>;
  /**
   * Called, bottom layer first, when the view (or a TemplateResponse's
   * `render()`) throws. The first response returned wins; when none does, the
   * error goes on to the exception mapping (404/403/400/500).
   */
  processException?(request: HttpRequest, error: unknown): MaybePromise<HttpResponseBase | null | undefined | void>;
  /**
   * Called, bottom layer first, with an unrendered TemplateResponse the view
   * returned; must return a response (usually the same one, changed).
   */
  processTemplateResponse?(request: HttpRequest, response: TemplateResponse): MaybePromise<HttpResponseBase>;
}

/** A layer as a function of the request, with optional hooks as properties. */
export type MiddlewareFunction = ((request: HttpRequest) => MaybePromise<HttpResponseBase>) & MiddlewareHooks;

/** A layer as an object (a class instance): `handle(request)` plus optional hook methods. */
export interface MiddlewareObject extends MiddlewareHooks {
  handle(request: HttpRequest): MaybePromise<HttpResponseBase>;
}

/** What a factory returns. */
export type MiddlewareHandler = MiddlewareFunction | MiddlewareObject;

/**
 * A pipeline middleware: called once at start-up with the next layer; may
 * throw `MiddlewareNotUsed` to take itself out of the chain.
 *
 * @example
 * const timing: PipelineMiddleware = (getResponse) => async function timing(request) {
 *   const started = performance.now();
 *   const response = await getResponse(request);
 *   response.headers.set('Server-Timing', `app;dur=${performance.now() - started}`);
 *   return response;
 * };
 */
export type PipelineMiddleware = (getResponse: GetResponse, context: MiddlewareContext) => MiddlewareHandler;
