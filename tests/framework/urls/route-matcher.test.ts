/**
 * RouteMatcher, the regex-free matcher of routes with built-in converters,
 * must answer exactly as the route's regex (`pattern.source`, Django's
 * `_route_to_regex`) with the converters. Random routes (tricky literals,
 * every built-in converter, endpoints and include prefixes) and random paths
 * (line terminators, uppercase uuids, long digit runs) are matched both ways.
 * The seed is printed; set URLS_SEED to replay one.
 */
import test from 'ava';
import { Resolver404 } from '../../../lib/framework/errors.js';
import { createResolver, include, path, registerConverter, RoutePattern, type AnyView } from '../../../lib/framework/urls/index.js';
import type { Kwargs } from '../../../lib/framework/types.js';
import { makeView } from './views.js';

registerConverter('fourdigits', { regex: '[0-9]{4}', toValue: Number, toUrl: String });

const UUID = '075194d3-6885-417e-a8a8-6c931e272f00';

const compiledCases: Array<[string, string, boolean, boolean]> = [
  ['a route with int and slug', 'articles/<int:year>/<slug:slug>/', true, true],
  ['a literal-only route', 'about/team/', true, true],
  ['an empty include prefix', '', false, true],
  ['str followed by text it could take', '<str:name>.html', true, false],
  ['int followed by a digit', 'n/<int:n>7/', true, false],
  ['int followed by a dash', 'n/<int:n>-x/', true, true],
  ['two parameters back to back', '<int:a><slug:b>/', true, false],
  ['anything after a uuid', '<uuid:u><int:n>/', true, true],
  ['path closing an endpoint', 'files/<path:p>', true, true],
  ['path then closing text', 'files/<path:p>/raw/', true, true],
  ['path in an include prefix', 'files/<path:p>/', false, false],
  ['path before another parameter', '<path:p>/<int:n>/', true, false],
  ['a custom converter', 'y/<fourdigits:y>/', true, false],
];

for (const [label, route, isEndpoint, compiled] of compiledCases) {
  test(`RoutePattern.matcher: ${compiled ? 'built' : 'null (the regex is used)'} for ${label}`, (t) => {
    t.is(new RoutePattern(route, { isEndpoint, name: null }).matcher !== null, compiled);
  });
}

const matchCases: Array<[string, string, boolean, string, Kwargs | null]> = [
  ['int drops leading zeros', 'c/<int:v>/', true, 'c/0042/', { v: 42 }],
  ['int beyond 15 digits as Number() reads it', 'c/<int:v>/', true, 'c/12345678901234567890/', { v: 12345678901234567890 }],
  ['int refuses an empty run', 'c/<int:v>/', true, 'c//', null],
  ['uuid refuses uppercase', 'u/<uuid:v>/', true, `u/${UUID.toUpperCase()}/`, null],
  ['uuid then int', '<uuid:u><int:n>/', true, `${UUID}12/`, { u: UUID, n: 12 }],
  ['path up to the closing text', 'files/<path:p>/raw/', true, 'files/a/raw/b/raw/', { p: 'a/raw/b' }],
  ['path refuses a line feed, as a regex dot', 'files/<path:p>', true, 'files/a\nb', null],
  ['path refuses U+2028', 'files/<path:p>', true, 'files/a\u2028b', null],
  ['str takes a line feed', 's/<str:v>/', true, 's/a\nb/', { v: 'a\nb' }],
  ['an endpoint must match to the end', 'about/', true, 'about/x', null],
];

for (const [label, route, isEndpoint, text, kwargs] of matchCases) {
  test(`RoutePattern.match() without its regex: ${label}`, (t) => {
    const pattern = new RoutePattern(route, { isEndpoint, name: null });
    t.not(pattern.matcher, null);
    t.deepEqual(pattern.match(text)?.kwargs ?? null, kwargs);
    t.deepEqual(pattern.match(text), reference(pattern, text));
  });
}

/** What the route's regex and converters answer (Django's RoutePattern.match). */
function reference(pattern: RoutePattern, text: string): { remaining: string; args: string[]; kwargs: Kwargs } | null {
  const found = new RegExp(pattern.source).exec(text);
  if (found === null) return null;
  const kwargs: Record<string, unknown> = {};
  for (const [name, converter] of Object.entries(pattern.converters)) kwargs[name] = converter.toValue(found.groups?.[name] as string);
  return { remaining: pattern.isEndpoint ? '' : text.slice(found[0].length), args: [], kwargs };
}

/** mulberry32, as in the equivalence test. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('RoutePattern.match() answers as the route regex, for random routes and paths', (t) => {
  const seed = Number(process.env['URLS_SEED'] ?? Date.now() % 1_000_000);
  t.log(`seed ${seed} (replay with URLS_SEED=${seed})`);
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const literals = ['a', 'ab', '/', 'x/', '.html', '-', '7', '7/', 'é/', 'end/', 'A_'];
  const samples: Record<string, readonly string[]> = {
    str: ['a', 'a.b', 'x-y', '12', 'é', 'a\nb', 'a/b'],
    int: ['0', '42', '0042', '12345678901234567890', '9007199254740993', '4a'],
    slug: ['a-b_c', 'A9', 'a.b'],
    uuid: [UUID, UUID.toUpperCase(), UUID.slice(1)],
    path: ['a/b', 'x', 'a\u2028b', 'a/b.html', 'end/'],
  };
  const kinds = Object.keys(samples);
  let compiled = 0;
  let hits = 0;
  let misses = 0;
  for (let i = 0; i < 3000; i += 1) {
    let route = '';
    const pieces: Array<() => string> = [];
    const count = Math.floor(random() * 4);
    for (let p = 0; p < count; p += 1) {
      if (random() < 0.5) {
        const literal = pick(literals);
        route += literal;
        pieces.push(() => literal);
      } else {
        const kind = pick(kinds);
        route += `<${kind}:p${p}>`;
        // Mostly a value of the parameter's own kind, sometimes another kind's.
        pieces.push(() => pick(samples[random() < 0.8 ? kind : pick(kinds)] as readonly string[]));
      }
    }
    const pattern = new RoutePattern(route, { isEndpoint: random() < 0.7, name: null });
    if (pattern.matcher === null) continue;
    compiled += 1;
    for (let j = 0; j < 5; j += 1) {
      let text = pieces.map((piece) => piece()).join('');
      if (random() < 0.3) text += pick(['', '/', 'x', '\n', '/tail/']);
      const expected = reference(pattern, text);
      if (expected === null) misses += 1;
      else hits += 1;
      if (!t.deepEqual(pattern.match(text), expected, `seed ${seed}, route ${JSON.stringify(route)}, path ${JSON.stringify(text)}`)) return;
    }
  }
  t.log(`${compiled} routes with a matcher, ${hits} hits, ${misses} misses`);
  t.true(compiled > 1000 && hits > 2000 && misses > 1000, `compiled ${compiled}, hits ${hits}, misses ${misses}`);
});

test('resolve(): the trie-checked literal text is skipped, literal-only endpoints and prefixes included', (t) => {
  const about = makeView('about');
  const team = makeView('team');
  const archive = makeView('archive');
  const pollsIndex = makeView('pollsIndex');
  const pollsDetail = makeView('pollsDetail');
  const tail = makeView('tail');
  const resolver = createResolver([
    path('about/', about),
    path('about/team/', team),
    path('blog/arch<int:n>/', archive),
    path('polls/', include([path('', pollsIndex), path('<int:id>/', pollsDetail)])),
    path('<str:rest>/', tail),
  ]);
  const cases: Array<[string, AnyView | null, Kwargs | null]> = [
    ['/about/', about, {}],
    ['/about/team/', team, {}],
    ['/blog/arch12/', archive, { n: 12 }],
    ['/blog/archx/', null, null],
    ['/blog/xxxx12/', null, null],
    ['/polls/', pollsIndex, {}],
    ['/polls/7/', pollsDetail, { id: 7 }],
    ['/abouT/', tail, { rest: 'abouT' }],
    ['/about', null, null],
  ];
  for (const [pathInfo, view, kwargs] of cases) {
    if (view === null) {
      t.throws(() => resolver.resolve(pathInfo), { instanceOf: Resolver404 }, pathInfo);
      t.throws(() => resolver.scan(pathInfo), { instanceOf: Resolver404 }, pathInfo);
      continue;
    }
    const match = resolver.resolve(pathInfo);
    t.is(match.view, view, pathInfo);
    t.deepEqual(match.kwargs, kwargs, pathInfo);
    t.deepEqual({ ...match, tried: match.tried }, { ...resolver.scan(pathInfo), tried: resolver.scan(pathInfo).tried }, pathInfo);
  }
});
