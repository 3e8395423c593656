/**
 * Compile-time checks of the kwargs types inferred from routes: this file
 * only builds if the inference is right (the `@ts-expect-error` lines fail
 * the build when the error they expect disappears). The test then checks the
 * same values at runtime.
 */
import test from 'ava';
import type { HttpResponse } from '../../../lib/framework/http/http-response.js';
import { createResolver, path, rePath, type RouteKwargs } from '../../../lib/framework/urls/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value: T): T => value;

assertType<Equal<RouteKwargs<'articles/<int:year>/<slug:slug>/'>, { year: number; slug: string }>>(true);
assertType<Equal<RouteKwargs<'a/<name>/<path:rest>'>, { name: string; rest: string }>>(true);
assertType<Equal<RouteKwargs<'a/<custom:x>/'>, { x: unknown }>>(true);
// A converter whose value type is declared in ConverterValues (declaration merging, below).
assertType<Equal<RouteKwargs<'a/<declaredYear:y>/'>, { y: number }>>(true);
assertType<Equal<RouteKwargs<'static/'>, {}>>(true);
assertType<Equal<RouteKwargs<string>, Record<string, unknown>>>(true);

declare module 'tsgi/framework' {
  interface ConverterValues {
    declaredYear: number;
  }
}

const seen: unknown[] = [];
const answer = null as unknown as HttpResponse;

const entries = [
  path('articles/<int:year>/<slug:slug>/', (_request, kwargs) => {
    const year: number = kwargs.year;
    const slug: string = kwargs.slug;
    // @ts-expect-error: the route has no `month`
    seen.push(kwargs.month);
    seen.push(year, slug);
    return answer;
  }),
  path(
    'extra/<int:id>/',
    (_request, kwargs) => {
      const id: string = kwargs.id; // the extra kwarg's type wins
      const flag: boolean = kwargs.flag;
      seen.push(id, flag);
      return answer;
    },
    { kwargs: { id: 'fixed', flag: true } },
  ),
  rePath(/^re\/(?<word>[a-z]+)\/$/, (_request, kwargs) => {
    const word: string | undefined = kwargs['word'];
    seen.push(word);
    return answer;
  }),
];

test('route kwargs types: the values the views are typed for are the values they get', (t) => {
  const conf = createResolver(entries);
  for (const pathInfo of ['/articles/2003/a-b/', '/extra/5/', '/re/abc/']) {
    const match = conf.resolve(pathInfo);
    match.view(null as never, match.kwargs, ...match.args);
  }
  t.deepEqual(seen, [undefined, 2003, 'a-b', 'fixed', true, 'abc']);
});
