import test from 'ava';
import { describeValue } from '../../lib/protocol/describe-value.js';

test('describeValue() shows each kind of value readably', (t) => {
  class Thing {}
  const cases: Array<[string, unknown, string]> = [
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['string', 'abc', "'abc'"],
    ['string with quotes', `it's "x"`, `'it\\'s "x"'`],
    ['control characters', 'a\r\n\x00', "'a\\r\\n\\u0000'"],
    ['long string', 'x'.repeat(70), `'${'x'.repeat(60)}…'`],
    ['number', 1.5, '1.5'],
    ['NaN', Number.NaN, 'NaN'],
    ['boolean', false, 'false'],
    ['bigint', 10n, '10n'],
    ['symbol', Symbol('s'), 'Symbol(s)'],
    ['named function', function gzip() {}, 'function gzip'],
    ['anonymous function', (() => () => {})(), 'an anonymous function'],
    ['array', [1, 2], 'an array of length 2'],
    ['plain object', { a: 1 }, 'an object'],
    ['null prototype', Object.create(null), 'an object'],
    ['class instance', new Thing(), 'a Thing'],
    ['vowel class', new Error('x'), 'an Error'],
    ['Buffer', Buffer.from('x'), 'a Buffer'],
    ['Promise', Promise.resolve(), 'a Promise'],
  ];
  for (const [label, value, shown] of cases) t.is(describeValue(value), shown, label);
});
