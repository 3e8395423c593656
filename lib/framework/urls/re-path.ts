/**
 * `rePath(regex, view | include(...), { kwargs?, name? })` — Django's
 * `django.urls.re_path`. The regex is a RegExp or a string of JavaScript
 * RegExp syntax (Python's `(?P<name>…)` is accepted); named groups become
 * string kwargs, otherwise groups are positional args. See RegexPattern for
 * the anchoring rules. An invalid regex throws `ImproperlyConfigured` here.
 *
 * @example
 * rePath(/^articles\/(?<year>[0-9]{4})\/$/, (request, { year }) => yearArchive(request, year));
 */
import { describeValue } from '../../protocol/describe-value.js';
import type { Kwargs, View } from '../types.js';
import { buildEntry, type PathOptions } from './build-entry.js';
import type { IncludedUrls } from './include.js';
import { RegexPattern } from './regex-pattern.js';
import type { WithExtraKwargs } from './route-kwargs.js';
import type { UrlPattern } from './url-pattern.js';
import type { UrlResolver } from './url-resolver.js';

export function rePath(regex: RegExp | string, included: IncludedUrls, options?: PathOptions): UrlResolver;
export function rePath<E extends Kwargs = {}>(
  regex: RegExp | string,
  view: View<WithExtraKwargs<Record<string, string>, E>>,
  options?: PathOptions<E>,
): UrlPattern;
export function rePath(regex: RegExp | string, target: unknown, options?: PathOptions): UrlPattern | UrlResolver {
  if (typeof regex !== 'string' && !(regex instanceof RegExp)) {
    throw new TypeError(`rePath(): the regex must be a RegExp or a string, got ${describeValue(regex)}.`);
  }
  const caller = `rePath('${typeof regex === 'string' ? regex : regex.source}')`;
  return buildEntry(caller, (isEndpoint, name) => new RegexPattern(regex, { isEndpoint, name }), target, options);
}
