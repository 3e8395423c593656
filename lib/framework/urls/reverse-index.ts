/**
 * The lookups `reverse()` uses, built once per URLconf (Django's
 * `URLResolver._populate`): for every include, its names and views mapped to
 * candidate patterns, its instance namespaces and its application
 * namespaces. As in Django, entries are visited last to first, so for a
 * name used twice the last-defined pattern is tried first, and an
 * application's first listed instance is its last deployed one.
 *
 * Entries of an include without an app name are merged into the parent's
 * lookups with the include's prefix put in front; a namespaced include keeps
 * its own, reached through `namespaces`.
 */
import { compile, TokenData } from 'path-to-regexp';
import type { Kwargs } from '../types.js';
import type { Converter, ReverseTemplate } from './types.js';
import { UrlPattern } from './url-pattern.js';
import type { UrlResolver } from './url-resolver.js';

/** What a lookup key (a name or a view function) points to: Django's `(bits, p_pattern, defaults, converters)`. */
export interface Possibility {
  readonly templates: readonly ReverseTemplate[];
  /** The joined regex source, without its leading `^` (shown in NoReverseMatch messages). */
  readonly pattern: string;
  readonly flags: string;
  readonly defaults: Readonly<Kwargs>;
  readonly converters: Readonly<Record<string, Converter>>;
}

/** A namespace: the prefix in front of it and the include it names. */
export interface NamespaceEntry {
  readonly prefix: Possibility;
  readonly resolver: UrlResolver;
}

export interface Lookups {
  readonly byKey: Map<unknown, Possibility[]>;
  readonly namespaces: Map<string, NamespaceEntry>;
  readonly apps: Map<string, string[]>;
}

/** A possibility ready to build URLs: compiled path-to-regexp functions and the check regex. */
export interface Candidate {
  readonly possibility: Possibility;
  readonly builders: ReadonlyArray<{ readonly params: readonly string[]; readonly build: (params: Record<string, string>) => string }>;
  /** `^` + the pattern: a built URL must match it (null when it cannot be compiled: the candidate never matches). */
  readonly check: RegExp | null;
}

export class ReverseIndex {
  readonly #populated = new Map<UrlResolver, Lookups>();

  /** Django's `_populate` for `resolver`, computed once per include. */
  lookups(resolver: UrlResolver): Lookups {
    let found = this.#populated.get(resolver);
    if (found === undefined) {
      found = this.#populate(resolver);
      this.#populated.set(resolver, found);
    }
    return found;
  }

  #populate(resolver: UrlResolver): Lookups {
    const byKey = new Map<unknown, Possibility[]>();
    const namespaces = new Map<string, NamespaceEntry>();
    const apps = new Map<string, string[]>();
    const add = (key: unknown, possibility: Possibility): void => {
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [possibility]);
      else list.push(possibility);
    };
    for (const entry of [...resolver.urlPatterns].reverse()) {
      const own = ownPossibility(entry.pattern, entry instanceof UrlPattern ? entry.defaultKwargs : {});
      if (entry instanceof UrlPattern) {
        add(entry.view, own);
        if (entry.name !== null) add(entry.name, own);
        continue;
      }
      const sub = this.lookups(entry);
      if (entry.appName !== null) {
        const list = apps.get(entry.appName) ?? [];
        list.push(entry.namespace as string);
        apps.set(entry.appName, list);
        namespaces.set(entry.namespace as string, { prefix: own, resolver: entry });
        continue;
      }
      for (const [key, list] of sub.byKey) {
        for (const possibility of list) add(key, joinPossibilities(own, possibility, { ...possibility.defaults, ...entry.defaultKwargs }));
      }
      for (const [namespace, inner] of sub.namespaces) {
        namespaces.set(namespace, { prefix: joinPossibilities(own, inner.prefix, {}), resolver: inner.resolver });
      }
      for (const [appName, list] of sub.apps) apps.set(appName, [...(apps.get(appName) ?? []), ...list]);
    }
    return { byKey, namespaces, apps };
  }
}

function ownPossibility(
  pattern: UrlPattern['pattern'],
  defaults: Readonly<Kwargs>,
): Possibility {
  const source = pattern.source;
  return {
    templates: pattern.templates,
    pattern: source.startsWith('^') ? source.slice(1) : source,
    flags: pattern.flags,
    defaults,
    converters: pattern.converters,
  };
}

/** `prefix` followed by `inner` (Django's `normalize(p_pattern + pat)` and merged converters). */
export function joinPossibilities(prefix: Possibility, inner: Possibility, defaults: Readonly<Kwargs>): Possibility {
  const templates: ReverseTemplate[] = [];
  for (const first of prefix.templates) {
    for (const second of inner.templates) {
      templates.push({ tokens: joinTokens(first.tokens, second.tokens), params: [...first.params, ...second.params] });
    }
  }
  return {
    templates,
    pattern: prefix.pattern + inner.pattern,
    flags: [...new Set(prefix.flags + inner.flags)].join(''),
    defaults,
    converters: { ...prefix.converters, ...inner.converters },
  };
}

function joinTokens(first: ReverseTemplate['tokens'], second: ReverseTemplate['tokens']): ReverseTemplate['tokens'] {
  const last = first.at(-1);
  const next = second[0];
  if (last?.type === 'text' && next?.type === 'text') {
    return [...first.slice(0, -1), { type: 'text', value: last.value + next.value }, ...second.slice(1)];
  }
  return [...first, ...second];
}

/** Compiles a possibility's templates with path-to-regexp and its check regex. */
export function compileCandidate(possibility: Possibility): Candidate {
  const builders = possibility.templates.map((template) => ({
    params: template.params,
    // Values are encoded afterwards, over the whole URL, as Django quotes it.
    build: compile(new TokenData([...template.tokens]), { encode: false }) as (params: Record<string, string>) => string,
  }));
  return { possibility, builders, check: checkRegex(possibility.pattern, possibility.flags) };
}

function checkRegex(pattern: string, flags: string): RegExp | null {
  // Joined patterns may repeat a group name (prefix and inner route): the check needs no groups.
  for (const source of [pattern, pattern.replace(/\(\?<(?![=!])[^>]*>/g, '(?:')]) {
    try {
      return new RegExp(`^${source}`, flags);
    } catch {
      // try the next form
    }
  }
  return null;
}
