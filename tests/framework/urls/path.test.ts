import test from 'ava';
import { ImproperlyConfigured, Resolver404 } from '../../../lib/framework/errors.js';
import { createResolver, include, path, registerConverter, rePath } from '../../../lib/framework/urls/index.js';
import { makeView } from './views.js';

const special = makeView('special2003');
const yearArchive = makeView('yearArchive');
const monthArchive = makeView('monthArchive');
const articleDetail = makeView('articleDetail');
const any = makeView('any');

// Django's topics/http/urls example.
const articles = createResolver([
  path('articles/2003/', special),
  path('articles/<int:year>/', yearArchive, { name: 'year-archive' }),
  path('articles/<int:year>/<int:month>/', monthArchive),
  path('articles/<int:year>/<int:month>/<slug:slug>/', articleDetail),
]);

test('path(): the first matching pattern wins (Django docs: articles/2003/)', (t) => {
  t.is(articles.resolve('/articles/2003/').view, special);
  const match = articles.resolve('/articles/2005/03/');
  t.is(match.view, monthArchive);
  t.deepEqual(match.kwargs, { year: 2005, month: 3 });
  t.deepEqual(match.args, []);
  t.is(match.route, 'articles/<int:year>/<int:month>/');
  t.deepEqual(articles.resolve('/articles/2003/03/building-a-django-site/').kwargs, { year: 2003, month: 3, slug: 'building-a-django-site' });
});

test('path(): the resolver adds no slash (articles/2003 is a 404)', (t) => {
  const error = t.throws(() => articles.resolve('/articles/2003'), { instanceOf: Resolver404 });
  t.is(error?.path, 'articles/2003');
});

const converterCases: Array<[string, string, string, unknown]> = [
  ['str takes anything but a slash', 'c/<str:v>/', '/c/a b.c/', 'a b.c'],
  ['<name> means str', 'c/<v>/', '/c/x-y/', 'x-y'],
  ['int gives a number, leading zeros dropped', 'c/<int:v>/', '/c/0042/', 42],
  ['slug takes letters, digits, - and _', 'c/<slug:v>/', '/c/a-B_9/', 'a-B_9'],
  ['uuid stays a string', 'c/<uuid:v>/', '/c/075194d3-6885-417e-a8a8-6c931e272f00/', '075194d3-6885-417e-a8a8-6c931e272f00'],
  ['path takes slashes', 'c/<path:v>', '/c/a/b/c.txt', 'a/b/c.txt'],
];
for (const [label, route, pathInfo, value] of converterCases) {
  test(`converter: ${label}`, (t) => {
    t.deepEqual(createResolver([path(route, any)]).resolve(pathInfo).kwargs, { v: value });
  });
}

const converterMisses: Array<[string, string, string]> = [
  ['str refuses a slash', 'c/<str:v>/', '/c/a/b/'],
  ['int refuses a sign', 'c/<int:v>/', '/c/-1/'],
  ['slug refuses a dot', 'c/<slug:v>/', '/c/a.b/'],
  ['uuid refuses uppercase', 'c/<uuid:v>/', '/c/075194D3-6885-417E-A8A8-6C931E272F00/'],
  ['path refuses the empty text', 'c/<path:v>', '/c/'],
];
for (const [label, route, pathInfo] of converterMisses) {
  test(`converter: ${label}`, (t) => {
    t.throws(() => createResolver([path(route, any)]).resolve(pathInfo), { instanceOf: Resolver404 });
  });
}

registerConverter('even', {
  regex: '[0-9]+',
  toValue(text) {
    const value = Number(text);
    if (value % 2 !== 0) throw new RangeError(`${value} is odd`);
    return value;
  },
  toUrl(value) {
    if (Number(value) % 2 !== 0) throw new RangeError('odd');
    return String(value);
  },
});

test('registerConverter(): a toValue that throws passes on to the next pattern', (t) => {
  const even = makeView('even');
  const conf = createResolver([path('n/<even:n>/', even, { name: 'n' }), path('n/<int:n>/', any, { name: 'n' })]);
  t.is(conf.resolve('/n/4/').view, even);
  t.deepEqual(conf.resolve('/n/4/').kwargs, { n: 4 });
  t.is(conf.resolve('/n/5/').view, any);
});

test('registerConverter(): a toUrl that throws skips the candidate in reverse', (t) => {
  const conf = createResolver([path('odd/<int:n>/', any, { name: 'n' }), path('even/<even:n>/', any, { name: 'n' })]);
  t.is(conf.reverse('n', { kwargs: { n: 4 } }), '/even/4/');
  t.is(conf.reverse('n', { kwargs: { n: 5 } }), '/odd/5/');
});

test('registerConverter(): refuses a name already registered, built-ins included', (t) => {
  t.throws(() => registerConverter('int', { regex: '[0-9]', toValue: Number, toUrl: String }), {
    instanceOf: ImproperlyConfigured,
    message: "registerConverter(): converter 'int' is already registered; converters are process-wide, so register yours under another name.",
  });
  t.throws(() => registerConverter('bad', { regex: '(', toValue: Number, toUrl: String }), { instanceOf: ImproperlyConfigured });
  t.throws(() => registerConverter('a:b', { regex: 'x', toValue: Number, toUrl: String }), { instanceOf: ImproperlyConfigured });
});

test('path(): extra kwargs override captured values (Django docs)', (t) => {
  const match = createResolver([path('extra2/<int:foo>/', any, { kwargs: { foo: 'override' } })]).resolve('/extra2/5/');
  t.deepEqual(match.kwargs, { foo: 'override' });
  t.deepEqual(match.capturedKwargs, { foo: 5 });
  t.deepEqual(match.extraKwargs, { foo: 'override' });
});

const routeErrors: Array<[string, string, string]> = [
  ['whitespace in <…>', 'a/< int:x>/', "URL route 'a/< int:x>/' cannot contain whitespace in angle brackets <…>; remove it from '< int:x>'."],
  [
    'a parameter name that is not an identifier',
    'a/<1x>/',
    "URL route 'a/<1x>/' uses parameter name '1x' which isn't a valid JavaScript identifier; use letters, digits, '_' or '$', not starting with a digit.",
  ],
  ['an unknown converter', 'a/<foo:x>/', "URL route 'a/<foo:x>/' uses invalid converter 'foo'; use one of 'str', 'int', 'slug', 'uuid', 'path', 'even' or register it first with registerConverter()."],
  ['the parameter name __proto__', 'a/<__proto__>/', "URL route 'a/<__proto__>/' uses parameter name '__proto__', which cannot be a kwarg; choose another name."],
  ['a parameter used twice', 'a/<x>/<int:x>/', "URL route 'a/<x>/<int:x>/' uses parameter name 'x' twice; give each parameter its own name."],
];
for (const [label, route, message] of routeErrors) {
  test(`path(): refuses ${label} at once`, (t) => {
    t.throws(() => path(route, any), { instanceOf: ImproperlyConfigured, message });
  });
}

test('path(): refuses kwargs that are not a plain object, and a view that is not a function', (t) => {
  t.throws(() => path('a/', any, { kwargs: ['x'] as never }), {
    instanceOf: TypeError,
    message: "path('a/'): kwargs must be a plain object, but got an array of length 1.",
  });
  t.throws(() => path('a/', 'views.index' as never), {
    instanceOf: TypeError,
    message: "path('a/'): view must be a function or the result of include(), got 'views.index'.",
  });
  t.throws(() => path(42 as never, any), { instanceOf: TypeError });
});

test('rePath(): named groups are string kwargs, unnamed groups positional args', (t) => {
  const conf = createResolver([
    rePath(/^named\/(?<year>[0-9]{4})\/(?:(?<page>[0-9]+)\/)?$/, any),
    rePath('^py/(?P<year>[0-9]{4})/$', any),
    rePath(/^pos\/([0-9]+)\/([a-z]+)\/$/, any),
  ]);
  t.deepEqual(conf.resolve('/named/2020/').kwargs, { year: '2020' });
  t.deepEqual(conf.resolve('/named/2020/3/').kwargs, { year: '2020', page: '3' });
  t.deepEqual(conf.resolve('/py/1999/').kwargs, { year: '1999' });
  const positional = conf.resolve('/pos/7/ab/');
  t.deepEqual(positional.args, ['7', 'ab']);
  t.deepEqual(positional.kwargs, {});
});

test('rePath(): unanchored regexes are searched, a $-ended endpoint must match whole', (t) => {
  const unanchored = makeView('unanchored');
  const conf = createResolver([rePath('^full/$', any), rePath('unanch/', unanchored)]);
  t.is(conf.resolve('/xx/unanch/').view, unanchored);
  t.is(conf.resolve('/full/').view, any);
  t.throws(() => conf.resolve('/full/x'), { instanceOf: Resolver404 });
});

test('rePath(): refuses an invalid regex at once, naming it', (t) => {
  const error = t.throws(() => rePath('^a/(', any), { instanceOf: ImproperlyConfigured });
  t.true(error?.message.startsWith("rePath(): '^a/(' is not a valid regular expression ("));
  t.true(error?.message.endsWith('; fix it (JavaScript RegExp syntax).'));
});

test('resolve(): a path without a leading slash is a Resolver404 with no tried list', (t) => {
  const error = t.throws(() => articles.resolve('articles/2003/'), {
    instanceOf: Resolver404,
    message: "The path 'articles/2003/' does not start with '/'; resolve() takes a PATH_INFO, which always does.",
  });
  t.deepEqual(error?.tried, []);
});

test('toString(): patterns describe themselves as Django does', (t) => {
  t.is(String(path('articles/<int:year>/', any, { name: 'year-archive' })), "<UrlPattern 'articles/<int:year>/' [name='year-archive']>");
  t.is(String(path('polls/', include({ patterns: [path('', any)], appName: 'polls' }))), "<UrlResolver [1 pattern] (polls:polls) 'polls/'>");
  t.is(
    String(articles.resolve('/articles/2003/05/')),
    "ResolverMatch(view=monthArchive, args=[], kwargs={\"year\":2003,\"month\":5}, urlName=null, appNames=[], namespaces=[], route='articles/<int:year>/<int:month>/', capturedKwargs={\"year\":2003,\"month\":5})",
  );
  t.is(String(articles), '<UrlConf [4 patterns, 4 endpoints]>');
});

test('path(): refuses a class-based view class or instance, naming asView()', (t) => {
  class ArticleView {
    static asView(): () => never {
      throw new Error('not called');
    }
  }
  t.throws(() => path('a/', ArticleView as never), {
    instanceOf: TypeError,
    message: "path('a/'): view must be a callable; pass ArticleView.asView(), not the ArticleView class.",
  });
  t.throws(() => path('a/', new ArticleView() as never), {
    instanceOf: TypeError,
    message: "path('a/'): view must be a callable; pass ArticleView.asView(), not ArticleView().",
  });
});
