/**
 * What `path()` and `rePath()` share (Django's `conf._path`): given a
 * pattern factory and the second argument, build an endpoint (a view) or an
 * include (the result of `include()`), checking the arguments at once.
 */
import { describeValue } from '../../protocol/describe-value.js';
import type { Kwargs } from '../types.js';
import { IncludedUrls } from './include.js';
import type { AnyView, Pattern } from './types.js';
import { UrlPattern } from './url-pattern.js';
import { UrlResolver } from './url-resolver.js';

/** The third argument of `path()` / `rePath()`. */
export interface PathOptions<E extends Kwargs = Kwargs> {
  /** Extra kwargs passed to the view; they override captured values of the same name. */
  readonly kwargs?: E;
  /** The name `reverse()` finds the pattern by (may be repeated: the last defined is tried first). */
  readonly name?: string;
}

export function buildEntry(
  caller: string,
  makePattern: (isEndpoint: boolean, name: string | null) => Pattern,
  target: unknown,
  options: PathOptions | undefined,
): UrlPattern | UrlResolver {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`${caller}: options must be an object such as { name: 'detail' }, got ${describeValue(options)}.`);
  }
  const kwargs = options?.kwargs ?? {};
  if (!isPlainObject(kwargs)) {
    throw new TypeError(`${caller}: kwargs must be a plain object, but got ${describeValue(kwargs)}.`);
  }
  const name = options?.name ?? null;
  if (name !== null && typeof name !== 'string') {
    throw new TypeError(`${caller}: name must be a string, got ${describeValue(name)}.`);
  }
  if (target instanceof IncludedUrls) {
    return new UrlResolver(makePattern(false, name), target.patterns, {
      defaultKwargs: { ...kwargs },
      appName: target.appName,
      namespace: target.namespace,
    });
  }
  // A class-based view class is a function too, but calling it fails on every request (Django: urls.E009).
  if (typeof target === 'function' && typeof (target as { asView?: unknown }).asView === 'function') {
    throw new TypeError(`${caller}: view must be a callable; pass ${target.name || 'View'}.asView(), not the ${target.name || 'View'} class.`);
  }
  if (typeof target === 'object' && target !== null && typeof (target.constructor as { asView?: unknown } | undefined)?.asView === 'function') {
    throw new TypeError(`${caller}: view must be a callable; pass ${target.constructor.name}.asView(), not ${target.constructor.name}().`);
  }
  if (typeof target === 'function') return new UrlPattern(makePattern(true, name), target as AnyView, { ...kwargs }, name);
  throw new TypeError(`${caller}: view must be a function or the result of include(), got ${describeValue(target)}.`);
}

function isPlainObject(value: unknown): value is Kwargs {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
