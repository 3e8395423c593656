/**
 * The pattern `rePath()` builds from a regular expression (Django's
 * RegexPattern), with Django's matching rules:
 *
 * - an endpoint whose regex ends in `$` must match the whole path (Python's
 *   `fullmatch`); any other regex is *searched*, so an unanchored
 *   `rePath('unanch/', …)` also matches `/xx/unanch/`;
 * - named groups become kwargs (groups that did not take part are dropped);
 *   without named groups, every group is a positional arg (one that did not
 *   take part gives `''`, where Django passes `None`).
 *
 * The regex is JavaScript syntax. Python's `(?P<name>…)`, `(?P=name)`, `\A`
 * and `\Z` are translated, so patterns pasted from a Django project work.
 */
import { ImproperlyConfigured } from '../errors.js';
import { normalizeRegex } from './normalize-regex.js';
import { checkStartsWithSlash, describePattern } from './route-pattern.js';
import type { Pattern, PatternMatch, ReverseTemplate, UrlCheckWarning } from './types.js';

export class RegexPattern implements Pattern {
  /** The regex as written (a string, or a RegExp's `source`). */
  readonly regex: string;
  readonly isEndpoint: boolean;
  readonly name: string | null;
  readonly source: string;
  readonly flags: string;
  readonly converters = {};
  readonly literalPrefix: string | null;
  readonly fullyLiteral: boolean;
  readonly #matcher: RegExp;
  #templates: readonly ReverseTemplate[] | undefined;

  constructor(regex: RegExp | string, options: { isEndpoint: boolean; name: string | null }) {
    this.isEndpoint = options.isEndpoint;
    this.name = options.name;
    // g and y make a RegExp stateful (lastIndex): matching must not depend on the last request.
    this.flags = typeof regex === 'string' ? '' : regex.flags.replace(/[gy]/g, '');
    this.regex = typeof regex === 'string' ? regex : regex.source;
    this.source = typeof regex === 'string' ? translatePythonRegex(regex) : regex.source;
    const fullMatch = this.isEndpoint && this.regex.endsWith('$');
    try {
      this.#matcher = new RegExp(fullMatch ? `^(?:${this.source})$` : this.source, this.flags);
    } catch (error) {
      throw new ImproperlyConfigured(
        `rePath(): '${this.regex}' is not a valid regular expression (${(error as Error).message}); fix it (JavaScript RegExp syntax).`,
        { cause: error },
      );
    }
    const literal = leadingLiteral(this.source, this.flags);
    this.literalPrefix = literal?.text ?? null;
    this.fullyLiteral = literal?.whole === true && !this.isEndpoint;
  }

  get templates(): readonly ReverseTemplate[] {
    this.#templates ??= normalizeRegex(this.source);
    return this.#templates;
  }

  match(path: string): PatternMatch | null {
    const found = this.#matcher.exec(path);
    if (found === null) return null;
    const remaining = path.slice(found.index + found[0].length);
    if (found.groups !== undefined) {
      const kwargs: Record<string, unknown> = {};
      for (const key of Object.keys(found.groups)) {
        const value = found.groups[key];
        if (value !== undefined) kwargs[key] = value;
      }
      return { remaining, args: [], kwargs };
    }
    const args: string[] = [];
    for (let index = 1; index < found.length; index += 1) args.push(found[index] ?? '');
    return { remaining, args, kwargs: {} };
  }

  check(object: unknown, appendSlash: boolean): UrlCheckWarning[] {
    const warnings = checkStartsWithSlash(this, object, appendSlash);
    if (!this.isEndpoint && this.regex.endsWith('$') && !this.regex.endsWith('\\$')) {
      warnings.push({
        id: 'urls.W001',
        message:
          `Your URL pattern ${this.describe()} uses include with a route ending with a '$'. ` +
          'Remove the dollar from the route to avoid problems including URLs.',
        object,
      });
    }
    return warnings;
  }

  describe(): string {
    return describePattern(this);
  }

  toString(): string {
    return this.regex;
  }
}

/**
 * Python regex syntax to JavaScript: `(?P<name>` -> `(?<name>`, `(?P=name)`
 * -> `\k<name>`, `\A` -> `^`, `\Z` -> `$` (JavaScript's `$` without the `m`
 * flag only matches at the very end, as `\Z`). Escapes and character classes
 * are copied as they are.
 */
export function translatePythonRegex(regex: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < regex.length; i += 1) {
    const char = regex[i] as string;
    if (char === '\\') {
      const next = regex[i + 1] ?? '';
      i += 1;
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'Z') out += '$';
      else out += char + next;
    } else if (inClass) {
      if (char === ']') inClass = false;
      out += char;
    } else if (char === '[') {
      inClass = true;
      out += char;
      // A ']' right after '[' or '[^' is a literal in Python.
      if (regex[i + 1] === '^') out += regex[++i];
      if (regex[i + 1] === ']') out += `\\${regex[++i]}`;
    } else if (regex.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (regex.startsWith('(?P=', i)) {
      const end = regex.indexOf(')', i);
      out += `\\k<${regex.slice(i + 4, end)}>`;
      i = end;
    } else {
      out += char;
    }
  }
  return out;
}

const PLAIN = /[A-Za-z0-9/_~%!,;=@&'<>"#` -]/;

/**
 * The literal text a regex anchored with `^` must start with, and whether it
 * is nothing but that text. Null when the regex is not anchored, has an
 * alternation anywhere, or ignores case: then nothing is known.
 */
function leadingLiteral(source: string, flags: string): { text: string; whole: boolean } | null {
  if (!source.startsWith('^') || source.includes('|') || /[imsuv]/.test(flags)) return null;
  let text = '';
  let i = 1;
  while (i < source.length) {
    const char = source[i] as string;
    let literal: string | null = null;
    let width = 1;
    if (char === '\\') {
      const next = source[i + 1] ?? '';
      // An escaped punctuation character is itself; `\d`, `\w`, `\u…` are classes or codes.
      if (next !== '' && !/[A-Za-z0-9]/.test(next)) {
        literal = next;
        width = 2;
      }
    } else if (PLAIN.test(char)) {
      literal = char;
    }
    if (literal === null) break;
    const after = source[i + width];
    if (after === '?' || after === '*' || after === '{') return { text, whole: false };
    if (after === '+') return { text: text + literal, whole: false };
    text += literal;
    i += width;
  }
  return { text, whole: i === source.length };
}
