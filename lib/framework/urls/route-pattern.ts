/**
 * The pattern `path()` builds from a route such as
 * `articles/<int:year>/<slug:slug>/` (Django's RoutePattern).
 *
 * The route becomes one anchored RegExp, as Django's `_route_to_regex`
 * builds it: `^` + the literal text escaped + `(?<name>converter regex)` per
 * parameter, and `$` for an endpoint (an include's prefix is open-ended).
 * Each captured text goes through its converter's `toValue()`; an `Error`
 * thrown there means "no match". The route is also turned into
 * path-to-regexp tokens (`text` / `param`), which `reverse()` compiles.
 */
import { ImproperlyConfigured } from '../errors.js';
import { builtinConverters, converterNames, getConverter } from './converters.js';
import { NO_ARGS, RouteMatcher, type RouteStep } from './route-matcher.js';
import type { Converter, Pattern, PatternMatch, ReverseTemplate, UrlCheckWarning } from './types.js';

/** Django's `_PATH_PARAMETER_COMPONENT_RE`: `<converter:name>` or `<name>`. */
const PARAMETER = /<(?:([^>:]+):)?([^>]+)>/g;
/** Python's `string.whitespace`. */
const WHITESPACE = /[ \t\n\r\v\f]/;
/** A JavaScript identifier, which a named group (and a kwargs key used as a variable) needs. */
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;


/** How many capturing groups a converter's regex has (they shift the parameters' group numbers). */
function groupCount(regex: string): number {
  return (new RegExp(`${regex}|`).exec('') as RegExpExecArray).length - 1;
}

/** Escapes `text` so a RegExp matches it literally (Python's `re.escape`). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class RoutePattern implements Pattern {
  readonly route: string;
  readonly isEndpoint: boolean;
  readonly name: string | null;
  readonly source: string;
  readonly flags = '';
  readonly converters: Readonly<Record<string, Converter>>;
  readonly literalPrefix: string;
  readonly fullyLiteral: boolean;
  readonly templates: readonly ReverseTemplate[];
  /**
   * Matches without the regex (same answers), or null when the route needs
   * its regex (see RouteMatcher). The resolver's index matches in place
   * with it, from an offset of the request's path.
   */
  readonly matcher: RouteMatcher | null;
  /** The same regex with unnamed groups (cheaper to run); `#params` holds each parameter's group number. */
  readonly #regex: RegExp;
  readonly #params: ReadonlyArray<readonly [string, Converter, number]>;

  constructor(route: string, options: { isEndpoint: boolean; name: string | null }) {
    this.route = route;
    this.isEndpoint = options.isEndpoint;
    this.name = options.name;
    const parts = ['^'];
    const tokens: Array<ReverseTemplate['tokens'][number]> = [];
    const params: Array<readonly [string, Converter, number]> = [];
    const matchParts = ['^'];
    let group = 1;
    const converters: Record<string, Converter> = {};
    const steps: RouteStep[] = [];
    let previousEnd = 0;
    for (const found of route.matchAll(PARAMETER)) {
      const [whole, converterName = 'str', parameter = ''] = found;
      checkParameter(route, whole, converterName, parameter, converters);
      const converter = getConverter(converterName) as Converter;
      const literal = route.slice(previousEnd, found.index);
      parts.push(escapeRegex(literal), `(?<${parameter}>${converter.regex})`);
      matchParts.push(escapeRegex(literal), `(${converter.regex})`);
      if (literal !== '') {
        tokens.push({ type: 'text', value: literal });
        steps.push({ literal });
      }
      tokens.push({ type: 'param', name: parameter });
      steps.push({ name: parameter, converter });
      converters[parameter] = converter;
      params.push([parameter, converter, group]);
      group += 1 + groupCount(converter.regex);
      previousEnd = found.index + whole.length;
    }
    const tail = route.slice(previousEnd);
    parts.push(escapeRegex(tail));
    matchParts.push(escapeRegex(tail));
    if (tail !== '') {
      tokens.push({ type: 'text', value: tail });
      steps.push({ literal: tail });
    }
    if (this.isEndpoint) {
      parts.push('$');
      matchParts.push('$');
    }
    this.source = parts.join('');
    this.#regex = new RegExp(matchParts.join(''));
    this.#params = params;
    this.converters = converters;
    this.fullyLiteral = params.length === 0;
    const firstParam = route.search(PARAMETER);
    this.literalPrefix = firstParam === -1 ? route : route.slice(0, firstParam);
    this.templates = [{ tokens, params: params.map(([name]) => name) }];
    this.matcher = RouteMatcher.compile(steps, this.isEndpoint, builtinConverters);
  }

  match(path: string): PatternMatch | null {
    if (this.fullyLiteral) {
      // Same answer as the regex, without running it (Django 5.x does the same).
      if (this.isEndpoint) return path === this.route ? { remaining: '', args: [], kwargs: {} } : null;
      return path.startsWith(this.route) ? { remaining: path.slice(this.route.length), args: [], kwargs: {} } : null;
    }
    const matcher = this.matcher;
    if (matcher !== null) {
      const kwargs = matcher.matchAt(path, 0);
      if (kwargs === null) return null;
      return { remaining: this.isEndpoint ? '' : path.slice(matcher.end), args: NO_ARGS, kwargs };
    }
    const found = this.#regex.exec(path);
    if (found === null) return null;
    const kwargs: Record<string, unknown> = {};
    const params = this.#params;
    for (let i = 0; i < params.length; i += 1) {
      const [name, converter, group] = params[i] as readonly [string, Converter, number];
      try {
        kwargs[name] = converter.toValue(found[group] as string);
      } catch (error) {
        if (error instanceof Error) return null;
        throw error;
      }
    }
    return { remaining: this.isEndpoint ? '' : path.slice(found[0].length), args: NO_ARGS, kwargs };
  }

  check(object: unknown, appendSlash: boolean): UrlCheckWarning[] {
    const warnings = [...checkStartsWithSlash(this, object, appendSlash), ...this.#checkBrackets(object)];
    const route = this.route;
    if (route.includes('(?P<') || route.includes('(?<') || route.startsWith('^') || route.endsWith('$')) {
      warnings.push({
        id: '2_0.W001',
        message:
          `Your URL pattern ${this.describe()} has a route that contains '(?P<', begins with a '^', or ends with a '$'. ` +
          'This was likely an oversight when migrating from rePath() to path().',
        object,
      });
    }
    return warnings;
  }

  /** Django's `_check_pattern_unmatched_brackets`, segment by segment. */
  #checkBrackets(object: unknown): UrlCheckWarning[] {
    for (const segment of this.route.split('/')) {
      let open = 0;
      let unmatched: string | null = null;
      for (const char of segment) {
        if (char === '<') open += 1;
        else if (char === '>') {
          open -= 1;
          if (open < 0) {
            unmatched = '>';
            break;
          }
        }
      }
      if (unmatched === null && open > 0) unmatched = '<';
      if (unmatched !== null) {
        return [{ id: 'urls.W010', message: `Your URL pattern ${this.describe()} has an unmatched '${unmatched}' bracket.`, object }];
      }
    }
    return [];
  }

  describe(): string {
    return describePattern(this);
  }

  toString(): string {
    return this.route;
  }
}

function checkParameter(
  route: string,
  whole: string,
  converterName: string,
  parameter: string,
  seen: Readonly<Record<string, Converter>>,
): void {
  if (WHITESPACE.test(whole)) {
    throw new ImproperlyConfigured(`URL route '${route}' cannot contain whitespace in angle brackets <…>; remove it from '${whole}'.`);
  }
  if (!IDENTIFIER.test(parameter)) {
    throw new ImproperlyConfigured(
      `URL route '${route}' uses parameter name '${parameter}' which isn't a valid JavaScript identifier; use letters, digits, '_' or '$', not starting with a digit.`,
    );
  }
  // Kwargs are plain objects: this name would set their prototype instead of a key.
  if (parameter === '__proto__') {
    throw new ImproperlyConfigured(`URL route '${route}' uses parameter name '__proto__', which cannot be a kwarg; choose another name.`);
  }
  if (Object.hasOwn(seen, parameter)) {
    throw new ImproperlyConfigured(`URL route '${route}' uses parameter name '${parameter}' twice; give each parameter its own name.`);
  }
  if (getConverter(converterName) === undefined) {
    const known = converterNames()
      .map((name) => `'${name}'`)
      .join(', ');
    throw new ImproperlyConfigured(
      `URL route '${route}' uses invalid converter '${converterName}'; use one of ${known} or register it first with registerConverter().`,
    );
  }
}

/** `'articles/<int:year>/' [name='year-archive']` (Django's `describe()`). */
export function describePattern(pattern: Pattern): string {
  const name = pattern.name ? ` [name='${pattern.name}']` : '';
  return `'${pattern.toString()}'${name}`;
}

/** `urls.W002`, shared with regex patterns: it inspects the compiled regex, as Django does. */
export function checkStartsWithSlash(pattern: Pattern, object: unknown, appendSlash: boolean): UrlCheckWarning[] {
  if (!appendSlash) return [];
  const source = pattern.source;
  const starts = source.startsWith('/') || source.startsWith('^/') || source.startsWith('^\\/');
  if (!starts || source.endsWith('/')) return [];
  return [
    {
      id: 'urls.W002',
      message:
        `Your URL pattern ${pattern.describe()} has a route beginning with a '/'. Remove this slash as it is unnecessary. ` +
        "If this pattern is targeted in an include(), ensure the include() pattern has a trailing '/'.",
      object,
    },
  ];
}
