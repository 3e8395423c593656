import test from 'ava';
import { TooManyFieldsSent } from '../../../lib/framework/errors.js';
import { MultiValueDict, QueryDict } from '../../../lib/framework/http/index.js';
import { TsgiError } from '../../../lib/protocol/errors.js';

test('new QueryDict() parses as parse_qsl(keep_blank_values=True)', (t) => {
  const query = new QueryDict('a=1&a=2&b=x+y%21&c&&d=&=e&f=%ZZ&g=é');
  t.deepEqual([...query], [['a', '1'], ['a', '2'], ['b', 'x y!'], ['c', ''], ['d', ''], ['', 'e'], ['f', '%ZZ'], ['g', 'é']]);
  t.is(query.get('a'), '2');
  t.is(query.get('missing'), undefined);
  t.is(query.get('missing', 'fallback'), 'fallback');
  t.deepEqual(query.getList('missing'), []);
  t.deepEqual([...query.keys()], ['a', 'b', 'c', 'd', '', 'f', 'g']);
  t.deepEqual([...query.items()][0], ['a', '2']);
  t.deepEqual([...query.values()][0], '2');
  t.deepEqual([...query.lists()][0], ['a', ['1', '2']]);
  t.is(query.size, 7);
  t.true(query.has('c'));
  t.is(new QueryDict('').size, 0);
});

test('QueryDict decodes %XX bytes with its encoding', (t) => {
  t.is(new QueryDict('q=%E9', { encoding: 'latin1' }).get('q'), 'é');
  t.is(new QueryDict('q=%E9').get('q'), '\uFFFD');
  t.is(QueryDict.fromByteString('q=caf\xC3\xA9').get('q'), 'café');
  t.is(QueryDict.fromByteString('q=caf\xE9').get('q'), 'café', 'invalid UTF-8 falls back to latin-1');
});

test('QueryDict is immutable unless copied', (t) => {
  const query = new QueryDict('a=1');
  const message = 'This QueryDict instance is immutable (the request\'s data is read-only). Call copy() and change the copy.';
  for (const change of [() => query.set('a', '2'), () => query.appendList('a', '2'), () => query.setList('a', []), () => query.delete('a'), () => query.clear(), () => query.setDefault('b', '1')]) {
    t.throws(change, { instanceOf: TsgiError, message });
  }
  const copy = query.copy();
  t.true(copy instanceof QueryDict);
  t.true(copy.mutable);
  copy.appendList('a', '2');
  copy.set('b', 'x y');
  t.is(copy.setDefault('c', '3'), '3');
  t.is(copy.setDefault('c', '4'), '3');
  t.deepEqual(query.getList('a'), ['1']);
  t.is(copy.urlencode(), 'a=1&a=2&b=x+y&c=3');
  t.true(copy.delete('c'));
  t.is(new QueryDict('next=/a b/&x=é!', { mutable: true }).urlencode('/'), 'next=/a%20b/&x=%C3%A9%21');
});

test('QueryDict refuses more fields than maxFields', (t) => {
  t.throws(() => new QueryDict('a&b&c', { maxFields: 2 }), { instanceOf: TooManyFieldsSent });
  t.is(new QueryDict('a&b', { maxFields: 2 }).size, 2);
});

test('MultiValueDict builds from pairs or an object and describes itself', (t) => {
  const fromPairs = new MultiValueDict<number>([['a', 1], ['a', 2]]);
  t.deepEqual(fromPairs.getList('a'), [1, 2]);
  const fromObject = new MultiValueDict<string>({ a: ['1', '2'], b: 'x' });
  t.deepEqual(fromObject.toObject(), { a: '2', b: 'x' });
  t.deepEqual(fromObject.toObject({ lists: true }), { a: ['1', '2'], b: ['x'] });
  t.is(String(fromObject), "<MultiValueDict: { a: [ '1', '2' ], b: [ 'x' ] }>");
  t.is(String(new QueryDict('x=1')), "<QueryDict: { x: [ '1' ] }>");
  t.is(fromObject.copy().get('b'), 'x');
});
