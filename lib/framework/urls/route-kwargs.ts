/**
 * Type-level parsing of routes, so a view's kwargs are typed from its route:
 * `path('articles/<int:year>/<slug:slug>/', (request, { year, slug }) => …)`
 * gives `{ year: number; slug: string }`. Built-in converters map to their
 * value types; a custom converter's value is `unknown`.
 */
import type { Kwargs } from '../types.js';

/** The value type of a built-in converter; `unknown` for others. */
export type ConverterValue<C extends string> = C extends 'int'
  ? number
  : C extends 'str' | 'slug' | 'uuid' | 'path'
    ? string
    : unknown;

type ParameterKwargs<P extends string> = P extends `${infer C}:${infer N}`
  ? { [K in N]: ConverterValue<C> }
  : { [K in P]: string };

type RouteParameters<R extends string> = R extends `${string}<${infer P}>${infer Rest}`
  ? ParameterKwargs<P> & RouteParameters<Rest>
  : unknown;

type Flatten<T> = { [K in keyof T]: T[K] };

/** The kwargs a route captures; `Kwargs` when the route is not a literal type. */
export type RouteKwargs<R extends string> = string extends R ? Kwargs : Flatten<RouteParameters<R>>;

/** Captured kwargs `K` with extra kwargs `E` laid over them (extra kwargs win, as at runtime). */
export type WithExtraKwargs<K, E> = Flatten<Omit<K, keyof E> & E>;
