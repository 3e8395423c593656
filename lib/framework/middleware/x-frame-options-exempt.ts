/**
 * `xframeOptionsExempt(view)` (Django's `@xframe_options_exempt`): the
 * responses of this view get no `X-Frame-Options` from
 * `xFrameOptionsMiddleware`, so the page may be framed by other sites (an
 * embeddable widget). The mark is kept on the response object, not on the
 * view, so it also holds when another layer swaps the view.
 *
 * @example
 * path('widget/', xframeOptionsExempt(widget))
 */
import type { HttpResponseBase } from '../http/index.js';
import type { View } from '../types.js';
import { wrapView } from '../views/wrap-view.js';

const exempt = new WeakSet<HttpResponseBase>();

export function xframeOptionsExempt<V extends View<any>>(view: V): V {
  return wrapView(view, 'xframeOptionsExempt()', async (request, kwargs, args) => {
    const response = await view(request, kwargs, ...args);
    if (response !== null && typeof response === 'object') exempt.add(response);
    return response;
  });
}

/** Whether `response` came from a view wrapped in `xframeOptionsExempt`. */
export function isXFrameOptionsExempt(response: HttpResponseBase): boolean {
  return exempt.has(response);
}
