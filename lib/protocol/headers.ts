/**
 * `Headers` edits a response's `HeaderList` in place: ordered, case-insensitive
 * and multi-valued, like wsgiref's `Headers`. It wraps the array it is given
 * rather than copying it, so a middleware can edit the list it will pass on
 * to `startResponse()` and the caller sees every change.
 *
 * @example
 * const list: HeaderList = [['Content-Type', 'text/plain']];
 * const headers = new Headers(list);
 * headers.add('Content-Disposition', 'attachment', { filename: 'bud.gif' });
 * // list now ends with ['Content-Disposition', 'attachment; filename="bud.gif"']
 */
import { inspect } from 'node:util';
import { equalsAsciiLowerCase, isAscii } from './ascii-case.js';
import { describeValue } from './describe-value.js';
import { checkHeaderName, checkHeaderValue } from './header-syntax.js';
import type { HeaderList } from './types.js';

/** Parameters for `Headers.add()`: `null` gives a bare parameter (`; inline`). */
export type HeaderParams = Record<string, string | null>;

/** RFC 9110 §5.6.4 quoted-string: a backslash escapes `\` and `"`. */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

// Responses set the same few header names over and over: a name that passed
// the token check once need not be checked again. Only so many are kept.
const NAME_CACHE_LIMIT = 512;
const VALID_NAMES = new Set<string>();

function checkName(name: string): void {
  if (VALID_NAMES.has(name)) return;
  checkHeaderName(name);
  if (VALID_NAMES.size < NAME_CACHE_LIMIT) VALID_NAMES.add(name);
}

// The lower-case forms of the ASCII names looked up, so many at most.
const ASCII_KEYS = new Map<string, string>();

/** The lower-case form of `name` when it is ASCII, else undefined. */
function asciiKey(name: string): string | undefined {
  let key = ASCII_KEYS.get(name);
  if (key === undefined && isAscii(name)) {
    key = name.toLowerCase();
    if (ASCII_KEYS.size < NAME_CACHE_LIMIT) ASCII_KEYS.set(name, key);
  }
  return key;
}

/**
 * Whether header `header` is `name` (whose lower case is `key`), ignoring
 * case, without lower-casing every header in the list: an exact match is
 * one, and an ASCII `key` is compared in place.
 */
function sameName(header: string, name: string, key: string, ascii: boolean): boolean {
  if (header === name) return true;
  if (ascii && typeof header === 'string') return equalsAsciiLowerCase(header, key);
  return header.toLowerCase() === key;
}

export class Headers implements Iterable<[name: string, value: string]> {
  readonly #list: HeaderList;

  /** Wraps `list` (not a copy); without it, a new empty list. */
  constructor(list: HeaderList = []) {
    if (!Array.isArray(list)) {
      throw new TypeError(`new Headers() expects an array of [name, value] pairs; got ${describeValue(list)}.`);
    }
    this.#list = list;
  }

  /** The number of headers, counting each value of a repeated one. */
  get size(): number {
    return this.#list.length;
  }

  /** The first value of `name`, or `undefined`. */
  get(name: string): string | undefined {
    const known = asciiKey(name);
    const key = known ?? name.toLowerCase();
    const ascii = known !== undefined;
    const list = this.#list;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      if (sameName(entry[0], name, key, ascii)) return entry[1];
    }
    return undefined;
  }

  /** Every value of `name`, in order; empty when it is absent. */
  getAll(name: string): string[] {
    const key = name.toLowerCase();
    return this.#list.filter(([header]) => header.toLowerCase() === key).map(([, value]) => value);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every value of `name` with one, appended at the end. */
  set(name: string, value: string): this {
    checkName(name);
    checkHeaderValue(name, value);
    this.delete(name);
    this.#list.push([name, value]);
    return this;
  }

  /**
   * Appends a header, with parameters as in `Content-Disposition`:
   * `_` in a parameter name becomes `-`, a `null` parameter is bare, and
   * other values are always quoted. A `null` value sends only the parameters.
   */
  add(name: string, value: string | null, params?: HeaderParams): this {
    checkName(name);
    if (params === undefined && value !== null) {
      checkHeaderValue(name, value);
      this.#list.push([name, value]);
      return this;
    }
    const parts: string[] = [];
    if (value !== null) {
      checkHeaderValue(name, value);
      parts.push(value);
    }
    const entries = Object.entries(params ?? {});
    for (const [key, param] of entries) {
      const paramName = key.replaceAll('_', '-');
      checkHeaderName(paramName);
      if (param !== null && typeof param !== 'string') {
        throw new TypeError(
          `Header ${describeValue(name)} parameter ${describeValue(paramName)} must be a string or null; got ${describeValue(param)}.`,
        );
      }
      parts.push(param === null ? paramName : `${paramName}=${quote(param)}`);
    }
    const joined = parts.join('; ');
    // A parameter value may itself hold a forbidden character.
    if (entries.length > 0) checkHeaderValue(name, joined);
    this.#list.push([name, joined]);
    return this;
  }

  /** Removes every value of `name`; true if there was one. Never throws. */
  delete(name: string): boolean {
    if (typeof name !== 'string') return false;
    const known = asciiKey(name);
    const key = known ?? name.toLowerCase();
    const ascii = known !== undefined;
    const list = this.#list;
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      if (!sameName(entry[0], name, key, ascii)) list[kept++] = entry;
    }
    const removed = kept < list.length;
    if (removed) list.length = kept;
    return removed;
  }

  /** The first value of `name`; if absent, adds `value` and returns it. */
  setDefault(name: string, value: string): string {
    const existing = this.get(name);
    if (existing !== undefined) return existing;
    this.add(name, value);
    return value;
  }

  /** Header names in order, repeats included. */
  keys(): string[] {
    return this.#list.map(([name]) => name);
  }

  /** Header values in order. */
  values(): string[] {
    return this.#list.map(([, value]) => value);
  }

  /** A copy of the `[name, value]` pairs, so editing it leaves the headers alone. */
  entries(): Array<[name: string, value: string]> {
    return this.#list.map(([name, value]) => [name, value]);
  }

  [Symbol.iterator](): Iterator<[name: string, value: string]> {
    return this.entries()[Symbol.iterator]();
  }

  /** The wrapped array itself, ready for `startResponse()`. */
  toList(): HeaderList {
    return this.#list;
  }

  /** The HTTP/1.1 header block: `Name: value\r\n` per header, then `\r\n`. */
  toString(): string {
    return this.#list.map(([name, value]) => `${name}: ${value}\r\n`).join('') + '\r\n';
  }

  toJSON(): Array<[name: string, value: string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }

  [inspect.custom](_depth: number, options: object): string {
    return `Headers ${inspect(this.entries(), options)}`;
  }
}
