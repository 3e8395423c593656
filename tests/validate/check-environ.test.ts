import test from 'ava';
import { ProtocolError } from '../../lib/protocol/errors.js';
import { checkEnviron } from '../../lib/validate/check-environ.js';
import { environFor } from './runner.js';

test('checkEnviron(environ) accepts the environ setupTestingDefaults builds', (t) => {
  t.notThrows(() => checkEnviron(environFor()));
});

test('checkEnviron(environ) accepts the optional keys when they are valid', (t) => {
  const environ = environFor({
    CONTENT_LENGTH: '12',
    CONTENT_TYPE: 'text/plain',
    HTTP_X_RAW: 'caf\xc3\xa9',
    REQUEST_METHOD: 'PROPFIND',
    SCRIPT_NAME: '/app',
    PATH_INFO: '',
    'tsgi.file_wrapper': () => [],
    'tsgi.input_terminated': true,
    'myauth.user': { id: 1 },
  });
  t.notThrows(() => checkEnviron(environ));
});

test("checkEnviron(environ) accepts PATH_INFO '*' for OPTIONS *", (t) => {
  t.notThrows(() => checkEnviron(environFor({ REQUEST_METHOD: 'OPTIONS', PATH_INFO: '*' })));
});

test('checkEnviron(environ) accepts an environ with a null prototype', (t) => {
  t.notThrows(() => checkEnviron(Object.assign(Object.create(null) as object, environFor())));
});

const cases: Array<[label: string, change: (environ: Record<string, unknown>) => unknown, message: string]> = [
  ['§4.1 a Map', () => new Map(), 'validate: environ must be a plain object; got a Map. Build it as an object literal. (SPEC.md §4.1)'],
  ['§4.1 undefined', () => undefined, 'validate: environ must be a plain object; got undefined. Build it as an object literal. (SPEC.md §4.1)'],
  [
    '§4.1 a class instance',
    (environ) => Object.assign(new (class Env {})(), environ),
    'validate: environ must be a plain object; got an Env. Build it as an object literal. (SPEC.md §4.1)',
  ],
  [
    '§4.2 a missing CGI key',
    (environ) => void delete environ['PATH_INFO'],
    "validate: environ is missing the required key 'PATH_INFO'. A server always sets them, to '' when a CGI value is empty. (SPEC.md §4.2)",
  ],
  [
    '§4.2 missing keys of both kinds',
    (environ) => {
      delete environ['QUERY_STRING'];
      delete environ['tsgi.errors'];
    },
    "validate: environ is missing the required keys 'QUERY_STRING', 'tsgi.errors'. A server always sets them, to '' when a CGI value is empty. (SPEC.md §4.2)",
  ],
  [
    '§4.3 a number in a CGI key',
    (environ) => void (environ['SERVER_PORT'] = 8080),
    "validate: environ['SERVER_PORT'] must be a byte string; got 8080. Pass it as a string: '8080'. (SPEC.md §4.3)",
  ],
  [
    '§4.3 an OS variable that is not a string',
    (environ) => void (environ['DEBUG'] = true),
    "validate: environ['DEBUG'] must be a byte string; got true. (SPEC.md §4.3)",
  ],
  [
    '§4.3 a header decoded as UTF-8',
    (environ) => void (environ['HTTP_X_NAME'] = 'a€'),
    "validate: environ['HTTP_X_NAME'] must be a byte string (code units 0–255); got 'a€', with \"€\" (U+20AC) at index 1. Decode request bytes as latin-1 (toByteString()). (SPEC.md §4.3)",
  ],
  [
    '§4.9 HTTP_CONTENT_TYPE',
    (environ) => void (environ['HTTP_CONTENT_TYPE'] = 'text/plain'),
    "validate: environ must not have 'HTTP_CONTENT_TYPE'; the request's header belongs in 'CONTENT_TYPE'. (SPEC.md §4.9)",
  ],
  [
    '§4.9 HTTP_CONTENT_LENGTH',
    (environ) => void (environ['HTTP_CONTENT_LENGTH'] = '3'),
    "validate: environ must not have 'HTTP_CONTENT_LENGTH'; the request's header belongs in 'CONTENT_LENGTH'. (SPEC.md §4.9)",
  ],
  [
    '§4.4 a method that is not a token',
    (environ) => void (environ['REQUEST_METHOD'] = 'GET /'),
    "validate: environ['REQUEST_METHOD'] must be a token such as 'GET'; got 'GET /'. (SPEC.md §4.4)",
  ],
  [
    '§4.4 an empty method',
    (environ) => void (environ['REQUEST_METHOD'] = ''),
    "validate: environ['REQUEST_METHOD'] must be a token such as 'GET'; got ''. (SPEC.md §4.4)",
  ],
  [
    '§4.6 an empty SERVER_NAME',
    (environ) => void (environ['SERVER_NAME'] = ''),
    "validate: environ['SERVER_NAME'] must not be empty. Use the Host header's name or the local address. (SPEC.md §4.6)",
  ],
  [
    '§4.6 a SERVER_PORT that is not digits',
    (environ) => void (environ['SERVER_PORT'] = 'http'),
    "validate: environ['SERVER_PORT'] must be decimal digits; got 'http'. (SPEC.md §4.6)",
  ],
  [
    '§4.7 a SERVER_PROTOCOL without a slash',
    (environ) => void (environ['SERVER_PROTOCOL'] = 'HTTP1.1'),
    "validate: environ['SERVER_PROTOCOL'] must be 'HTTP/' and a version, such as 'HTTP/1.1'; got 'HTTP1.1'. (SPEC.md §4.7)",
  ],
  [
    '§4.8 a negative CONTENT_LENGTH',
    (environ) => void (environ['CONTENT_LENGTH'] = '-1'),
    "validate: environ['CONTENT_LENGTH'] must be decimal digits; got '-1'. Leave the key out when the request has no Content-Length. (SPEC.md §4.8)",
  ],
  [
    '§4.8 an empty CONTENT_LENGTH',
    (environ) => void (environ['CONTENT_LENGTH'] = ''),
    "validate: environ['CONTENT_LENGTH'] must be decimal digits; got ''. Leave the key out when the request has no Content-Length. (SPEC.md §4.8)",
  ],
  [
    '§4.12 a tuple-like string',
    (environ) => void (environ['tsgi.version'] = '1.0'),
    "validate: environ['tsgi.version'] must be the array [1, 0]; got '1.0'. Use TSGI_VERSION. (SPEC.md §4.12)",
  ],
  [
    '§4.12 another version',
    (environ) => void (environ['tsgi.version'] = [1, 1]),
    "validate: environ['tsgi.version'] must be the array [1, 0]; got [1,1]. Use TSGI_VERSION. (SPEC.md §4.12)",
  ],
  [
    '§4.13 an unknown scheme',
    (environ) => void (environ['tsgi.url_scheme'] = 'ftp'),
    "validate: environ['tsgi.url_scheme'] must be 'http' or 'https'; got 'ftp'. (SPEC.md §4.13)",
  ],
  [
    '§4.14 an input without readlines',
    (environ) => void (environ['tsgi.input'] = { read() {}, readline() {} }),
    "validate: environ['tsgi.input'] must be an input stream; got an object, which has no readlines method. Use createInputStream(). (SPEC.md §4.14)",
  ],
  [
    '§4.14 an input that is not async iterable',
    (environ) => void (environ['tsgi.input'] = { read() {}, readline() {}, readlines() {} }),
    "validate: environ['tsgi.input'] must be an input stream; got an object, which has no [Symbol.asyncIterator] method. Use createInputStream(). (SPEC.md §4.14)",
  ],
  [
    '§4.15 process.stderr-like errors without writelines',
    (environ) => void (environ['tsgi.errors'] = { write() {} }),
    "validate: environ['tsgi.errors'] must be an error stream; got an object, which has no writelines method. Use createErrorStream(). (SPEC.md §4.15)",
  ],
  [
    '§4.16 a number for multithread',
    (environ) => void (environ['tsgi.multithread'] = 0),
    "validate: environ['tsgi.multithread'] must be a boolean; got 0. (SPEC.md §4.16)",
  ],
  [
    '§4.16 a string for run_once',
    (environ) => void (environ['tsgi.run_once'] = 'false'),
    "validate: environ['tsgi.run_once'] must be a boolean; got 'false'. (SPEC.md §4.16)",
  ],
  [
    '§4.17 a file_wrapper that is not a function',
    (environ) => void (environ['tsgi.file_wrapper'] = {}),
    "validate: environ['tsgi.file_wrapper'] must be a function when present; got an object. (SPEC.md §4.17)",
  ],
  [
    '§4.18 input_terminated as a string',
    (environ) => void (environ['tsgi.input_terminated'] = 'yes'),
    "validate: environ['tsgi.input_terminated'] must be a boolean when present; got 'yes'. (SPEC.md §4.18)",
  ],
  [
    '§14.1 a relative SCRIPT_NAME',
    (environ) => void (environ['SCRIPT_NAME'] = 'app'),
    "validate: environ['SCRIPT_NAME'] must be empty or start with '/'; got 'app'. (SPEC.md §14.1)",
  ],
  [
    '§14.2 a relative PATH_INFO',
    (environ) => void (environ['PATH_INFO'] = 'x'),
    "validate: environ['PATH_INFO'] must be empty or start with '/'; got 'x'. (SPEC.md §14.2)",
  ],
  [
    '§14.2 PATH_INFO * for a GET',
    (environ) => void (environ['PATH_INFO'] = '*'),
    "validate: environ['PATH_INFO'] must be empty or start with '/'; got '*'. (SPEC.md §14.2)",
  ],
  [
    "§14.3 SCRIPT_NAME '/'",
    (environ) => void (environ['SCRIPT_NAME'] = '/'),
    "validate: environ['SCRIPT_NAME'] must not be '/'. An application at the root has SCRIPT_NAME '' and PATH_INFO '/…'. (SPEC.md §14.3)",
  ],
  [
    '§14.4 both empty',
    (environ) => void (environ['PATH_INFO'] = ''),
    "validate: environ['SCRIPT_NAME'] and environ['PATH_INFO'] must not both be empty. Set PATH_INFO to '/'. (SPEC.md §14.4)",
  ],
  [
    '§14.5 a SCRIPT_NAME with a trailing slash',
    (environ) => void (environ['SCRIPT_NAME'] = '/app/'),
    "validate: environ['SCRIPT_NAME'] must not end with '/'; got '/app/'. Move the slash to the start of PATH_INFO. (SPEC.md §14.5)",
  ],
];

for (const [label, change, message] of cases) {
  test(`checkEnviron(environ) rejects ${label}`, (t) => {
    const environ: Record<string, unknown> = environFor();
    const replaced = change(environ);
    const subject = replaced === undefined && !label.includes('undefined') ? environ : replaced;
    t.throws(() => checkEnviron(subject), { instanceOf: ProtocolError, message });
  });
}
