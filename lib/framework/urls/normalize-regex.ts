/**
 * Django's `normalize()` (utils/regex_helper.py) for JavaScript regexes: the
 * URLs a `rePath()` regex can be reversed to, as path-to-regexp text and
 * parameter tokens. Like Django, it
 *
 * 1. keeps the minimum number of repetitions (zero for `?` and `*`), and for
 *    an optional group holding parameters, offers both "without" and "with";
 * 2. picks a representative character for classes (`[a-z]` -> `a`,
 *    `\d` -> `0`, `\w` -> `x`, `.` -> `.`);
 * 3. ignores lookarounds and anchors, and gives up on alternation (`|`):
 *    such a regex reverses to the empty text only.
 *
 * Each candidate is checked against the regex when reversing, so a poor
 * guess costs a NoReverseMatch, never a wrong URL.
 */
import type { ReverseTemplate } from './types.js';

type Element = string | { readonly param: string } | { readonly group: Element[] } | { readonly optional: Element };

const ESCAPES: Readonly<Record<string, string>> = { d: '0', D: 'x', s: ' ', S: 'x', w: 'x', W: '!', b: '', B: '' };

class Alternation extends Error {}

class Walker {
  readonly #source: string;
  #index = 0;
  #unnamed = 0;

  constructor(source: string) {
    this.#source = source;
  }

  /** Elements up to the end, or up to the `)` closing a non-capturing group. */
  sequence(nested: boolean): Element[] {
    const source = this.#source;
    const result: Element[] = [];
    while (this.#index < source.length) {
      const char = source[this.#index++] as string;
      if (char === '|') throw new Alternation();
      if (char === '^') continue;
      if (char === '$') {
        // Django stops at the first `$`: nothing after it can be in a URL.
        this.#index = source.length;
        break;
      }
      if (char === ')' && nested) break;
      if (char === '?' || char === '*' || char === '+' || (char === '{' && /^\d/.test(source.slice(this.#index)))) {
        this.#quantify(char, result);
        continue;
      }
      result.push(this.#element(char));
    }
    return result;
  }

  #element(char: string): Element {
    const source = this.#source;
    if (char === '.') return '.';
    if (char === '[') return this.#characterClass();
    if (char === '\\') return this.#escape();
    if (char !== '(') return char;
    if (source.startsWith('?:', this.#index)) {
      this.#index += 2;
      return { group: this.sequence(true) };
    }
    const named = /^\?<([^=!>][^>]*)>/.exec(source.slice(this.#index));
    if (named !== null) {
      this.#skipGroup();
      return { param: named[1] as string };
    }
    if (source[this.#index] === '?') {
      this.#skipGroup(); // lookahead, lookbehind: not part of the URL
      return '';
    }
    this.#skipGroup();
    return { param: `_${this.#unnamed++}` };
  }

  #characterClass(): string {
    const source = this.#source;
    if (source[this.#index] === '^') this.#index += 1;
    let first = '';
    let start = true;
    while (this.#index < source.length) {
      const char = source[this.#index++] as string;
      if (char === ']' && !start) break;
      const value = char === '\\' ? (source[this.#index++] ?? '') : char;
      if (start) first = char === '\\' ? (ESCAPES[value] ?? value) : value;
      start = false;
    }
    return first;
  }

  #escape(): Element {
    const source = this.#source;
    const char = source[this.#index++] ?? '';
    if (char === 'k' && source[this.#index] === '<') {
      const end = source.indexOf('>', this.#index);
      const name = source.slice(this.#index + 1, end);
      this.#index = end + 1;
      return { param: name };
    }
    const code = /^(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2}))/.exec(source.slice(this.#index - 1));
    if (code !== null) {
      this.#index += code[0].length - 1;
      return String.fromCharCode(Number.parseInt((code[1] ?? code[2]) as string, 16));
    }
    return ESCAPES[char] ?? char;
  }

  /** Moves past the `)` closing the group just opened, minding nesting, escapes and classes. */
  #skipGroup(): void {
    const source = this.#source;
    let depth = 1;
    let inClass = false;
    while (this.#index < source.length && depth > 0) {
      const char = source[this.#index++];
      if (char === '\\') this.#index += 1;
      else if (inClass) inClass = char !== ']';
      else if (char === '[') inClass = true;
      else if (char === '(') depth += 1;
      else if (char === ')') depth -= 1;
    }
  }

  #quantify(char: string, result: Element[]): void {
    const source = this.#source;
    let count = char === '+' ? 1 : 0;
    if (char === '{') {
      const found = /^(\d+)(?:,\d*)?\}/.exec(source.slice(this.#index)) as RegExpExecArray;
      count = Number(found[1]);
      this.#index += found[0].length;
    }
    if (source[this.#index] === '?') this.#index += 1; // lazy quantifier: same repetitions
    const last = result.pop();
    if (last === undefined) return;
    if (count === 0) {
      if (hasParam(last)) result.push({ optional: last });
    } else {
      for (let i = 0; i < count; i += 1) result.push(last);
    }
  }
}

function hasParam(element: Element): boolean {
  if (typeof element === 'string') return false;
  if ('param' in element) return true;
  if ('optional' in element) return hasParam(element.optional);
  return element.group.some(hasParam);
}

interface Draft {
  text: string;
  tokens: Array<ReverseTemplate['tokens'][number]>;
  params: string[];
}

function flatten(elements: readonly Element[], drafts: Draft[]): Draft[] {
  let current = drafts;
  for (const element of elements) {
    if (typeof element === 'string') {
      for (const draft of current) draft.text += element;
    } else if ('param' in element) {
      for (const draft of current) {
        if (draft.text !== '') draft.tokens.push({ type: 'text', value: draft.text });
        draft.text = '';
        draft.tokens.push({ type: 'param', name: element.param });
        draft.params.push(element.param);
      }
    } else if ('group' in element) {
      current = flatten(element.group, current);
    } else {
      const without = current.map(copyDraft);
      current = [...without, ...flatten([element.optional], current)];
    }
  }
  return current;
}

function copyDraft(draft: Draft): Draft {
  return { text: draft.text, tokens: [...draft.tokens], params: [...draft.params] };
}

/** The reverse templates of a JavaScript regex source (see the module doc). */
export function normalizeRegex(source: string): ReverseTemplate[] {
  let elements: Element[];
  try {
    elements = new Walker(source).sequence(false);
  } catch (error) {
    if (error instanceof Alternation) return [{ tokens: [], params: [] }];
    throw error;
  }
  return flatten(elements, [{ text: '', tokens: [], params: [] }]).map((draft) => ({
    tokens: draft.text === '' ? draft.tokens : [...draft.tokens, { type: 'text', value: draft.text }],
    params: draft.params,
  }));
}
