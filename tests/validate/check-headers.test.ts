import test from 'ava';
import { Headers } from '../../lib/protocol/headers.js';
import { ProtocolError } from '../../lib/protocol/errors.js';
import { checkHeaders } from '../../lib/validate/check-headers.js';

test('checkHeaders(headers, code) returns the declared Content-Length', (t) => {
  t.deepEqual(checkHeaders([['Content-Type', 'text/plain'], ['content-length', '12']], 200), { contentLength: 12 });
});

test('checkHeaders(headers, code) returns no Content-Length when none is declared', (t) => {
  t.deepEqual(checkHeaders([['Content-Type', 'text/plain']], 200), { contentLength: undefined });
});

const valid: Array<[label: string, headers: unknown, code: number]> = [
  ['repeated Set-Cookie', [['Content-Type', 'text/html'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']], 200],
  ['a tab inside a value', [['Content-Type', 'text/plain'], ['X-Tab', 'a\tb']], 200],
  ['latin-1 bytes in a value', [['Content-Type', 'text/plain'], ['X-Raw', 'caf\xc3\xa9']], 200],
  ['token punctuation in a name', [['Content-Type', 'text/plain'], ["X-!#$%&'*+.^_`|~", '1']], 200],
  ['a trailing dash in a name', [['Content-Type', 'text/plain'], ['X-', '1']], 200],
  ['the singular Trailer header', [['Content-Type', 'text/plain'], ['Trailer', 'Server-Timing']], 200],
  ['a 204 without Content-Type', [], 204],
  ['a 304 with the Content-Length of the full response', [['ETag', '"x"'], ['Content-Length', '10']], 304],
  ['a 101 without Content-Type', [], 101],
  ['a HEAD-style 200 with Content-Length 0', [['Content-Type', 'text/plain'], ['Content-Length', '0']], 200],
];

for (const [label, headers, code] of valid) {
  test(`checkHeaders(headers, code) accepts ${label}`, (t) => {
    t.notThrows(() => checkHeaders(headers, code));
  });
}

const TYPE = ['Content-Type', 'text/plain'];

const invalid: Array<[label: string, headers: unknown, code: number, message: string]> = [
  [
    '§6.4 an object',
    { 'Content-Type': 'text/plain' },
    200,
    "validate: startResponse() headers must be an array of [name, value] arrays; got an object. Write them as [['Content-Type', 'text/plain']]. (SPEC.md §6.4)",
  ],
  [
    '§6.4 a Headers instance',
    new Headers([['Content-Type', 'text/plain']]),
    200,
    'validate: startResponse() headers must be an array of [name, value] arrays; got a Headers. Pass headers.toList(). (SPEC.md §6.4)',
  ],
  [
    '§6.4 a string entry',
    ['Content-Type: text/plain'],
    200,
    "validate: startResponse() headers[0] must be a [name, value] array of two strings; got 'Content-Type: text/plain'. (SPEC.md §6.4)",
  ],
  [
    '§6.4 a three-element entry',
    [['Content-Type', 'text/plain', 'x']],
    200,
    "validate: startResponse() headers[0] must be a [name, value] array of two strings; got ['Content-Type', 'text/plain', 'x']. (SPEC.md §6.4)",
  ],
  [
    '§6.4 a number value',
    [TYPE, ['Content-Length', 5]],
    200,
    "validate: startResponse() headers[1] must be a [name, value] array of two strings; got ['Content-Length', 5]. Convert the value with String(). (SPEC.md §6.4)",
  ],
  [
    '§6.5 a name with a space',
    [TYPE, ['X Name', '1']],
    200,
    "validate: startResponse() header name 'X Name' is not a token: it contains \" \" (U+0020) at index 1. Use letters, digits and !#$%&'*+-.^_`|~. (SPEC.md §6.5)",
  ],
  [
    '§6.5 a name with a colon',
    [TYPE, ['X-Name:', '1']],
    200,
    "validate: startResponse() header name 'X-Name:' is not a token: it contains \":\" (U+003A) at index 6. Use letters, digits and !#$%&'*+-.^_`|~. (SPEC.md §6.5)",
  ],
  [
    '§6.5 an empty name',
    [TYPE, ['', '1']],
    200,
    "validate: startResponse() header name '' is not a token: it is empty. Use letters, digits and !#$%&'*+-.^_`|~. (SPEC.md §6.5)",
  ],
  [
    '§6.5 a Status header',
    [TYPE, ['status', '404 Not Found']],
    200,
    "validate: startResponse() headers must not include 'status'; pass the status as the first argument. (SPEC.md §6.5)",
  ],
  [
    '§6.6 a value with CRLF',
    [TYPE, ['Location', '/a\r\nSet-Cookie: x=1']],
    302,
    "validate: startResponse() header 'Location' value '/a\\r\\nSet-Cookie: x=1' contains \"\\r\" (U+000D) at index 2; a value must be a byte string without control characters other than tab. (SPEC.md §6.6)",
  ],
  [
    '§6.6 a value with NUL',
    [TYPE, ['X-A', 'a\x00']],
    200,
    "validate: startResponse() header 'X-A' value 'a\\u0000' contains \"\\u0000\" (U+0000) at index 1; a value must be a byte string without control characters other than tab. (SPEC.md §6.6)",
  ],
  [
    '§6.6 a value that is not a byte string',
    [TYPE, ['X-A', 'café ☕']],
    200,
    "validate: startResponse() header 'X-A' value 'café ☕' contains \"☕\" (U+2615) at index 5; a value must be a byte string without control characters other than tab. (SPEC.md §6.6)",
  ],
  [
    '§6.7 Transfer-Encoding',
    [TYPE, ['Transfer-Encoding', 'chunked']],
    200,
    "validate: startResponse() headers must not include the hop-by-hop header 'Transfer-Encoding'; the server owns the connection and chooses the framing. (SPEC.md §6.7)",
  ],
  [
    '§6.7 Connection in lower case',
    [TYPE, ['connection', 'close']],
    200,
    "validate: startResponse() headers must not include the hop-by-hop header 'connection'; the server owns the connection and chooses the framing. (SPEC.md §6.7)",
  ],
  [
    '§6.8 two Content-Length headers',
    [TYPE, ['Content-Length', '1'], ['Content-Length', '2']],
    200,
    "validate: startResponse() headers have 2 Content-Length headers ('1', '2'); send one. (SPEC.md §6.8)",
  ],
  [
    '§6.8 a Content-Length that is not digits',
    [TYPE, ['Content-Length', '1.5']],
    200,
    "validate: startResponse() header 'Content-Length' must be decimal digits; got '1.5'. (SPEC.md §6.8)",
  ],
  [
    '§6.9 a 200 without Content-Type',
    [['Content-Length', '0']],
    200,
    "validate: startResponse() headers of a 200 response must include Content-Type; add one such as ['Content-Type', 'text/plain; charset=utf-8']. (SPEC.md §6.9)",
  ],
  [
    '§6.9 a 302 without Content-Type',
    [['Location', '/elsewhere']],
    302,
    "validate: startResponse() headers of a 302 response must include Content-Type; add one such as ['Content-Type', 'text/plain; charset=utf-8']. (SPEC.md §6.9)",
  ],
  [
    '§6.9 a 204 with Content-Type',
    [TYPE],
    204,
    'validate: startResponse() headers of a 204 response must not include Content-Type; it has no content to describe. (SPEC.md §6.9)',
  ],
  [
    '§6.9 a 304 with Content-Type',
    [TYPE],
    304,
    'validate: startResponse() headers of a 304 response must not include Content-Type; it has no content to describe. (SPEC.md §6.9)',
  ],
  [
    '§6.9 a 204 with Content-Length',
    [['Content-Length', '0']],
    204,
    'validate: startResponse() headers of a 204 response must not include Content-Length (RFC 9110 §8.6). (SPEC.md §6.9)',
  ],
  [
    '§6.9 a 103 with Content-Length',
    [['Link', '</a.css>; rel=preload'], ['Content-Length', '0']],
    103,
    'validate: startResponse() headers of a 103 response must not include Content-Length (RFC 9110 §8.6). (SPEC.md §6.9)',
  ],
];

for (const [label, headers, code, message] of invalid) {
  test(`checkHeaders(headers, code) rejects ${label}`, (t) => {
    t.throws(() => checkHeaders(headers, code), { instanceOf: ProtocolError, message });
  });
}
