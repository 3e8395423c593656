import test from 'ava';
import { parseStatus, reasonPhrase, statusLine } from '../../lib/protocol/status-line.js';

// statusLine(code)

test('statusLine(code) uses the standard reason phrase', (t) => {
  const cases: Array<[number, string]> = [
    [200, '200 OK'],
    [204, '204 No Content'],
    [404, '404 Not Found'],
    [418, "418 I'm a Teapot"],
    [413, '413 Content Too Large'],
    [422, '422 Unprocessable Content'],
    [500, '500 Internal Server Error'],
  ];
  for (const [code, line] of cases) t.is(statusLine(code), line, String(code));
});

test('statusLine(code) says Unknown for an unregistered code', (t) => {
  t.is(statusLine(599), '599 Unknown');
  t.is(statusLine(100), '100 Continue');
  t.is(statusLine(999), '999 Unknown');
});

test('statusLine(code) rejects a code that is not an integer from 100 to 999', (t) => {
  const cases: Array<[string, unknown, string]> = [
    ['too small', 99, '99'],
    ['too large', 1000, '1000'],
    ['fraction', 200.5, '200.5'],
    ['string', '200', "'200'"],
    ['NaN', Number.NaN, 'NaN'],
  ];
  for (const [label, code, shown] of cases) {
    t.throws(() => statusLine(code as number), {
      instanceOf: RangeError,
      message: `statusLine() code must be an integer from 100 to 999; got ${shown}.`,
    }, label);
  }
});

// parseStatus(status)

test('parseStatus() splits a valid status into code and reason', (t) => {
  t.deepEqual(parseStatus('200 OK'), { code: 200, reason: 'OK' });
  t.deepEqual(parseStatus('404 Not Found'), { code: 404, reason: 'Not Found' });
  t.deepEqual(parseStatus('299 Caf\xe9\tok'), { code: 299, reason: 'Caf\xe9\tok' }, 'obs-text and HTAB are allowed');
  t.deepEqual(parseStatus('204 '), { code: 204, reason: '' }, 'the reason may be empty');
});

test('parseStatus() returns undefined for anything else', (t) => {
  const cases: Array<[string, unknown]> = [
    ['no space', '200OK'],
    ['code only', '200'],
    ['short code', '20 OK'],
    ['letters in code', '20X OK'],
    ['leading zero', '099 Old'],
    ['four digits', '2000 OK'],
    ['CRLF in reason', '200 OK\r\nX: y'],
    ['non-byte reason', '200 \u2713'],
    ['not a string', 200],
  ];
  for (const [label, status] of cases) t.is(parseStatus(status as string), undefined, label);
});

test('reasonPhrase(code) gives RFC 9110 names, undefined for an unregistered code', (t) => {
  t.is(reasonPhrase(413), 'Content Too Large');
  t.is(reasonPhrase(404), 'Not Found');
  t.is(reasonPhrase(599), undefined);
});
