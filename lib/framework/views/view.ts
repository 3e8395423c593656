/**
 * The class-based view (Django's `django.views.generic.View`): one method per
 * HTTP method, named in lower case (`get`, `post`, …), each called as a
 * function view is, `(request, kwargs, ...args)`.
 *
 * `View.asView(initOptions)` returns the view function to put in the
 * URLconf. Each request gets a fresh instance: `initOptions` are assigned to
 * it, `setup()` stores `request`, `kwargs`, `args`, and `dispatch()` calls
 * the method's handler. HEAD falls back to `get`; OPTIONS answers 200 with
 * `Allow`; any other method without a handler answers 405 with `Allow`.
 *
 * @example
 * class ArticleView extends View {
 *   template = 'article';
 *   get(request: HttpRequest, kwargs: Kwargs) {
 *     return new HttpResponse(`${this.template} ${String(kwargs['id'])}`);
 *   }
 * }
 * path('articles/<int:id>/', ArticleView.asView({ template: 'short' }))
 */
import { HttpResponse, HttpResponseNotAllowed, type HttpRequest, type HttpResponseBase } from '../http/index.js';
import { logResponse } from '../pipeline/log-response.js';
import type { Kwargs, View as ViewFunction, ViewResult } from '../types.js';
import { describeValue } from '../../protocol/describe-value.js';

/** The methods a View may handle, in the order `Allow` lists them. */
export const HTTP_METHOD_NAMES = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'] as const;

/** A handler method: same arguments as a function view. */
type Handler = (request: HttpRequest, kwargs: Kwargs, ...args: string[]) => ViewResult | HttpResponseBase | Promise<HttpResponseBase>;

/** The function `asView()` returns, with the class and options it was built from. */
export type ClassView<C extends typeof View = typeof View> = ViewFunction & {
  readonly viewClass: C;
  readonly viewInitOptions: Readonly<Record<string, unknown>>;
};

export class View {
  /** The methods this view may answer; narrow it in a subclass to refuse some. */
  httpMethodNames: readonly string[] = HTTP_METHOD_NAMES;
  /** Set by `setup()` for the current request. */
  request!: HttpRequest;
  kwargs: Kwargs = {};
  args: string[] = [];

  /**
   * The view function for the URLconf. `initOptions` must name attributes
   * the class already has (so typos fail here, not per request), and never a
   * method name (Django's `as_view` TypeErrors). To see its attributes the
   * class is instantiated once, here, without arguments: keep constructors
   * free of side effects.
   */
  static asView<C extends typeof View>(this: C, initOptions: Readonly<Record<string, unknown>> = {}): ClassView<C> {
    const viewClass = this;
    if (initOptions === null || typeof initOptions !== 'object') {
      throw new TypeError(`${viewClass.name}.asView() expects an object of attributes; got ${describeValue(initOptions)}.`);
    }
    const probe = new viewClass();
    for (const key of Object.keys(initOptions)) {
      if ((probe.httpMethodNames as readonly string[]).includes(key)) {
        throw new TypeError(`The method name ${key} is not accepted as an option to ${viewClass.name}.asView().`);
      }
      if (!(key in probe)) {
        throw new TypeError(
          `${viewClass.name}.asView() received an invalid option '${key}'. asView() only accepts options that are already attributes of the class.`,
        );
      }
    }
    const options = Object.freeze({ ...initOptions });
    const view = function (request: HttpRequest, kwargs: Kwargs, ...args: string[]): ViewResult {
      const self = new viewClass();
      Object.assign(self, options);
      self.setup(request, kwargs, args);
      return self.dispatch(request, kwargs, ...args) as ViewResult;
    };
    Object.defineProperties(view, {
      name: { value: `${viewClass.name}.asView()` },
      viewClass: { value: viewClass, enumerable: true },
      viewInitOptions: { value: options, enumerable: true },
    });
    return view as unknown as ClassView<C>;
  }

  /** Stores the request's data on the instance; override to add more (call `super.setup`). */
  setup(request: HttpRequest, kwargs: Kwargs, args: string[]): void {
    this.request = request;
    this.kwargs = kwargs;
    this.args = args;
  }

  /** Calls the handler of `request.method`, or `httpMethodNotAllowed`. */
  dispatch(request: HttpRequest, kwargs: Kwargs, ...args: string[]): ViewResult | HttpResponseBase | Promise<HttpResponseBase> {
    const handler = this.#handler(request.method.toLowerCase());
    if (handler === undefined) return this.httpMethodNotAllowed(request, kwargs, ...args);
    return handler.call(this, request, kwargs, ...args);
  }

  /** 405 with `Allow`, logged as `Method Not Allowed (PATCH): /x`. */
  httpMethodNotAllowed(request: HttpRequest, _kwargs: Kwargs, ..._args: string[]): HttpResponseBase {
    const response = new HttpResponseNotAllowed(this.allowedMethods());
    logResponse(request, response, `Method Not Allowed (${request.method})`);
    return response;
  }

  /** OPTIONS: 200, empty, with `Allow`. */
  options(_request: HttpRequest, _kwargs: Kwargs, ..._args: string[]): HttpResponseBase {
    const response = new HttpResponse();
    response.headers.set('Allow', this.allowedMethods().join(', '));
    response.headers.set('Content-Length', '0');
    return response;
  }

  /** The upper-case methods this instance has handlers for (HEAD included when `get` exists). */
  allowedMethods(): string[] {
    return this.httpMethodNames.filter((name) => this.#handler(name) !== undefined).map((name) => name.toUpperCase());
  }

  /** The handler for a lower-case method; `head` falls back to `get` (Django's `setup`). */
  #handler(method: string): Handler | undefined {
    if (!this.httpMethodNames.includes(method)) return undefined;
    const own = (this as unknown as Record<string, unknown>)[method];
    if (typeof own === 'function') return own as Handler;
    if (method === 'head') {
      const get = (this as unknown as Record<string, unknown>)['get'];
      if (typeof get === 'function' && this.httpMethodNames.includes('get')) return get as Handler;
    }
    return undefined;
  }

  toString(): string {
    return `<${this.constructor.name} ${this.allowedMethods().join(',')}>`;
  }
}
