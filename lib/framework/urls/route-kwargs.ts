/**
 * Type-level parsing of routes, so a view's kwargs are typed from its route:
 * `path('articles/<int:year>/<slug:slug>/', (request, { year, slug }) => …)`
 * gives `{ year: number; slug: string }`. Built-in converters map to their
 * value types; a custom converter's value is `unknown` unless its type is
 * declared in `ConverterValues`.
 */
import type { Kwargs } from '../types.js';

/**
 * The value types of registered converters, by name. Declare your own next
 * to `registerConverter()`, and routes using it are typed too:
 *
 * @example
 * registerConverter('year', { regex: '[0-9]{4}', toValue: Number, toUrl: String });
 * declare module 'tsgi/framework' {
 *   interface ConverterValues {
 *     year: number;
 *   }
 * }
 */
export interface ConverterValues {
  str: string;
  int: number;
  slug: string;
  uuid: string;
  path: string;
}

/** The value type of a converter: from `ConverterValues`, else `unknown`. */
export type ConverterValue<C extends string> = C extends keyof ConverterValues ? ConverterValues[C] : unknown;

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
