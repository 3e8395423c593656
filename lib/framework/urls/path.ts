/**
 * `path(route, view | include(...), { kwargs?, name? })` — Django's
 * `django.urls.path`, with its route syntax: `articles/<int:year>/`,
 * `<name>` meaning `<str:name>`. The route is checked here: whitespace in
 * `<…>`, a parameter name that is not an identifier, an unknown converter
 * throw `ImproperlyConfigured` at once, never on a request.
 *
 * @example
 * path('articles/<int:year>/', (request, { year }) => yearArchive(request, year), { name: 'year-archive' });
 */
import { describeValue } from '../../protocol/describe-value.js';
import type { Kwargs, View } from '../types.js';
import { buildEntry, type PathOptions } from './build-entry.js';
import type { IncludedUrls } from './include.js';
import type { RouteKwargs, WithExtraKwargs } from './route-kwargs.js';
import { RoutePattern } from './route-pattern.js';
import type { UrlPattern } from './url-pattern.js';
import type { UrlResolver } from './url-resolver.js';

export function path<const R extends string>(route: R, included: IncludedUrls, options?: PathOptions): UrlResolver;
export function path<const R extends string, E extends Kwargs = {}>(
  route: R,
  view: View<WithExtraKwargs<RouteKwargs<R>, E>>,
  options?: PathOptions<E>,
): UrlPattern;
export function path(route: string, target: unknown, options?: PathOptions): UrlPattern | UrlResolver {
  if (typeof route !== 'string') {
    throw new TypeError(`path(): the route must be a string such as 'articles/<int:year>/', got ${describeValue(route)}.`);
  }
  const caller = `path('${route}')`;
  return buildEntry(caller, (isEndpoint, name) => new RoutePattern(route, { isEndpoint, name }), target, options);
}
