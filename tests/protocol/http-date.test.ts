import test from 'ava';
import { formatHttpDate, parseHttpDate } from '../../lib/protocol/http-date.js';

const SECONDS = 784111777; // Sun, 06 Nov 1994 08:49:37 GMT

test('parseHttpDate() reads the three formats of RFC 9110 §5.6.7 as GMT', (t) => {
  for (const [label, text] of [
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['asctime', 'Sun Nov  6 08:49:37 1994'],
  ] as const) {
    t.is(parseHttpDate(text), SECONDS, label);
  }
});

test('parseHttpDate() answers undefined for what is not an HTTP-date', (t) => {
  for (const text of ['', 'yesterday', 'Sun, 06 Nov 1994 08:49:37 CET', 'Sun, 32 Nov 1994 08:49:37 GMT', 'Sun, 06 Foo 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 24:00:00 GMT']) {
    t.is(parseHttpDate(text), undefined, text);
  }
});

test('formatHttpDate() writes an IMF-fixdate that parseHttpDate() reads back', (t) => {
  t.is(formatHttpDate(SECONDS), 'Sun, 06 Nov 1994 08:49:37 GMT');
  t.is(parseHttpDate(formatHttpDate(SECONDS)), SECONDS);
});
