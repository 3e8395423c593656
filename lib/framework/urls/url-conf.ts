/**
 * The URLconf: `createResolver(urlpatterns)` builds a `UrlConf` that
 * resolves paths to views and reverses names to paths, as Django's root
 * URLResolver with `resolve()` / `reverse()` does.
 *
 * Everything is built and checked at construction: the entries, the
 * resolver's index (see RouteIndex) and the reverse lookups (see
 * ReverseIndex, compiled with path-to-regexp). A request then costs a trie
 * walk and the regexes of the few patterns that can match.
 */
import { NoReverseMatch, Resolver404, TsgiError } from '../errors.js';
import { describeValue } from '../../protocol/describe-value.js';
import type { Kwargs } from '../types.js';
import { checkUrlconf } from './check-urls.js';
import { checkEntries } from './include.js';
import { encodeQuery, quotePath } from './quote.js';
import { RegexPattern } from './regex-pattern.js';
import { ResolverMatch, show, viewLabel, type MatchParts } from './resolver-match.js';
import { compileCandidate, joinPossibilities, ReverseIndex, type Candidate, type Possibility } from './reverse-index.js';
import { RouteIndex } from './route-index.js';
import type { ReverseOptions, UrlCheckWarning, UrlEntry } from './types.js';
import { UrlResolver } from './url-resolver.js';

/** Options of `createResolver()`. */
export interface UrlConfOptions {
  /**
   * Whether the application appends slashes (CommonMiddleware): `check()`
   * only warns about routes starting with `/` then, as Django.
   * @default true
   */
  readonly appendSlash?: boolean;
}

export class UrlConf {
  readonly urlPatterns: readonly UrlEntry[];
  readonly #root: UrlResolver;
  readonly #index: RouteIndex;
  readonly #reverse = new ReverseIndex();
  readonly #rootCandidates = new Map<unknown, Candidate[]>();
  readonly #namespacedCandidates = new Map<string, Map<unknown, Candidate[]>>();
  readonly #appendSlash: boolean;

  constructor(urlpatterns: readonly UrlEntry[], options: UrlConfOptions = {}) {
    if (!Array.isArray(urlpatterns)) {
      throw new TypeError(`createResolver(): urlpatterns must be an array of path() / rePath() entries, got ${describeValue(urlpatterns)}.`);
    }
    this.urlPatterns = Object.freeze(checkEntries(urlpatterns, 'createResolver()'));
    this.#appendSlash = options.appendSlash ?? true;
    // Django's root resolver: `^/` takes the path's leading slash.
    this.#root = new UrlResolver(new RegexPattern('^/', { isEndpoint: false, name: null }), this.urlPatterns, {
      defaultKwargs: {},
      appName: null,
      namespace: null,
    });
    this.#index = new RouteIndex(this.#root);
    for (const [key, possibilities] of this.#reverse.lookups(this.#root).byKey) {
      this.#rootCandidates.set(key, possibilities.map(compileCandidate));
    }
  }

  /**
   * The view `pathInfo` leads to (a decoded path starting with `/`), or a
   * thrown `Resolver404` whose `path` is the unmatched rest and `tried` the
   * pattern chains tried, as Django's.
   */
  resolve(pathInfo: string): ResolverMatch {
    const parts = this.#index.resolve(pathInfo);
    if (parts !== null) return this.#match(parts, pathInfo);
    const scanned = this.#root.scan(pathInfo);
    if (scanned.parts !== null) {
      throw new TsgiError(`UrlConf index missed '${pathInfo}', which ${scanned.parts.route} matches: please report this URLconf.`);
    }
    throw notFound(pathInfo, scanned);
  }

  /**
   * Resolves with Django's plain recursive scan, pattern after pattern: the
   * reference `resolve()` agrees with (tests and diagnostics; slower).
   */
  scan(pathInfo: string): ResolverMatch {
    const scanned = this.#root.scan(pathInfo);
    if (scanned.parts === null) throw notFound(pathInfo, scanned);
    return new ResolverMatch(scanned.parts, scanned.tried);
  }

  /** The match for `pathInfo`, or false (Django's `is_valid_path`, used for APPEND_SLASH). */
  isValidPath(pathInfo: string): ResolverMatch | false {
    const parts = this.#index.resolve(pathInfo);
    return parts === null ? false : this.#match(parts, pathInfo);
  }

  #match(parts: MatchParts, pathInfo: string): ResolverMatch {
    return new ResolverMatch(parts, null, this.#root, pathInfo);
  }

  /**
   * The path of the pattern named `name` (`'ns:name'`, `'a:b:name'`) or
   * leading to the view function `name`, with `args` or `kwargs` put in,
   * percent-encoded, behind `scriptPrefix`; then `?query` and `#fragment`.
   * Throws `NoReverseMatch` when no pattern fits.
   */
  reverse(name: string | ((...args: never[]) => unknown), options: ReverseOptions = {}): string {
    if (typeof name !== 'string' && typeof name !== 'function') {
      throw new TypeError(`reverse(): the name must be a URL pattern name or a view function, got ${describeValue(name)}.`);
    }
    const args = options.args ?? [];
    const kwargs = options.kwargs ?? {};
    if (args.length > 0 && Object.keys(kwargs).length > 0) {
      throw new TypeError(
        `Don't mix args and kwargs in call to reverse()! Reverse for '${typeof name === 'string' ? name : viewLabel(name)}' got args ${show(args)} and kwargs ${show(kwargs)}; pass one of them.`,
      );
    }
    const [key, candidates] = typeof name === 'string' ? this.#candidatesFor(name, options.currentApp ?? null) : [name, this.#rootCandidates.get(name) ?? []];
    const url = buildUrl(candidates, options.scriptPrefix ?? '/', args, kwargs);
    if (url === null) throw noReverseMatch(key, candidates, args, kwargs);
    let result = url;
    if (options.query !== undefined && options.query !== null) {
      const query = encodeQuery(options.query);
      if (query !== '') result += `?${query}`;
    }
    if (options.fragment !== undefined && options.fragment !== null) result += `#${options.fragment}`;
    return result;
  }

  /** Django's namespace walk in `reverse()`, with application-namespace defaulting. */
  #candidatesFor(viewname: string, currentApp: string | null): [string, Candidate[]] {
    const namespacePath = viewname.split(':');
    const key = namespacePath.pop() as string;
    if (namespacePath.length === 0) return [key, this.#rootCandidates.get(key) ?? []];
    let currentPath = currentApp ? currentApp.split(':').reverse() : null;
    const resolvedPath: string[] = [];
    let resolver = this.#root;
    let prefix: Possibility | null = null;
    for (let namespace of namespacePath) {
      const currentNamespace = currentPath !== null && currentPath.length > 0 ? (currentPath.pop() as string) : null;
      const lookups = this.#reverse.lookups(resolver);
      const instances = lookups.apps.get(namespace);
      if (instances !== undefined) {
        if (currentNamespace !== null && instances.includes(currentNamespace)) namespace = currentNamespace;
        else if (!instances.includes(namespace)) namespace = instances[0] as string;
      }
      if (namespace !== currentNamespace) currentPath = null;
      const entry = lookups.namespaces.get(namespace);
      if (entry === undefined) {
        const inside = resolvedPath.length > 0 ? ` inside '${resolvedPath.join(':')}'` : '';
        throw new NoReverseMatch(`'${namespace}' is not a registered namespace${inside}`);
      }
      resolvedPath.push(namespace);
      prefix = prefix === null ? entry.prefix : joinPossibilities(prefix, entry.prefix, {});
      resolver = entry.resolver;
    }
    const cacheKey = resolvedPath.join(':');
    let cache = this.#namespacedCandidates.get(cacheKey);
    if (cache === undefined) {
      cache = new Map();
      this.#namespacedCandidates.set(cacheKey, cache);
    }
    let candidates = cache.get(key);
    if (candidates === undefined) {
      const inner = this.#reverse.lookups(resolver).byKey.get(key) ?? [];
      const nsPrefix = prefix as Possibility;
      candidates = inner.map((possibility) => compileCandidate(joinPossibilities(nsPrefix, possibility, possibility.defaults)));
      cache.set(key, candidates);
    }
    return [key, candidates];
  }

  /** Django's URL system checks (see check-urls.ts). */
  check(options: UrlConfOptions = {}): UrlCheckWarning[] {
    return checkUrlconf(this.#root, this, options.appendSlash ?? this.#appendSlash);
  }

  /** `<UrlConf [12 patterns, 40 endpoints]>` */
  toString(): string {
    return `<UrlConf [${this.urlPatterns.length} patterns, ${this.#index.size} endpoints]>`;
  }
}

/** Builds the URLconf for `urlpatterns` (checked now, never on a request). */
export function createResolver(urlpatterns: readonly UrlEntry[], options?: UrlConfOptions): UrlConf {
  return new UrlConf(urlpatterns, options);
}

function notFound(pathInfo: string, scanned: { tried: UrlEntry[][] | null; path: string }): Resolver404 {
  if (scanned.tried === null) {
    return new Resolver404(`The path ${describeValue(pathInfo)} does not start with '/'; resolve() takes a PATH_INFO, which always does.`, {
      path: scanned.path,
    });
  }
  return new Resolver404(
    `The current path, ${describeValue(pathInfo)}, didn't match any of the ${scanned.tried.length} URL pattern(s) tried.`,
    { path: scanned.path, tried: scanned.tried },
  );
}

/** Django's `_reverse_with_prefix` candidate loop: the first URL that fits, or null. */
function buildUrl(candidates: readonly Candidate[], scriptPrefix: string, args: readonly unknown[], kwargs: Readonly<Kwargs>): string | null {
  for (const candidate of candidates) {
    const { defaults, converters } = candidate.possibility;
    for (const { params, build } of candidate.builders) {
      const subs = args.length > 0 ? positionalSubs(params, args) : keywordSubs(params, kwargs, defaults);
      if (subs === null) continue;
      const text: Record<string, string> = {};
      let converted = true;
      for (const [param, value] of subs) {
        const converter = converters[param];
        if (converter === undefined) {
          text[param] = String(value);
          continue;
        }
        try {
          text[param] = String(converter.toUrl(value));
        } catch (error) {
          if (!(error instanceof Error)) throw error;
          converted = false;
          break;
        }
      }
      if (!converted) continue;
      let url: string;
      try {
        url = build(text);
      } catch {
        continue; // a parameter only an extra kwarg provides: nothing to put in its place
      }
      if (candidate.check?.test(url)) return quotePath(scriptPrefix + url);
    }
  }
  return null;
}

function positionalSubs(params: readonly string[], args: readonly unknown[]): Array<[string, unknown]> | null {
  if (params.length !== args.length) return null;
  return params.map((param, index) => [param, args[index]]);
}

function keywordSubs(params: readonly string[], kwargs: Readonly<Kwargs>, defaults: Readonly<Kwargs>): Array<[string, unknown]> | null {
  // set(kwargs) ^ set(params), minus the defaults, must be empty.
  for (const key of Object.keys(kwargs)) if (!params.includes(key) && !Object.hasOwn(defaults, key)) return null;
  for (const param of params) if (!Object.hasOwn(kwargs, param) && !Object.hasOwn(defaults, param)) return null;
  // A default that is not a parameter must be given its own value, or not at all.
  for (const [key, value] of Object.entries(defaults)) {
    if (!params.includes(key) && Object.hasOwn(kwargs, key) && kwargs[key] !== value) return null;
  }
  return Object.entries(kwargs);
}

function noReverseMatch(key: unknown, candidates: readonly Candidate[], args: readonly unknown[], kwargs: Readonly<Kwargs>): NoReverseMatch {
  const label = typeof key === 'string' ? key : viewLabel(key);
  if (candidates.length === 0) {
    return new NoReverseMatch(`Reverse for '${label}' not found. '${label}' is not a valid view function or pattern name.`);
  }
  const given =
    args.length > 0
      ? `arguments '${show(args)}'`
      : Object.keys(kwargs).length > 0
        ? `keyword arguments '${show(kwargs)}'`
        : 'no arguments';
  const patterns = show(candidates.map((candidate) => candidate.possibility.pattern));
  return new NoReverseMatch(`Reverse for '${label}' with ${given} not found. ${candidates.length} pattern(s) tried: ${patterns}`);
}
