/**
 * `include()`: a list of URL entries to mount under a prefix, optionally with
 * an application namespace and an instance namespace (Django's
 * `django.urls.include`).
 *
 * @example
 * const pollsUrls = { patterns: [path('', index, { name: 'index' })], appName: 'polls' };
 * const urlpatterns = [
 *   path('author-polls/', include(pollsUrls, { namespace: 'author-polls' })),
 *   path('publisher-polls/', include(pollsUrls, { namespace: 'publisher-polls' })),
 * ];
 */
import { ImproperlyConfigured } from '../errors.js';
import { describeValue } from '../../protocol/describe-value.js';
import type { UrlEntry } from './types.js';
import { UrlPattern } from './url-pattern.js';
import { UrlResolver } from './url-resolver.js';

/** A list of entries with its app name, as given by a Django urls module. */
export interface UrlModule {
  readonly patterns: readonly UrlEntry[];
  /** The application namespace (Django's `app_name`). */
  readonly appName?: string;
}

/** What `include()` returns: give it to `path()` or `rePath()` as the "view". */
export class IncludedUrls {
  readonly patterns: readonly UrlEntry[];
  readonly appName: string | null;
  readonly namespace: string | null;

  constructor(patterns: readonly UrlEntry[], appName: string | null, namespace: string | null) {
    this.patterns = patterns;
    this.appName = appName;
    this.namespace = namespace;
  }

  toString(): string {
    return `<IncludedUrls [${this.patterns.length} patterns] (${this.appName}:${this.namespace})>`;
  }
}

export function include(urls: readonly UrlEntry[] | UrlModule, options: { namespace?: string } = {}): IncludedUrls {
  const module: UrlModule = Array.isArray(urls) ? { patterns: urls as readonly UrlEntry[] } : (urls as UrlModule);
  if (module === null || typeof module !== 'object' || !Array.isArray(module.patterns)) {
    throw new ImproperlyConfigured(
      `include() takes a list of URL entries or { patterns, appName }, got ${describeValue(urls)}; build the list with path() and rePath().`,
    );
  }
  const appName = optionalName('appName', module.appName);
  const namespace = optionalName('namespace', options.namespace) ?? appName;
  if (namespace !== null && appName === null) {
    throw new ImproperlyConfigured(
      'Specifying a namespace in include() without providing an appName is not supported. ' +
        `Pass { patterns, appName } instead of the bare list (namespace ${JSON.stringify(namespace)}).`,
    );
  }
  return new IncludedUrls(checkEntries(module.patterns, 'include()'), appName, namespace);
}

/** A copy of `entries` once each is known to be a pattern or an include. */
export function checkEntries(entries: readonly unknown[], caller: string): UrlEntry[] {
  return entries.map((entry, index) => {
    if (entry instanceof UrlPattern || entry instanceof UrlResolver) return entry;
    throw new ImproperlyConfigured(
      `${caller}: entry [${index}] is ${describeValue(entry)}, not a URL pattern; build each entry with path() or rePath().`,
    );
  });
}

function optionalName(label: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new ImproperlyConfigured(`include(): ${label} must be a string, got ${describeValue(value)}.`);
  return value;
}
