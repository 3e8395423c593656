import test from 'ava';
import { ProtocolError } from '../../lib/protocol/errors.js';
import { checkStatus } from '../../lib/validate/check-status.js';

const valid: Array<[status: string, code: number]> = [
  ['200 OK', 200],
  ['404 Not Found', 404],
  ['100 Continue', 100],
  ['999 Custom Thing', 999],
  ['200 Ok\xe9', 200],
];

for (const [status, code] of valid) {
  test(`checkStatus(${JSON.stringify(status)}) returns ${code}`, (t) => {
    t.is(checkStatus(status), code);
  });
}

const invalid: Array<[label: string, status: unknown, message: string]> = [
  [
    '§6.2 a number',
    200,
    "validate: startResponse() status must be a string such as '200 OK'; got 200. Use statusLine(200), which gives '200 OK'. (SPEC.md §6.2)",
  ],
  ['§6.2 undefined', undefined, "validate: startResponse() status must be a string such as '200 OK'; got undefined. (SPEC.md §6.2)"],
  [
    '§6.2 no space',
    '200OK',
    "validate: startResponse() status must be three digits, one space and a reason phrase, such as '200 OK'; got '200OK'. Use '200 OK'. (SPEC.md §6.2)",
  ],
  [
    '§6.2 no reason',
    '404',
    "validate: startResponse() status must be three digits, one space and a reason phrase, such as '200 OK'; got '404'. Use '404 Not Found'. (SPEC.md §6.2)",
  ],
  [
    '§6.2 an empty reason',
    '204 ',
    "validate: startResponse() status must be three digits, one space and a reason phrase, such as '200 OK'; got '204 '. Use '204 No Content'. (SPEC.md §6.2)",
  ],
  [
    '§6.2 two spaces',
    '200  OK',
    "validate: startResponse() status must be three digits, one space and a reason phrase, such as '200 OK'; got '200  OK'. Use '200 OK'. (SPEC.md §6.2)",
  ],
  [
    '§6.2 leading whitespace',
    ' 200 OK',
    "validate: startResponse() status must be three digits, one space and a reason phrase, such as '200 OK'; got ' 200 OK'. Use '200 OK'. (SPEC.md §6.2)",
  ],
  [
    '§6.2 a two-digit code',
    '20 OK',
    "validate: startResponse() status must be three digits, one space and a reason phrase, such as '200 OK'; got '20 OK'. The code is 100–999. (SPEC.md §6.2)",
  ],
  [
    '§6.2 a code below 100',
    '099 Odd',
    "validate: startResponse() status must be three digits, one space and a reason phrase, such as '200 OK'; got '099 Odd'. The code is 100–999. (SPEC.md §6.2)",
  ],
  [
    '§6.3 a trailing CRLF',
    '200 OK\r\n',
    "validate: startResponse() status must not contain control characters; got '200 OK\\r\\n', with \"\\r\" (U+000D) at index 6. (SPEC.md §6.3)",
  ],
  [
    '§6.3 a tab',
    '200\tOK',
    "validate: startResponse() status must not contain control characters; got '200\\tOK', with \"\\t\" (U+0009) at index 3. (SPEC.md §6.3)",
  ],
  [
    '§6.3 a character that is not a byte',
    '200 OK ✓',
    "validate: startResponse() status must be a byte string (code units 0–255); got '200 OK ✓', with \"✓\" (U+2713) at index 7. Use an ASCII reason phrase. (SPEC.md §6.3)",
  ],
];

for (const [label, status, message] of invalid) {
  test(`checkStatus(status) rejects ${label}`, (t) => {
    t.throws(() => checkStatus(status), { instanceOf: ProtocolError, message });
  });
}
