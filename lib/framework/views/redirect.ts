/**
 * `redirect(to, options?)` (Django's `redirect` shortcut): a 302 (or a 301
 * with `permanent`) to a URL, a URL pattern name, or a view.
 *
 * How `to` becomes a URL (Django's `resolve_url`):
 * 1. an object with `getAbsoluteUrl()` -> its result;
 * 2. `./x` or `../x` -> as is (relative);
 * 3. otherwise reversed by name or view, through `options.request`
 *    (`request.reverse`, so the script prefix and the current namespace
 *    apply) or `options.resolver`;
 * 4. if that fails and `to` is a string containing `/` or `.`, it is a URL.
 *
 * @example
 * return redirect('blog:detail', { request, kwargs: { id: 5 } });
 * return redirect('/login/', { permanent: true });
 */
import { NoReverseMatch } from '../errors.js';
import { HttpResponsePermanentRedirect, HttpResponseRedirect, type HttpRequest, type HttpResponseRedirectBase } from '../http/index.js';
import type { Kwargs, View } from '../types.js';

/** Anything a URL can be made from: a URL, a pattern name, a view, or an object that knows its URL. */
export type RedirectTarget = string | View<any> | { getAbsoluteUrl(): string };

/** What reverse() is reached through. */
interface Reversing {
  reverse(name: string | View<any>, options?: { args?: unknown[]; kwargs?: Kwargs }): string;
}

export interface RedirectOptions {
  /** 301 instead of 302. @default false */
  permanent?: boolean;
  /** Positional arguments for reverse. */
  args?: unknown[];
  /** Named arguments for reverse. */
  kwargs?: Kwargs;
  /** The current request: reverse goes through `request.reverse` (script prefix, current app). */
  request?: HttpRequest;
  /** A resolver to reverse with when there is no request (e.g. `app.resolver`). */
  resolver?: Reversing;
}

export function redirect(to: RedirectTarget, options: RedirectOptions = {}): HttpResponseRedirectBase {
  const url = resolveUrl(to, options);
  return options.permanent ? new HttpResponsePermanentRedirect(url) : new HttpResponseRedirect(url);
}

/** Django's `resolve_url`: the URL `to` stands for. */
export function resolveUrl(to: RedirectTarget, options: RedirectOptions = {}): string {
  if (typeof to === 'object' && to !== null && typeof to.getAbsoluteUrl === 'function') return to.getAbsoluteUrl();
  if (typeof to === 'string' && (to.startsWith('./') || to.startsWith('../'))) return to;
  if (typeof to !== 'string' && typeof to !== 'function') {
    throw new TypeError(`redirect() expects a URL, a URL pattern name, a view or an object with getAbsoluteUrl(); got ${String(to)}.`);
  }
  const reverser: Reversing | undefined = options.request ?? options.resolver;
  const reverseOptions = { ...(options.args !== undefined && { args: options.args }), ...(options.kwargs !== undefined && { kwargs: options.kwargs }) };
  if (reverser !== undefined) {
    try {
      return reverser.reverse(to, reverseOptions);
    } catch (error) {
      if (!(error instanceof NoReverseMatch) || typeof to === 'function' || !looksLikeUrl(to)) throw error;
    }
    return to;
  }
  if (typeof to === 'string' && looksLikeUrl(to)) return to;
  const shown = typeof to === 'string' ? `'${to}'` : `the view ${to.name || '<anonymous view>'}`;
  throw new NoReverseMatch(
    `redirect() cannot reverse ${shown} without a resolver: pass { request } (in a view) or { resolver: app.resolver }, or give a URL.`,
  );
}

/** Django's heuristic: a name has neither `/` nor `.`. */
function looksLikeUrl(to: string): boolean {
  return to.includes('/') || to.includes('.');
}
