/**
 * An include of the URLconf: a prefix pattern and the entries under it
 * (Django's URLResolver), with Django's recursive first-match-wins scan.
 * `UrlConf` answers most requests through its index instead, and uses this
 * scan for misses (to report `tried`) and as the reference the index must
 * agree with.
 */
import type { Kwargs } from '../types.js';
import { mergeKwargs, type MatchParts } from './resolver-match.js';
import type { Pattern, PatternMatch, UrlCheckWarning, UrlEntry } from './types.js';
import { UrlPattern } from './url-pattern.js';

/** A successful scan: the match and the pattern chains tried on the way (the match's included). */
export interface ScanHit {
  readonly parts: MatchParts;
  readonly tried: UrlEntry[][];
}

/** A failed scan: `tried` is null when the prefix itself did not match; `path` is what was left to match. */
export interface ScanMiss {
  readonly parts: null;
  readonly tried: UrlEntry[][] | null;
  readonly path: string;
}

export class UrlResolver {
  readonly pattern: Pattern;
  readonly urlPatterns: readonly UrlEntry[];
  /** Extra kwargs for every view under this include. */
  readonly defaultKwargs: Readonly<Kwargs>;
  readonly appName: string | null;
  readonly namespace: string | null;

  constructor(
    pattern: Pattern,
    urlPatterns: readonly UrlEntry[],
    options: { defaultKwargs: Readonly<Kwargs>; appName: string | null; namespace: string | null },
  ) {
    this.pattern = pattern;
    this.urlPatterns = urlPatterns;
    this.defaultKwargs = options.defaultKwargs;
    this.appName = options.appName;
    this.namespace = options.namespace;
  }

  /** Django's `URLResolver.resolve`, returning instead of throwing. */
  scan(path: string): ScanHit | ScanMiss {
    const prefix = this.pattern.match(path);
    if (prefix === null) return { parts: null, tried: null, path };
    const tried: UrlEntry[][] = [];
    for (const entry of this.urlPatterns) {
      if (entry instanceof UrlPattern) {
        const parts = entry.resolveParts(prefix.remaining);
        tried.push([entry]);
        if (parts !== null) return { parts: mergeLevel(this, prefix, entry, parts), tried };
        continue;
      }
      const sub = entry.scan(prefix.remaining);
      if (sub.tried === null) tried.push([entry]);
      else for (const chain of sub.tried) tried.push([entry, ...chain]);
      if (sub.parts !== null) return { parts: mergeLevel(this, prefix, entry, sub.parts), tried };
    }
    return { parts: null, tried, path: prefix.remaining };
  }

  /** Django's `URLResolver.check`: the entries' warnings, or else the prefix pattern's own. */
  check(appendSlash: boolean): UrlCheckWarning[] {
    const warnings = this.urlPatterns.flatMap((entry) => entry.check(appendSlash));
    return warnings.length > 0 ? warnings : this.pattern.check(this, appendSlash);
  }

  /** `<UrlResolver [3 patterns] (polls:polls) 'polls/'>` */
  toString(): string {
    const count = this.urlPatterns.length;
    return `<UrlResolver [${count} pattern${count === 1 ? '' : 's'}] (${this.appName}:${this.namespace}) ${this.pattern.describe()}>`;
  }
}

/**
 * Merges a match found under `resolver` (through its entry `child`) with what
 * the resolver's prefix captured, as Django's `URLResolver.resolve` does:
 * kwargs are prefix captures, then the include's extra kwargs, then the inner
 * kwargs; positional args of the prefix are kept only when no kwargs remain.
 */
export function mergeLevel(resolver: UrlResolver, prefix: Pick<PatternMatch, 'args' | 'kwargs'>, child: UrlEntry, sub: MatchParts): MatchParts {
  const defaults = resolver.defaultKwargs;
  let kwargs = sub.kwargs;
  let extraKwargs = sub.extraKwargs;
  if (!isEmpty(prefix.kwargs) || !isEmpty(defaults)) {
    kwargs = mergeKwargs(prefix.kwargs, defaults, sub.kwargs);
    extraKwargs = isEmpty(defaults) ? sub.extraKwargs : mergeKwargs(defaults, sub.extraKwargs);
  }
  const args = prefix.args.length > 0 && isEmpty(kwargs) ? [...prefix.args, ...sub.args] : sub.args;
  return {
    view: sub.view,
    args,
    kwargs,
    capturedKwargs: sub.capturedKwargs,
    extraKwargs,
    urlName: sub.urlName,
    route: child instanceof UrlPattern ? sub.route : joinRoute(child.pattern.toString(), sub.route),
    appNames: [resolver.appName, ...sub.appNames],
    namespaces: [resolver.namespace, ...sub.namespaces],
  };
}

/** Django's `_join_route`: the second route loses a leading `^`. */
function joinRoute(first: string, second: string): string {
  if (first === '') return second;
  return first + (second.startsWith('^') ? second.slice(1) : second);
}

function isEmpty(object: Readonly<Kwargs>): boolean {
  for (const _key in object) return false;
  return true;
}
