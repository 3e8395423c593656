import test from 'ava';
import { httpDate } from '../../lib/gateway/date-header.js';

test('httpDate(now) formats an IMF-fixdate (RFC 9110 §5.6.7)', (t) => {
  t.is(httpDate(Date.UTC(1994, 10, 6, 8, 49, 37)), 'Sun, 06 Nov 1994 08:49:37 GMT');
  t.is(httpDate(Date.UTC(2026, 0, 2, 3, 4, 5, 999)), 'Fri, 02 Jan 2026 03:04:05 GMT');
});

test('httpDate() gives the current second, and the next one once it has begun', async (t) => {
  const first = httpDate();
  t.true(Math.abs(Date.parse(first) - Date.now()) < 1500);
  t.is(httpDate(), first);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const second = httpDate();
  t.not(second, first);
  t.is(second, new Date(Date.now()).toUTCString());
});
