/**
 * An endpoint of the URLconf: a pattern and the view it leads to (Django's
 * URLPattern). Built by `path(route, view)` and `rePath(regex, view)`.
 */
import type { Kwargs } from '../types.js';
import { mergeKwargs, type MatchParts } from './resolver-match.js';
import type { AnyView, Pattern, UrlCheckWarning } from './types.js';

/** An endpoint adds no namespace of its own: one frozen empty list for all matches. */
const NO_NAMES: ReadonlyArray<string | null> = Object.freeze([]);

export class UrlPattern {
  readonly pattern: Pattern;
  readonly view: AnyView;
  /** Extra kwargs given to the view; they override captured values of the same name. */
  readonly defaultKwargs: Readonly<Kwargs>;
  readonly name: string | null;
  readonly #hasDefaults: boolean;
  readonly #route: string;

  constructor(pattern: Pattern, view: AnyView, defaultKwargs: Readonly<Kwargs>, name: string | null) {
    this.pattern = pattern;
    this.view = view;
    this.defaultKwargs = defaultKwargs;
    this.name = name;
    this.#hasDefaults = Object.keys(defaultKwargs).length > 0;
    this.#route = pattern.toString();
  }

  /** Django's `URLPattern.resolve`: the match's parts when the whole of `path` matches, else null. */
  resolveParts(path: string): MatchParts | null {
    const found = this.pattern.match(path);
    return found === null ? null : this.partsFor(found.kwargs, found.args);
  }

  /** The match's parts for what the pattern captured (the resolver's index matches patterns itself). */
  partsFor(captured: Kwargs, args: string[]): MatchParts {
    return {
      view: this.view,
      args,
      // Without extra kwargs, kwargs and capturedKwargs are one (fresh) object.
      kwargs: this.#hasDefaults ? mergeKwargs(captured, this.defaultKwargs) : captured,
      capturedKwargs: captured,
      extraKwargs: this.defaultKwargs,
      urlName: this.name,
      route: this.#route,
      appNames: NO_NAMES,
      namespaces: NO_NAMES,
    };
  }

  /** `urls.W003` (a `:` in the name) and the pattern's own checks. */
  check(appendSlash: boolean): UrlCheckWarning[] {
    const warnings: UrlCheckWarning[] = [];
    if (this.name !== null && this.name.includes(':')) {
      warnings.push({
        id: 'urls.W003',
        message: `Your URL pattern ${this.pattern.describe()} has a name including a ':'. Remove the colon, to avoid ambiguous namespace references.`,
        object: this,
      });
    }
    warnings.push(...this.pattern.check(this, appendSlash));
    return warnings;
  }

  /** `<UrlPattern 'articles/<int:year>/' [name='year-archive']>` */
  toString(): string {
    return `<UrlPattern ${this.pattern.describe()}>`;
  }
}
