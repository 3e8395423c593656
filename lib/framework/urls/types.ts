/**
 * The shapes the URLconf's modules share: what a pattern entry is, what a
 * pattern match yields, converters, check warnings and reverse() options.
 * The classes themselves live in their own files; this module only names
 * what crosses between them (and what `errors.ts` needs for `Resolver404`).
 */
import type { Kwargs, View } from '../types.js';
import type { UrlPattern } from './url-pattern.js';
import type { UrlResolver } from './url-resolver.js';

/** One entry of a URLconf list: an endpoint (`UrlPattern`) or an include (`UrlResolver`). */
export type UrlEntry = UrlPattern | UrlResolver;

/**
 * Any view, whatever kwargs it declares. Entries store views under this type
 * because a `View<{ year: number }>` is not a `View<Kwargs>` (parameters are
 * contravariant); the URLconf guarantees the kwargs match the route.
 */
export type AnyView = View<any>;

/**
 * A route or regex matched the start of a path: what is left of the path,
 * and what it captured (after converters). `args` are only produced by a
 * `rePath()` without named groups.
 */
export interface PatternMatch {
  readonly remaining: string;
  readonly args: string[];
  readonly kwargs: Kwargs;
}

/**
 * A path converter (Django's `register_converter` classes, as an object).
 * `regex` is JavaScript RegExp syntax and must not be anchored.
 */
export interface Converter {
  /** What a parameter of this type matches, e.g. `'[0-9]+'`. */
  readonly regex: string;
  /**
   * Turns the matched text into the value the view receives. Throwing any
   * `Error` means "this pattern does not match": resolution goes on with the
   * next pattern (Django's `ValueError`). Other thrown values propagate.
   */
  toValue(text: string): unknown;
  /**
   * Turns a value given to `reverse()` into URL text. Throwing any `Error`
   * makes `reverse()` skip this candidate pattern. The text must match
   * `regex`, or the candidate is skipped too.
   */
  toUrl(value: unknown): string;
}

/** A warning from `UrlConf.check()`, with Django's ids (`urls.W002`, `2_0.W001` …). */
export interface UrlCheckWarning {
  readonly id: string;
  readonly message: string;
  readonly hint?: string;
  /** The pattern, include or URLconf the warning is about. */
  readonly object: unknown;
}

/**
 * The query of a reversed URL: an object whose values are strings (or arrays
 * of them, giving repeated keys), a `URLSearchParams`, or `[key, value]`
 * pairs. Values that are not strings are converted with `String()`;
 * `null`/`undefined` are refused, as Django's `urlencode` refuses `None`.
 */
export type QueryInput =
  | Readonly<Record<string, unknown>>
  | URLSearchParams
  | ReadonlyArray<readonly [string, unknown]>;

/** Options of `UrlConf.reverse()` (Django's `reverse()` arguments). */
export interface ReverseOptions {
  /** Positional values, matched to the pattern's parameters in order. Not with `kwargs`. */
  readonly args?: readonly unknown[];
  /** Named values. Not with `args`. */
  readonly kwargs?: Readonly<Kwargs>;
  /** The instance namespace path to prefer for application namespaces (`'author-polls'`). */
  readonly currentApp?: string | null;
  /**
   * A `QueryInput`, appended as `?…` (form-encoded as Django's
   * `urlencode(doseq=True)`); an empty query adds nothing. Typed `unknown` so
   * callers can pass options through (`request.reverse()`); anything else
   * than a `QueryInput` throws a TypeError.
   */
  readonly query?: QueryInput | null | unknown;
  /** Appended as `#…`, unencoded, as Django does. */
  readonly fragment?: string | null;
  /**
   * Prepended to the path. @default '/' (the pipeline passes the request's
   * SCRIPT_NAME + '/').
   */
  readonly scriptPrefix?: string;
}

/**
 * One way to write a pattern's URL for `reverse()`: path-to-regexp text and
 * parameter tokens (compiled with its `compile()`), and the parameter names in
 * order (positional `args` are matched to them). A `rePath()` regex with an
 * optional group has several.
 */
export interface ReverseTemplate {
  readonly tokens: ReadonlyArray<{ type: 'text'; value: string } | { type: 'param'; name: string }>;
  readonly params: readonly string[];
}

/**
 * What `path()` (a route) and `rePath()` (a regex) build: the part of an
 * entry that matches text. Django's RoutePattern / RegexPattern.
 */
export interface Pattern {
  readonly isEndpoint: boolean;
  /** The entry's name (for check messages). */
  readonly name: string | null;
  /** The JavaScript regex source Django would compile (`^articles/(?<year>[0-9]+)/$`). */
  readonly source: string;
  readonly flags: string;
  /** Converters by parameter name (empty for a regex). */
  readonly converters: Readonly<Record<string, Converter>>;
  /**
   * Literal text every matched path starts with, or null when the pattern is
   * not anchored at the start (an unanchored regex): the resolver's index
   * uses it to skip patterns that cannot match.
   */
  readonly literalPrefix: string | null;
  /** True when the pattern matches exactly `literalPrefix` and nothing else. */
  readonly fullyLiteral: boolean;
  readonly templates: readonly ReverseTemplate[];
  /** Matches the start of `path` (Django's `pattern.match`), or null. */
  match(path: string): PatternMatch | null;
  /** Django's pattern checks; `object` is the entry warnings are about. */
  check(object: unknown, appendSlash: boolean): UrlCheckWarning[];
  /** `'route' [name='…']`, for messages. */
  describe(): string;
  /** The route or regex as written. */
  toString(): string;
}
