/**
 * `RequestHeaders`: `request.headers`, a read-only, case-insensitive view of
 * the request's HTTP headers (Django's `HttpHeaders`), built from the
 * environ's `HTTP_*` keys plus `CONTENT_TYPE` and `CONTENT_LENGTH`.
 * Names read as on the wire: `headers.get('User-Agent')`,
 * `headers.get('user-agent')`; iteration gives `['User-Agent', value]`.
 * Values are the environ's byte strings.
 *
 * A lookup reads the environ key directly, so `get()` costs no map; the
 * list of names is only built when iterated.
 */
import { inspect } from 'node:util';
import type { Environ } from '../../protocol/types.js';

const UNPREFIXED: Record<string, string> = { CONTENT_TYPE: 'Content-Type', CONTENT_LENGTH: 'Content-Length' };

/** `HTTP_USER_AGENT` -> `User-Agent`; undefined for keys that are not headers. */
export function headerNameFromEnvironKey(key: string): string | undefined {
  if (key in UNPREFIXED) return UNPREFIXED[key];
  if (!key.startsWith('HTTP_') || key.length === 5) return undefined;
  return key
    .slice(5)
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join('-');
}

// Code asks for the same few names on every request: their keys are kept (so many at most).
const KEY_CACHE_LIMIT = 256;
const keys = new Map<string, string | undefined>();

/** `User-Agent` -> `HTTP_USER_AGENT`; undefined when the name cannot be a header (`_` in it). */
function environKey(name: string): string | undefined {
  const cached = keys.get(name);
  if (cached !== undefined || keys.has(name)) return cached;
  let key: string | undefined;
  if (!name.includes('_')) {
    const upper = name.toUpperCase().replaceAll('-', '_');
    key = upper === 'CONTENT_TYPE' || upper === 'CONTENT_LENGTH' ? upper : `HTTP_${upper}`;
  }
  if (keys.size < KEY_CACHE_LIMIT) keys.set(name, key);
  return key;
}

export class RequestHeaders implements Iterable<[name: string, value: string]> {
  readonly #environ: Environ;
  #entries: Array<[string, string]> | undefined;

  constructor(environ: Environ) {
    this.#environ = environ;
  }

  /** The value of header `name` (any case), or undefined. */
  get(name: string): string | undefined {
    const key = environKey(name);
    if (key === undefined) return undefined;
    const value = this.#environ[key];
    return typeof value === 'string' ? value : undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** The number of headers. */
  get size(): number {
    return this.entries().length;
  }

  keys(): string[] {
    return this.entries().map(([name]) => name);
  }

  /** `[Name, value]` pairs (a copy), in environ order. */
  entries(): Array<[name: string, value: string]> {
    if (this.#entries === undefined) {
      const entries: Array<[string, string]> = [];
      for (const [key, value] of Object.entries(this.#environ)) {
        const name = typeof value === 'string' ? headerNameFromEnvironKey(key) : undefined;
        if (name !== undefined) entries.push([name, value as string]);
      }
      this.#entries = entries;
    }
    return this.#entries.map(([name, value]) => [name, value]);
  }

  [Symbol.iterator](): Iterator<[name: string, value: string]> {
    return this.entries()[Symbol.iterator]();
  }

  toObject(): Record<string, string> {
    return Object.fromEntries(this.entries());
  }

  toString(): string {
    return `<RequestHeaders: ${inspect(this.toObject())}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
