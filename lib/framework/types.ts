/**
 * The shapes the framework's parts agree on: views, their arguments, and the
 * pipeline's layers. Each part (urls, http, pipeline) owns its own module;
 * this file only names what crosses between them.
 */
import type { HttpRequest } from './http/http-request.js';
import type { HttpResponseBase } from './http/http-response-base.js';

/** Values captured from the URL (after converters) merged with the pattern's extra kwargs. */
export type Kwargs = Record<string, unknown>;

/** What a view returns: a response, now or later. */
export type ViewResult = HttpResponseBase | Promise<HttpResponseBase>;

/**
 * A view: `(request, kwargs, ...args)`. `kwargs` holds named captures and
 * extra kwargs (always an object, `{}` when there are none); `args` holds the
 * positional groups of a `rePath()` without named groups, as Django's
 * `view(request, *args, **kwargs)`.
 */
export type View<K extends Kwargs = Kwargs> = (request: HttpRequest, kwargs: K, ...args: string[]) => ViewResult;
