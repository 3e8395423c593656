/**
 * `TemplateResponse`: a response rendered late (Django's
 * `SimpleTemplateResponse` / `TemplateResponse`). A view returns the
 * template and its context; the pipeline runs every
 * `processTemplateResponse` hook, which may change `template` or
 * `contextData`, and only then awaits `render()`. tsgi brings no template
 * engine: a template is any function `(context, request) => string`
 * (or a Promise of one).
 *
 * @example
 * const detail: Template = (context) => `<h1>${escape(context.title)}</h1>`;
 * return new TemplateResponse(detail, { title: article.title }, { request });
 */
import { ContentNotRenderedError } from '../errors.js';
import { describeValue } from '../../protocol/describe-value.js';
import type { HttpRequest } from './http-request.js';
import { HttpResponse, type HttpResponseOptions, type ResponseContent } from './http-response.js';

export type TemplateContext = Record<string, unknown>;

/** A template: renders a context (and the request, when the response has one) to text. */
export type Template = (context: TemplateContext, request: HttpRequest | null) => string | Promise<string>;

/** Runs after rendering; may return a response that replaces this one. */
export type PostRenderCallback = (response: TemplateResponse) => HttpResponse | void | Promise<HttpResponse | void>;

export interface TemplateResponseOptions extends HttpResponseOptions {
  /** The request, passed to the template. */
  request?: HttpRequest | null;
}

export class TemplateResponse extends HttpResponse {
  /** The template `render()` uses; may be replaced until then. */
  template: Template;
  /** The context `render()` passes; may be changed until then. */
  contextData: TemplateContext;
  /** The request the template gets (Django's `TemplateResponse._request`). */
  request: HttpRequest | null;
  #rendered = false;
  #callbacks: PostRenderCallback[] = [];

  constructor(template: Template, context: TemplateContext = {}, options: TemplateResponseOptions = {}) {
    const { request = null, ...responseOptions } = options;
    super(undefined, responseOptions);
    if (typeof template !== 'function') {
      throw new TypeError(`TemplateResponse template must be a function (context, request) => string; got ${describeValue(template)}.`);
    }
    this.template = template;
    this.contextData = context;
    this.request = request;
  }

  /** True once rendered (or once content was set directly). */
  get isRendered(): boolean {
    return this.#rendered;
  }

  override get content(): Uint8Array {
    if (!this.#rendered) {
      throw new ContentNotRenderedError(
        `The response content must be rendered before it can be accessed. Await response.render() first (${String(this)}).`,
      );
    }
    return super.content;
  }

  override set content(value: ResponseContent) {
    super.content = value;
    this.#rendered = true;
  }

  /** Calls the template with the current context and request; does not store the result. */
  async renderContent(): Promise<string> {
    const text: unknown = await this.template(this.contextData, this.request);
    if (typeof text !== 'string') {
      throw new TypeError(`TemplateResponse template ${describeValue(this.template)} returned ${describeValue(text)}; a template must return a string.`);
    }
    return text;
  }

  /**
   * Renders once (later calls do nothing), then runs the post-render
   * callbacks in order. Resolves to this response, or to the response the
   * last callback returned instead.
   */
  async render(): Promise<HttpResponse> {
    let result: HttpResponse = this;
    if (this.#rendered) return result;
    this.content = await this.renderContent();
    for (const callback of this.#callbacks) {
      const replacement = await callback(this);
      if (replacement !== undefined) result = replacement;
    }
    return result;
  }

  /** Runs `callback` after rendering; at once when already rendered. */
  addPostRenderCallback(callback: PostRenderCallback): void {
    if (this.#rendered) void callback(this);
    else this.#callbacks.push(callback);
  }
}

/** Django's name for a TemplateResponse without a request. */
export { TemplateResponse as SimpleTemplateResponse };
