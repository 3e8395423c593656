/**
 * `noAppendSlash(view)` (Django's `@no_append_slash`): tells
 * `commonMiddleware` never to redirect `/x` to `/x/` for this view, e.g. an
 * API endpoint where a 301 would drop a POST body, or a view whose URL must
 * stay exactly as requested.
 *
 * @example
 * path('api/items/', noAppendSlash(itemList))
 */
import type { View } from '../types.js';
import { wrapView } from '../views/wrap-view.js';

/** A view carrying the flag `commonMiddleware` reads. */
export type NoAppendSlashView<V extends View<any>> = V & { readonly shouldAppendSlash: false };

export function noAppendSlash<V extends View<any>>(view: V): NoAppendSlashView<V> {
  const wrapped = wrapView(view, 'noAppendSlash()', (request, kwargs, args) => view(request, kwargs, ...args));
  Object.defineProperty(wrapped, 'shouldAppendSlash', { value: false, enumerable: true });
  return wrapped as NoAppendSlashView<V>;
}
