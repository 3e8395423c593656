/**
 * `UrlConf.check()`: Django's URL system checks (core/checks/urls.py and the
 * pattern `check()` methods), returned as warnings with Django's ids:
 *
 * - `urls.W001` an included `rePath()` regex ends with `$`
 * - `urls.W002` a route starts with `/` (only when appending slashes)
 * - `urls.W003` a pattern name contains `:`
 * - `urls.W005` an instance namespace is used twice
 * - `urls.W010` a route has an unmatched `<` or `>`
 * - `2_0.W001` a `path()` route looks like a regex (`(?P<`, `^…`, `…$`)
 *
 * As in Django, an include's own prefix is only checked when nothing under
 * it warned.
 */
import type { UrlCheckWarning } from './types.js';
import { UrlResolver } from './url-resolver.js';

export function checkUrlconf(root: UrlResolver, urlconf: unknown, appendSlash: boolean): UrlCheckWarning[] {
  const warnings = root.check(appendSlash);
  const counts = new Map<string, number>();
  for (const namespace of allNamespaces(root, [])) counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
  for (const [namespace, count] of counts) {
    if (count > 1) {
      warnings.push({
        id: 'urls.W005',
        message: `URL namespace '${namespace}' isn't unique. You may not be able to reverse all URLs in this namespace`,
        object: urlconf,
      });
    }
  }
  return warnings;
}

/** Django's `_load_all_namespaces`: every namespace path, once per include that declares it. */
function allNamespaces(resolver: UrlResolver, parents: readonly string[]): string[] {
  const found: string[] = [];
  for (const entry of resolver.urlPatterns) {
    if (entry instanceof UrlResolver && entry.namespace !== null) found.push([...parents, entry.namespace].join(':'));
  }
  for (const entry of resolver.urlPatterns) {
    if (!(entry instanceof UrlResolver)) continue;
    found.push(...allNamespaces(entry, entry.namespace !== null ? [...parents, entry.namespace] : parents));
  }
  return found;
}
