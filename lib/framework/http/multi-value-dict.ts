/**
 * `MultiValueDict`: a map from a key to a list of values, as an HTML form
 * sends them (`?tag=a&tag=b`). Django's `MultiValueDict`: `get()` returns
 * the LAST value of a key, `getList()` every value. `request.FILES` is one;
 * `QueryDict` (GET and POST) builds on it.
 *
 * A dict can be made immutable (the request's are): every method that would
 * change it then throws, and `copy()` gives a mutable copy.
 *
 * @example
 * const files = request.FILES;
 * files.get('avatar');          // the last file sent as 'avatar', or undefined
 * files.getList('attachments'); // every file sent as 'attachments'
 */
import { inspect } from 'node:util';
import { TsgiError } from '../../protocol/errors.js';

export class MultiValueDict<V> implements Iterable<[key: string, value: V]> {
  readonly #lists = new Map<string, V[]>();
  #mutable = true;

  /** Starts from `[key, value]` pairs (a key may repeat) or a `{ key: value | values }` object. */
  constructor(init?: Iterable<readonly [string, V]> | Readonly<Record<string, V | readonly V[]>>) {
    if (init === undefined) return;
    if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const [key, value] of init as Iterable<readonly [string, V]>) this.appendList(key, value);
    } else {
      for (const [key, value] of Object.entries(init as Record<string, V | readonly V[]>)) {
        this.setList(key, Array.isArray(value) ? (value as readonly V[]) : [value as V]);
      }
    }
  }

  /** False once the dict was frozen with `makeImmutable()` (the request's dicts are). */
  get mutable(): boolean {
    return this.#mutable;
  }

  /** The number of distinct keys. */
  get size(): number {
    return this.#lists.size;
  }

  /** The last value of `key`, or `fallback` (undefined) when the key is absent or has no values. */
  get(key: string): V | undefined;
  get<D>(key: string, fallback: D): V | D;
  get<D>(key: string, fallback?: D): V | D | undefined {
    const list = this.#lists.get(key);
    return list === undefined || list.length === 0 ? fallback : list[list.length - 1];
  }

  /** Every value of `key` in order (a copy); `fallback` (empty) when absent. */
  getList(key: string, fallback: V[] = []): V[] {
    const list = this.#lists.get(key);
    return list === undefined ? fallback : list.slice();
  }

  has(key: string): boolean {
    return this.#lists.has(key);
  }

  keys(): IterableIterator<string> {
    return this.#lists.keys();
  }

  /** The last value of each key. */
  *values(): IterableIterator<V> {
    for (const [, value] of this.items()) yield value;
  }

  /** `[key, last value]` per key, as Django's `items()`. */
  *items(): IterableIterator<[key: string, value: V]> {
    for (const [key, list] of this.#lists) {
      if (list.length > 0) yield [key, list[list.length - 1]!];
    }
  }

  /** `[key, every value]` per key. */
  *lists(): IterableIterator<[key: string, values: V[]]> {
    for (const [key, list] of this.#lists) yield [key, list.slice()];
  }

  /** Every `[key, value]` pair, repeated keys included, in order of keys. */
  *[Symbol.iterator](): IterableIterator<[key: string, value: V]> {
    for (const [key, list] of this.#lists) {
      for (const value of list) yield [key, value];
    }
  }

  /** Replaces the values of `key` with `value`. */
  set(key: string, value: V): this {
    this.assertMutable();
    this.#lists.set(key, [value]);
    return this;
  }

  setList(key: string, values: readonly V[]): this {
    this.assertMutable();
    this.#lists.set(key, values.slice());
    return this;
  }

  appendList(key: string, value: V): this {
    this.assertMutable();
    const list = this.#lists.get(key);
    if (list === undefined) this.#lists.set(key, [value]);
    else list.push(value);
    return this;
  }

  /** The last value of `key`; if absent, sets it to `value` and returns that. */
  setDefault(key: string, value: V): V {
    this.assertMutable();
    if (!this.#lists.has(key)) this.#lists.set(key, [value]);
    return this.get(key, value);
  }

  delete(key: string): boolean {
    this.assertMutable();
    return this.#lists.delete(key);
  }

  clear(): void {
    this.assertMutable();
    this.#lists.clear();
  }

  /** A mutable copy (value lists copied, values shared). */
  copy(): MultiValueDict<V> {
    const copy = new MultiValueDict<V>();
    this.copyInto(copy);
    return copy;
  }

  /** Freezes the dict: every later change throws. */
  makeImmutable(): this {
    this.#mutable = false;
    return this;
  }

  /** `{ key: last value }`, or `{ key: values }` with `{ lists: true }`. */
  toObject(): Record<string, V>;
  toObject(options: { lists: true }): Record<string, V[]>;
  toObject(options?: { lists: true }): Record<string, V | V[]> {
    const result: Record<string, V | V[]> = {};
    for (const [key, list] of this.lists()) {
      const value = options?.lists ? list : list[list.length - 1];
      if (value !== undefined) Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return result;
  }

  toString(): string {
    return `<${this.constructor.name}: ${inspect(this.toObject({ lists: true }))}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** Copies every list into `target` (used by subclasses' `copy()`). */
  protected copyInto(target: MultiValueDict<V>): void {
    for (const [key, list] of this.#lists) target.setList(key, list);
  }

  protected assertMutable(): void {
    if (!this.#mutable) {
      throw new TsgiError(
        `This ${this.constructor.name} instance is immutable (the request's data is read-only). Call copy() and change the copy.`,
      );
    }
  }
}
