/**
 * `render(request, template, context?, options?)` (Django's `render`
 * shortcut): a `TemplateResponse`, rendered late by the pipeline, after the
 * `processTemplateResponse` hooks had a chance to change its template or
 * context. Unlike Django's shortcut (which renders at once and returns an
 * HttpResponse) it returns the TemplateResponse: rendering is asynchronous
 * here, and late rendering is what makes the hooks useful.
 *
 * @example
 * const page: Template = (context) => `<h1>${escape(String(context['title']))}</h1>`;
 * export const home: View = (request) => render(request, page, { title: 'Home' });
 */
import { TemplateResponse, type HttpRequest, type Template } from '../http/index.js';

/** The options `TemplateResponse` takes after `(template, context)`. */
export type RenderOptions = NonNullable<ConstructorParameters<typeof TemplateResponse>[2]>;

export function render(request: HttpRequest, template: Template, context: Record<string, unknown> = {}, options?: RenderOptions): TemplateResponse {
  return new TemplateResponse(template, context, { ...options, request } as RenderOptions);
}
