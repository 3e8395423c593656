import test from 'ava';
import { ImproperlyConfigured, NoReverseMatch, Resolver404 } from '../../../lib/framework/errors.js';
import { createResolver, include, path, rePath } from '../../../lib/framework/urls/index.js';
import { makeView } from './views.js';

const home = makeView('home');
const index = makeView('index');
const detail = makeView('detail');
const any = makeView('any');

// The reference's polls example.
const pollsConf = createResolver([
  path('', home),
  path('polls/', include({ patterns: [path('', index, { name: 'index' }), path('<int:pk>/', detail, { name: 'detail' })], appName: 'polls' })),
]);

test('resolve(): a miss reports Django\'s tried chains and the unmatched rest', (t) => {
  const error = t.throws(() => pollsConf.resolve('/polls/abc/'), { instanceOf: Resolver404 });
  t.is(error?.path, 'polls/abc/');
  t.deepEqual(
    error?.tried.map((chain) => chain.map((entry) => entry.pattern.toString())),
    [[''], ['polls/', ''], ['polls/', '<int:pk>/']],
  );
  const outside = t.throws(() => pollsConf.resolve('/zzz/'), {
    instanceOf: Resolver404,
    message: "The current path, '/zzz/', didn't match any of the 2 URL pattern(s) tried.",
  });
  t.deepEqual(outside?.tried.map((chain) => chain.map((entry) => entry.pattern.toString())), [[''], ['polls/']]);
});

test('resolve(): a match carries namespaces, route, viewName and a lazy tried list', (t) => {
  const match = pollsConf.resolve('/polls/7/');
  t.is(match.view, detail);
  t.deepEqual(match.kwargs, { pk: 7 });
  t.deepEqual([match.appNames, match.appName, match.namespaces, match.namespace], [['polls'], 'polls', ['polls'], 'polls']);
  t.is(match.viewName, 'polls:detail');
  t.is(match.route, 'polls/<int:pk>/');
  t.deepEqual(match.tried.map((chain) => chain.map((entry) => entry.pattern.toString())), [[''], ['polls/', ''], ['polls/', '<int:pk>/']]);
  t.is(pollsConf.resolve('/').viewName, 'home');
});

test('include(): prefix captures reach the view, merged as Django merges them', (t) => {
  const conf = createResolver([
    path('<slug:lang>/blog/', include([path('<int:id>/', detail, { kwargs: { id: 'extra' } }), path('x/', any)]), { kwargs: { source: 'inc' } }),
    rePath(/^pos\/([0-9]+)\//, include([rePath(/^([a-z]+)\/$/, any)])),
    rePath(/^mix\/([0-9]+)\//, include([path('<int:n>/', detail)])),
  ]);
  const match = conf.resolve('/en/blog/3/');
  t.deepEqual(match.kwargs, { lang: 'en', source: 'inc', id: 'extra' });
  t.deepEqual(match.capturedKwargs, { id: 3 });
  t.deepEqual(match.extraKwargs, { source: 'inc', id: 'extra' });
  t.is(match.route, '<slug:lang>/blog/<int:id>/');
  t.deepEqual(conf.resolve('/en/blog/x/').kwargs, { lang: 'en', source: 'inc' });
  // No kwargs anywhere: prefix args come first.
  t.deepEqual(conf.resolve('/pos/1/ab/').args, ['1', 'ab']);
  // Inner kwargs: the prefix's positional args are dropped.
  const mixed = conf.resolve('/mix/1/2/');
  t.deepEqual([mixed.args, mixed.kwargs], [[], { n: 2 }]);
});

test('include(): a namespace without an appName is refused', (t) => {
  t.throws(() => include([path('', any)], { namespace: 'x' }), {
    instanceOf: ImproperlyConfigured,
    message: 'Specifying a namespace in include() without providing an appName is not supported. Pass { patterns, appName } instead of the bare list (namespace "x").',
  });
  t.throws(() => include([path('', any), 'x' as never]), {
    instanceOf: ImproperlyConfigured,
    message: "include(): entry [1] is 'x', not a URL pattern; build each entry with path() or rePath().",
  });
});

// Django's tutorial: two instances of the polls app, the default one named after the app.
const polls = { patterns: [path('', index, { name: 'index' }), path('<int:pk>/', detail, { name: 'detail' })], appName: 'polls' };
const deployed = createResolver([
  path('author-polls/', include(polls, { namespace: 'author-polls' })),
  path('publisher-polls/', include(polls, { namespace: 'publisher-polls' })),
  path('<slug:lang>/nested/', include({ patterns: [path('inner/', include(polls, { namespace: 'deep' }))], appName: 'outer' })),
]);

test('reverse(): application namespaces default as Django (currentApp, else the LAST deployed instance)', (t) => {
  t.is(deployed.reverse('polls:index'), '/publisher-polls/');
  t.is(deployed.reverse('polls:index', { currentApp: 'author-polls' }), '/author-polls/');
  t.is(deployed.reverse('author-polls:detail', { kwargs: { pk: 3 } }), '/author-polls/3/');
  t.is(deployed.reverse('outer:polls:detail', { kwargs: { lang: 'fr', pk: 3 } }), '/fr/nested/inner/3/');
  t.is(deployed.reverse('outer:deep:detail', { args: ['fr', 4] }), '/fr/nested/inner/4/');
  const withDefault = createResolver([
    path('a/', include(polls, { namespace: 'a' })),
    path('p/', include(polls)),
    path('b/', include(polls, { namespace: 'b' })),
  ]);
  t.is(withDefault.reverse('polls:index'), '/p/');
});

test('reverse(): unknown namespaces are named', (t) => {
  t.throws(() => deployed.reverse('nope:index'), { instanceOf: NoReverseMatch, message: "'nope' is not a registered namespace" });
  t.throws(() => deployed.reverse('outer:nope:index'), { instanceOf: NoReverseMatch, message: "'nope' is not a registered namespace inside 'outer'" });
});

const archive = createResolver([
  path('articles/<int:year>/', any, { name: 'year-archive' }),
  path('dup/a/', any, { name: 'dup' }),
  path('dup/b/', any, { name: 'dup' }),
  path('extra/', any, { name: 'extra', kwargs: { foo: 'bar' } }),
  path('files/<path:p>', any, { name: 'file' }),
  path('s/<str:s>/', detail, { name: 's' }),
  rePath(/^opt\/(?:(?<page>[0-9]+)\/)?$/, any, { name: 'opt' }),
  rePath('^py/(?P<year>[0-9]{4})/$', any, { name: 'py' }),
]);

test('reverse(): builds paths from args or kwargs, with converters and Django\'s quoting', (t) => {
  t.is(archive.reverse('year-archive', { args: [2003] }), '/articles/2003/');
  t.is(archive.reverse('year-archive', { kwargs: { year: 2003 } }), '/articles/2003/');
  t.is(archive.reverse('dup'), '/dup/b/');
  t.is(archive.reverse('extra'), '/extra/');
  t.is(archive.reverse('extra', { kwargs: { foo: 'bar' } }), '/extra/');
  t.is(archive.reverse('file', { kwargs: { p: '/etc/passwd' } }), '/files//etc/passwd');
  t.is(archive.reverse('s', { kwargs: { s: "a b?#&é~:@'" } }), "/s/a%20b%3F%23&%C3%A9~:@'/");
  t.is(archive.reverse(detail, { kwargs: { s: 'x' } }), '/s/x/');
  t.is(archive.reverse('opt'), '/opt/');
  t.is(archive.reverse('opt', { kwargs: { page: 2 } }), '/opt/2/');
  t.is(archive.reverse('py', { args: ['1999'] }), '/py/1999/');
  t.is(archive.reverse('year-archive', { args: [1], scriptPrefix: '/app/' }), '/app/articles/1/');
  t.is(createResolver([path('<path:p>', any, { name: 'p' })]).reverse('p', { args: ['/etc/passwd'] }), '/%2Fetc/passwd');
});

test('reverse(): query and fragment (Django 5.2)', (t) => {
  t.is(archive.reverse('dup', { query: { q: 'a b', tag: ['x', 'y~*'] }, fragment: 'top' }), '/dup/b/?q=a+b&tag=x&tag=y~%2A#top');
  t.is(archive.reverse('dup', { query: new URLSearchParams([['a', '1']]) }), '/dup/b/?a=1');
  t.is(archive.reverse('dup', { query: [['a', '1'], ['a', '2']] }), '/dup/b/?a=1&a=2');
  t.is(archive.reverse('dup', { query: {} }), '/dup/b/');
  t.throws(() => archive.reverse('dup', { query: { a: null } }), {
    instanceOf: TypeError,
    message: "reverse(): cannot encode null for key 'a' in a query string; pass an empty string or omit the key.",
  });
});

const reverseErrors: Array<[string, () => unknown, string]> = [
  ['an unknown name', () => archive.reverse('nope'), "Reverse for 'nope' not found. 'nope' is not a valid view function or pattern name."],
  [
    'args the converter refuses',
    () => archive.reverse('year-archive', { args: ['abc'] }),
    'Reverse for \'year-archive\' with arguments \'["abc"]\' not found. 1 pattern(s) tried: ["articles/(?<year>[0-9]+)/$"]',
  ],
  [
    'kwargs of the wrong name',
    () => archive.reverse('year-archive', { kwargs: { y: 1 } }),
    'Reverse for \'year-archive\' with keyword arguments \'{"y":1}\' not found. 1 pattern(s) tried: ["articles/(?<year>[0-9]+)/$"]',
  ],
  ['an extra kwarg with another value', () => archive.reverse('extra', { kwargs: { foo: 'baz' } }), 'Reverse for \'extra\' with keyword arguments \'{"foo":"baz"}\' not found. 1 pattern(s) tried: ["extra/$"]'],
  ['a str value with a slash', () => archive.reverse('s', { kwargs: { s: 'a/b' } }), 'Reverse for \'s\' with keyword arguments \'{"s":"a/b"}\' not found. 1 pattern(s) tried: ["s/(?<s>[^/]+)/$"]'],
  ['missing arguments', () => archive.reverse('dup', { args: [1] }), 'Reverse for \'dup\' with arguments \'[1]\' not found. 2 pattern(s) tried: ["dup/b/$","dup/a/$"]'],
  ['no arguments', () => archive.reverse('year-archive'), 'Reverse for \'year-archive\' with no arguments not found. 1 pattern(s) tried: ["articles/(?<year>[0-9]+)/$"]'],
  ['an unknown view', () => archive.reverse(home), "Reverse for 'home' not found. 'home' is not a valid view function or pattern name."],
];
for (const [label, call, message] of reverseErrors) {
  test(`reverse(): NoReverseMatch for ${label}`, (t) => {
    t.throws(call, { instanceOf: NoReverseMatch, message });
  });
}

test('reverse(): args and kwargs together are refused', (t) => {
  t.throws(() => archive.reverse('year-archive', { args: [1], kwargs: { year: 1 } }), {
    instanceOf: TypeError,
    message: 'Don\'t mix args and kwargs in call to reverse()! Reverse for \'year-archive\' got args [1] and kwargs {"year":1}; pass one of them.',
  });
});

test('isValidPath(): the match, or false', (t) => {
  t.is(pollsConf.isValidPath('/polls/1/')?.constructor.name, 'ResolverMatch');
  t.false(pollsConf.isValidPath('/polls/1'));
});

test('check(): Django\'s URL warnings with their ids', (t) => {
  const conf = createResolver([
    path('/slash/', any),
    path('^caret/', any),
    path('dollar$', any),
    path('a/<int:x', any),
    path('named/', any, { name: 'a:b' }),
    path('inc/', include([rePath('^in/', include([rePath('^z/$', any)]))])),
    rePath('^dollar-inc/$', include([path('ok/', any)])),
    path('x/', include({ patterns: [path('', any)], appName: 'x' })),
    path('y/', include({ patterns: [path('', any)], appName: 'x' })),
  ]);
  const warnings = conf.check();
  t.deepEqual(
    warnings.map((warning) => warning.id),
    ['urls.W002', '2_0.W001', '2_0.W001', 'urls.W010', 'urls.W003', 'urls.W001', 'urls.W005'],
  );
  t.is(
    warnings[0]?.message,
    "Your URL pattern '/slash/' has a route beginning with a '/'. Remove this slash as it is unnecessary. If this pattern is targeted in an include(), ensure the include() pattern has a trailing '/'.",
  );
  t.is(warnings[3]?.message, "Your URL pattern 'a/<int:x' has an unmatched '<' bracket.");
  t.is(warnings[4]?.message, "Your URL pattern 'named/' [name='a:b'] has a name including a ':'. Remove the colon, to avoid ambiguous namespace references.");
  t.is(warnings[5]?.message, "Your URL pattern '^dollar-inc/$' uses include with a route ending with a '$'. Remove the dollar from the route to avoid problems including URLs.");
  t.is(warnings[6]?.message, "URL namespace 'x' isn't unique. You may not be able to reverse all URLs in this namespace");
  t.deepEqual(
    conf.check({ appendSlash: false }).map((warning) => warning.id),
    ['2_0.W001', '2_0.W001', 'urls.W010', 'urls.W003', 'urls.W001', 'urls.W005'],
  );
});
