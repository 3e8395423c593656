/**
 * A route's matcher without a regex: what makes a request cheap when its
 * route uses only the built-in converters (`str`, `int`, `slug`, `uuid`,
 * `path`), which is most routes.
 *
 * The route's regex (`^r1/(?<id>[0-9]+)/$`) and this matcher give the same
 * answers wherever the matcher is built; `compile()` refuses (returns null)
 * the routes where a greedy walk could differ from the regex's backtracking:
 *
 * - a parameter followed by literal text starting with a character the
 *   parameter also matches (`<str:name>.html`, `<int:n>7/`) or directly by
 *   another parameter (`<int:a><slug:b>`); a `uuid` has a fixed shape, so
 *   anything may follow it;
 * - a `path` (`.+`) anywhere but at the end of an endpoint, where its extent
 *   is known: everything up to the closing literal text;
 * - a custom converter: its regex may hold anything (and its `toValue` may
 *   reject), so the route keeps its regex.
 *
 * `matchAt(text, start)` works in place (no slice of the path, no match
 * array); an `int` is read from the character codes. The kwargs object is
 * the only allocation, with a slice per text-valued parameter.
 */
import type { Kwargs } from '../types.js';
import type { Converter } from './types.js';

/** What a step of the walk matches. */
const LITERAL = 0;
const INT = 1;
const STR = 2;
const SLUG = 3;
const UUID = 4;
/** A `path` parameter closing an endpoint: its name, then the literal after it, are its texts. */
const PATH_TAIL = 5;

/** One piece of a route: literal text, or a parameter with its converter. */
export type RouteStep = { readonly literal: string } | { readonly name: string; readonly converter: Converter };

/** Routes never produce positional args; one frozen empty list serves every match. */
export const NO_ARGS = Object.freeze([]) as unknown as string[];

/** Digits parsed by hand are exact up to 15 of them (below 2^53); longer runs go through Number(). */
const MAX_EXACT_DIGITS = 15;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** `[-a-zA-Z0-9_]` */
function isSlugChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || isDigit(code) || code === 0x2d || code === 0x5f;
}

function isLowerHex(code: number): boolean {
  return isDigit(code) || (code >= 0x61 && code <= 0x66);
}

/** What a regex `.` does not match (no `s` flag): `\n`, `\r`, U+2028, U+2029. */
function isLineTerminator(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

/** Whether a parameter of `kind` could match the character `code` (so must not be followed by it). */
function swallows(kind: number, code: number): boolean {
  if (kind === INT) return isDigit(code);
  if (kind === SLUG) return isSlugChar(code);
  if (kind === STR) return code !== 0x2f;
  return false; // a uuid has a fixed length
}

/** `text.startsWith(literal, at)`, compared in line: the builtin call costs more than a route's few characters. */
function hasAt(text: string, literal: string, at: number): boolean {
  if (at + literal.length > text.length) return false;
  for (let i = 0; i < literal.length; i += 1) if (text.charCodeAt(at + i) !== literal.charCodeAt(i)) return false;
  return true;
}

/** `8-4-4-4-12` lowercase hex digits at `at`. */
function isUuidAt(text: string, at: number): boolean {
  if (at + 36 > text.length) return false;
  for (let i = 0; i < 36; i += 1) {
    const code = text.charCodeAt(at + i);
    if (i === 8 || i === 13 || i === 18 || i === 23 ? code !== 0x2d : !isLowerHex(code)) return false;
  }
  return true;
}

export class RouteMatcher {
  readonly #kinds: readonly number[];
  /** Per step: the literal text, or the parameter's name. */
  readonly #texts: readonly string[];
  readonly #isEndpoint: boolean;
  /** Where the last successful `matchAt()` ended (the remaining path of a prefix starts there). */
  end = 0;

  private constructor(kinds: number[], texts: string[], isEndpoint: boolean) {
    this.#kinds = kinds;
    this.#texts = texts;
    this.#isEndpoint = isEndpoint;
  }

  /**
   * The matcher for a route's steps, or null when the route needs its
   * regex. `builtins` names the built-in converters by object.
   */
  static compile(steps: readonly RouteStep[], isEndpoint: boolean, builtins: ReadonlyMap<Converter, string>): RouteMatcher | null {
    const kinds: number[] = [];
    const texts: string[] = [];
    for (let i = 0; i < steps.length; i += 1) {
      const step = steps[i] as RouteStep;
      if ('literal' in step) {
        const previous = kinds[kinds.length - 1];
        if (previous !== undefined && previous !== LITERAL && swallows(previous, step.literal.charCodeAt(0))) return null;
        kinds.push(LITERAL);
        texts.push(step.literal);
        continue;
      }
      const previous = kinds[kinds.length - 1];
      if (previous !== undefined && previous !== LITERAL && previous !== UUID) return null;
      const builtin = builtins.get(step.converter);
      if (builtin === 'path') {
        const next = steps[i + 1];
        const closing = next !== undefined && 'literal' in next ? next.literal : '';
        if (!isEndpoint || i + (closing === '' ? 1 : 2) !== steps.length) return null;
        kinds.push(PATH_TAIL);
        texts.push(step.name, closing);
        break;
      }
      const kind = builtin === 'int' ? INT : builtin === 'str' ? STR : builtin === 'slug' ? SLUG : builtin === 'uuid' ? UUID : null;
      if (kind === null) return null;
      kinds.push(kind);
      texts.push(step.name);
    }
    return new RouteMatcher(kinds, texts, isEndpoint);
  }

  /**
   * The same matcher for texts known to hold the first `count` characters of
   * the route's leading literal text (the resolver's trie walk has compared
   * them): it starts `count` characters later and does not compare them again.
   */
  skipping(count: number): RouteMatcher {
    if (count === 0) return this;
    const leading = this.#texts[0] as string;
    if (this.#kinds[0] !== LITERAL || count > leading.length) {
      throw new RangeError(`RouteMatcher.skipping(): cannot skip ${count} characters of the leading literal '${this.#kinds[0] === LITERAL ? leading : ''}'.`);
    }
    const kinds = [...this.#kinds];
    const texts = [...this.#texts];
    if (count === leading.length) {
      kinds.shift();
      texts.shift();
    } else {
      texts[0] = leading.slice(count);
    }
    return new RouteMatcher(kinds, texts, this.#isEndpoint);
  }

  /**
   * The kwargs when the route matches `text` from `start` (the whole rest of
   * it for an endpoint), else null; `end` is then where the match ended.
   */
  matchAt(text: string, start: number): Kwargs | null {
    const kinds = this.#kinds;
    const texts = this.#texts;
    const length = text.length;
    // Made at the first parameter: most candidates of a request fail on their literal text.
    let kwargs: Record<string, unknown> | null = null;
    let at = start;
    for (let step = 0; step < kinds.length; step += 1) {
      const kind = kinds[step] as number;
      const value = texts[step] as string;
      if (kind === LITERAL) {
        if (!hasAt(text, value, at)) return null;
        at += value.length;
        continue;
      }
      let end = at;
      if (kind === INT) {
        let number = 0;
        for (let code = text.charCodeAt(end); isDigit(code); code = text.charCodeAt(++end)) number = number * 10 + (code - 0x30);
        if (end === at) return null;
        (kwargs ??= {})[value] = end - at <= MAX_EXACT_DIGITS ? number : Number(text.slice(at, end));
        at = end;
        continue;
      }
      if (kind === STR) {
        end = text.indexOf('/', at);
        if (end === -1) end = length;
      } else if (kind === SLUG) {
        while (end < length && isSlugChar(text.charCodeAt(end))) end += 1;
      } else if (kind === UUID) {
        if (!isUuidAt(text, at)) return null;
        end = at + 36;
      } else {
        // PATH_TAIL: `.+` then the closing literal, then the end of the text.
        const closing = texts[step + 1] as string;
        end = length - closing.length;
        if (end <= at || !text.endsWith(closing)) return null;
        for (let i = at; i < end; i += 1) if (isLineTerminator(text.charCodeAt(i))) return null;
        (kwargs ??= {})[value] = text.slice(at, end);
        this.end = length;
        return kwargs;
      }
      if (end === at) return null;
      (kwargs ??= {})[value] = text.slice(at, end);
      at = end;
    }
    if (this.#isEndpoint && at !== length) return null;
    this.end = at;
    return kwargs ?? {};
  }
}
