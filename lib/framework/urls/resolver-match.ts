/**
 * What `UrlConf.resolve()` found: the view, what to call it with, and where
 * the match came from (Django's ResolverMatch). The pipeline calls
 * `view(request, match.kwargs, ...match.args)`.
 */
import type { Kwargs } from '../types.js';
import type { AnyView, UrlEntry } from './types.js';

/** The fields a match is built from (the resolver merges them level by level). */
export interface MatchParts {
  readonly view: AnyView;
  readonly args: string[];
  readonly kwargs: Kwargs;
  readonly capturedKwargs: Kwargs;
  readonly extraKwargs: Kwargs;
  readonly urlName: string | null;
  readonly route: string;
  readonly appNames: ReadonlyArray<string | null>;
  readonly namespaces: ReadonlyArray<string | null>;
}

type Tried = ReadonlyArray<ReadonlyArray<UrlEntry>>;

/** Computes `tried` on demand: the root resolver's plain scan of the path. */
export interface TriedSource {
  scan(path: string): { readonly tried: Tried | null };
}

const NONE: string[] = Object.freeze([]) as unknown as string[];

/** The names without the unnamed (null or empty) levels; `names` itself when all are named. */
export function presentNames(names: ReadonlyArray<string | null>): string[] {
  if (names.length === 0) return NONE;
  let named = 0;
  for (let i = 0; i < names.length; i += 1) if (names[i]) named += 1;
  if (named === names.length) return names as string[];
  return named === 0 ? NONE : names.filter((name): name is string => Boolean(name));
}

/**
 * A fresh object with the keys of `first`, then `second`, then `third`, the
 * later winning (what `{ ...first, ...second, ...third }` builds).
 * `Object.assign` because V8 (Node 20) runs a spread of several objects
 * through a slow path: about 1.5 µs, against 0.1 µs, on every request with
 * captures under an include or extra kwargs. (As with any assignment, a
 * `__proto__` key would set the prototype: `path()` refuses that parameter
 * name.)
 */
export function mergeKwargs(first: Readonly<Kwargs>, second: Readonly<Kwargs>, third?: Readonly<Kwargs>): Kwargs {
  return third === undefined ? Object.assign({}, first, second) : Object.assign({}, first, second, third);
}

export class ResolverMatch {
  readonly view: AnyView;
  /** Positional captures: only from a `rePath()` without named groups (and prefix captures, per Django's rule). */
  readonly args: string[];
  /** Captured values (after converters) merged with the includes' and pattern's extra kwargs, extra winning. */
  readonly kwargs: Kwargs;
  /** What the endpoint's pattern captured, before extra kwargs were merged in. */
  readonly capturedKwargs: Kwargs;
  /** The extra kwargs of the pattern and the includes above it. */
  readonly extraKwargs: Kwargs;
  readonly urlName: string | null;
  /** The routes / regexes of the include chain joined (`polls/<int:pk>/`). */
  readonly route: string;
  readonly appNames: string[];
  readonly namespaces: string[];
  #tried: Tried | null;
  readonly #source: TriedSource | null;
  readonly #path: string;

  /** `tried` is the list, or null with `source` and `path` to compute it on first access. */
  constructor(parts: MatchParts, tried: Tried | null, source: TriedSource | null = null, path = '') {
    this.view = parts.view;
    this.args = parts.args;
    this.kwargs = parts.kwargs;
    this.capturedKwargs = parts.capturedKwargs;
    this.extraKwargs = parts.extraKwargs;
    this.urlName = parts.urlName;
    this.route = parts.route;
    this.appNames = presentNames(parts.appNames);
    this.namespaces = presentNames(parts.namespaces);
    this.#tried = tried;
    this.#source = source;
    this.#path = path;
  }

  /** The application namespaces joined with `:`. */
  get appName(): string {
    return this.appNames.join(':');
  }

  /** The instance namespaces joined with `:` (what `reverse()` takes as `currentApp`). */
  get namespace(): string {
    return this.namespaces.join(':');
  }

  /** `namespace:urlName`, or the view's function name when the pattern has no name. */
  get viewName(): string {
    return [...this.namespaces, this.urlName ?? viewLabel(this.view)].join(':');
  }

  /**
   * The pattern chains tried before (and including) the match, as on a
   * Resolver404. Computed on first access by the plain scan, since the fast
   * resolver does not walk every pattern.
   */
  get tried(): Tried {
    this.#tried ??= this.#source?.scan(this.#path).tried ?? [];
    return this.#tried;
  }

  toString(): string {
    const captured = Object.keys(this.capturedKwargs).length > 0 ? `, capturedKwargs=${show(this.capturedKwargs)}` : '';
    const extra = Object.keys(this.extraKwargs).length > 0 ? `, extraKwargs=${show(this.extraKwargs)}` : '';
    return (
      `ResolverMatch(view=${viewLabel(this.view)}, args=${show(this.args)}, kwargs=${show(this.kwargs)}, ` +
      `urlName=${this.urlName === null ? 'null' : `'${this.urlName}'`}, appNames=${show(this.appNames)}, ` +
      `namespaces=${show(this.namespaces)}, route='${this.route}'${captured}${extra})`
    );
  }
}

/** A view's name for messages: its function name, or `'anonymous view'`. */
export function viewLabel(view: unknown): string {
  const name = (view as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name : 'anonymous view';
}

/** JSON for messages; values JSON cannot show (bigint, cycles) fall back to String(). */
export function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? `${item}n` : item)) ?? String(value);
  } catch {
    return String(value);
  }
}
