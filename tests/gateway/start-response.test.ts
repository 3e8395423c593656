import test from 'ava';
import { ResponseState } from '../../lib/gateway/start-response.js';
import { ProtocolError } from '../../lib/protocol/errors.js';

const TOKEN_ADVICE = "Use only letters, digits and !#$%&'*+-.^_`|~.";

const badStatuses: Array<[label: string, status: unknown, message: string]> = [
  [
    'a number',
    200,
    "startResponse() status must be a string like '200 OK'; got 200. Pass the code and the reason phrase as one string.",
  ],
  [
    'no space',
    '200OK',
    'startResponse() status must be "NNN Reason"; got \'200OK\'. Put one space between the code and the reason.',
  ],
  [
    'a code alone',
    '200',
    'startResponse() status must be "NNN Reason"; got \'200\'. Put one space between the code and the reason.',
  ],
  [
    'a 4-digit code',
    '2000 OK',
    'startResponse() status must be "NNN Reason"; got \'2000 OK\'. Put one space between the code and the reason.',
  ],
  [
    'a 2-digit code',
    '20 OK',
    "startResponse() status must start with a 3-digit code from 100 to 999; got '20 OK'. Write it like '404 Not Found'.",
  ],
  [
    'a code below 100',
    '099 Low',
    "startResponse() status must start with a 3-digit code from 100 to 999; got '099 Low'. Write it like '404 Not Found'.",
  ],
  [
    'CR LF',
    '200 OK\r\n',
    "startResponse() status must not contain control characters; got '200 OK\\r\\n'. Remove CR, LF and other control characters.",
  ],
  [
    'nothing in it',
    '',
    "startResponse() status must start with a 3-digit code from 100 to 999; got ''. Write it like '404 Not Found'.",
  ],
  [
    'a character above 255',
    '200 \u2713',
    "startResponse() status must be a byte string (code units 0–255); got '200 \u2713'. Keep the reason phrase ASCII.",
  ],
];

for (const [label, status, message] of badStatuses) {
  test(`startResponse(status, headers) rejects a status with ${label}`, (t) => {
    const state = new ResponseState();
    t.throws(() => state.start(status, []), { instanceOf: ProtocolError, message });
  });
}

test('startResponse(status, headers) checks each status, whatever came before', (t) => {
  for (const [status, code] of [['200 OK', 200], ['', 0], ['200 OK', 200], ['404 Not Found', 404], ['200', 0]] as const) {
    const state = new ResponseState();
    if (code === 0) t.throws(() => state.start(status, []), { instanceOf: ProtocolError });
    else state.start(status, []);
    t.is(state.code, code, status);
  }
});

const goodStatuses: Array<[label: string, status: string, code: number]> = [
  ['a reason', '404 Not Found', 404],
  ['an empty reason (RFC 9112 §4)', '204 ', 204],
  ['an unregistered code', '599 Custom', 599],
  ['latin-1 in the reason', '200 D\xe9j\xe0 vu', 200],
];

for (const [label, status, code] of goodStatuses) {
  test(`startResponse(status, headers) accepts a status with ${label}`, (t) => {
    const state = new ResponseState();
    state.start(status, []);
    t.is(state.status, status);
    t.is(state.code, code);
    t.is(state.invalid, undefined);
  });
}

const badHeaders: Array<[label: string, headers: unknown, message: string]> = [
  [
    'a string for the list',
    'Content-Type: text/plain',
    "startResponse() headers must be an array of [name, value] pairs; got 'Content-Type: text/plain'. Pass e.g. [['Content-Type', 'text/plain']].",
  ],
  [
    'an object for the list',
    { 'Content-Type': 'text/plain' },
    "startResponse() headers must be an array of [name, value] pairs; got an object. Pass e.g. [['Content-Type', 'text/plain']].",
  ],
  [
    'a one-element pair',
    [['X-A']],
    "startResponse() headers[0] must be a [name, value] pair of strings; got ['X-A']. Write each header like ['Content-Type', 'text/plain'], converting numbers with String().",
  ],
  [
    'a number value',
    [['X-A', 'a'], ['X-Count', 5]],
    "startResponse() headers[1] must be a [name, value] pair of strings; got ['X-Count', 5]. Write each header like ['Content-Type', 'text/plain'], converting numbers with String().",
  ],
  [
    'a string for a pair',
    ['X-A: b'],
    "startResponse() headers[0] must be a [name, value] pair of strings; got 'X-A: b'. Write each header like ['Content-Type', 'text/plain'], converting numbers with String().",
  ],
  [
    'a space in a name',
    [['X Foo', '1']],
    `startResponse() headers[0] is invalid: Header name 'X Foo' contains ' ' (U+0020) at index 1, which an RFC 9110 token does not allow. ${TOKEN_ADVICE}`,
  ],
  [
    'a colon after a name',
    [['X-Foo:', '1']],
    `startResponse() headers[0] is invalid: Header name 'X-Foo:' contains ':' (U+003A) at index 5, which an RFC 9110 token does not allow. ${TOKEN_ADVICE}`,
  ],
  [
    'an empty name',
    [['', '1']],
    'startResponse() headers[0] is invalid: Header name is empty. Give every header a name.',
  ],
  [
    'CR LF in a value (response splitting)',
    [['X-A', 'a\r\nSet-Cookie: x=1']],
    "startResponse() headers[0] is invalid: Header 'X-A' value 'a\\r\\nSet-Cookie: x=1' contains the control character U+000D at index 1. Remove CR, LF and other control characters (HTAB is allowed).",
  ],
  [
    'a character above 255 in a value',
    [['X-A', '\u2713']],
    "startResponse() headers[0] is invalid: Header 'X-A' value '\u2713' contains '\u2713' (U+2713) at index 0, which is not a byte (0–255). Encode text with utf8ToByteString() or RFC 8187.",
  ],
  [
    'Connection (hop-by-hop)',
    [['Connection', 'close']],
    "startResponse() headers must not contain hop-by-hop headers; got 'Connection: close'. Remove it: the server manages the connection and the transfer coding.",
  ],
  [
    'Transfer-Encoding in any case (hop-by-hop)',
    [['transfer-encoding', 'chunked']],
    "startResponse() headers must not contain hop-by-hop headers; got 'transfer-encoding: chunked'. Remove it: the server manages the connection and the transfer coding.",
  ],
  [
    'a Status header',
    [['Status', '404 Not Found']],
    "startResponse() headers must not contain 'Status' (a CGI convention); got 'Status: 404 Not Found'. Pass the status as the first argument.",
  ],
  [
    'a negative Content-Length',
    [['Content-Length', '-1']],
    "startResponse() header 'Content-Length' must be a non-negative integer; got '-1'. Give the body length in bytes, or leave the header out.",
  ],
  [
    'a fractional Content-Length',
    [['Content-Length', '1.5']],
    "startResponse() header 'Content-Length' must be a non-negative integer; got '1.5'. Give the body length in bytes, or leave the header out.",
  ],
  [
    'an empty Content-Length',
    [['Content-Length', '']],
    "startResponse() header 'Content-Length' must be a non-negative integer; got ''. Give the body length in bytes, or leave the header out.",
  ],
  [
    'a Content-Length past 2^53',
    [['Content-Length', '99999999999999999999']],
    "startResponse() header 'Content-Length' must be a non-negative integer; got '99999999999999999999'. Give the body length in bytes, or leave the header out.",
  ],
  [
    'CR LF in a Content-Length',
    [['Content-Length', '5\r\nX-A: b']],
    "startResponse() headers[0] is invalid: Header 'Content-Length' value '5\\r\\nX-A: b' contains the control character U+000D at index 1. Remove CR, LF and other control characters (HTAB is allowed).",
  ],
  [
    'two Content-Lengths',
    [['Content-Length', '5'], ['content-length', '5']],
    "startResponse() header 'Content-Length' must appear once; got '5' and '5'. Send a single Content-Length.",
  ],
];

for (const [label, headers, message] of badHeaders) {
  test(`startResponse(status, headers) rejects headers with ${label}`, (t) => {
    const state = new ResponseState();
    t.throws(() => state.start('200 OK', headers), { instanceOf: ProtocolError, message });
  });
}

test('startResponse(status, headers) accepts HTAB and latin-1 in values, and Trailer', (t) => {
  const state = new ResponseState();
  state.start('200 OK', [['X-Tab', 'a\tb'], ['X-Latin', 'caf\xe9'], ['Trailer', 'X-Checksum']]);
  t.is(state.invalid, undefined);
});

test('startResponse(status, headers) remembers only values that passed: a bad one is refused every time', (t) => {
  const good = new ResponseState();
  good.start('200 OK', [['X-Mode', 'fast'], ['X-Other', 'fast']]);
  t.is(good.invalid, undefined);
  for (let attempt = 0; attempt < 2; attempt++) {
    const state = new ResponseState();
    t.throws(() => state.start('200 OK', [['X-Mode', 'fast'], ['X-Mode', 'fast\nX-Injected: 1']]), {
      instanceOf: ProtocolError,
      message:
        "startResponse() headers[1] is invalid: Header 'X-Mode' value 'fast\\nX-Injected: 1' contains the control character U+000A at index 4. Remove CR, LF and other control characters (HTAB is allowed).",
    });
  }
});

test('startResponse(status, headers) records Content-Length, Date and Server', (t) => {
  const state = new ResponseState();
  state.start('200 OK', [['content-length', '012'], ['DATE', 'x'], ['server', 'me']]);
  t.is(state.declaredLength, 12);
  t.true(state.hasDate);
  t.true(state.hasServer);
});

test('startResponse(status, headers) checks each name whatever stood at its place in the list before', (t) => {
  const first = new ResponseState();
  first.start('200 OK', [['Content-Type', 'text/plain'], ['X-Mode', 'fast']]);
  t.is(first.declaredLength, undefined);
  // Other names at the same places: Content-Length is still recognised, a bad name still refused.
  const second = new ResponseState();
  second.start('200 OK', [['X-Mode', 'fast'], ['Content-Length', '5']]);
  t.is(second.declaredLength, 5);
  const third = new ResponseState();
  t.throws(() => third.start('200 OK', [['Content-Type', 'text/plain'], ['Connection', 'close']]), {
    instanceOf: ProtocolError,
    message:
      "startResponse() headers must not contain hop-by-hop headers; got 'Connection: close'. Remove it: the server manages the connection and the transfer coding.",
  });
  const fourth = new ResponseState();
  t.throws(() => fourth.start('200 OK', [['X Mode', 'fast']]), {
    instanceOf: ProtocolError,
    message: `startResponse() headers[0] is invalid: Header name 'X Mode' contains ' ' (U+0020) at index 1, which an RFC 9110 token does not allow. ${TOKEN_ADVICE}`,
  });
});

test('startResponse(status, headers) stores the response before checking it', (t) => {
  const state = new ResponseState();
  const headers: Array<[string, string]> = [['Connection', 'close']];
  t.throws(() => state.start('200 OK', headers), { instanceOf: ProtocolError });
  t.is(state.status, '200 OK');
  t.is(state.headers, headers);
  t.true(state.invalid instanceof ProtocolError);
});

test('startResponse(status, headers) called twice without excInfo throws', (t) => {
  const state = new ResponseState();
  state.start('200 OK', []);
  t.throws(() => state.start('500 Oops', []), {
    instanceOf: ProtocolError,
    message:
      "startResponse() was called a second time without excInfo; got '500 Oops' after '200 OK'. " +
      'Call it once, or pass the caught error as the third argument to replace a response that has not been sent.',
  });
  t.is(state.status, '200 OK');
});

test('startResponse(status, headers) called again after a failed call still needs excInfo', (t) => {
  const state = new ResponseState();
  t.throws(() => state.start('200OK', []));
  t.throws(() => state.start('200 OK', []), { message: /^startResponse\(\) was called a second time without excInfo; got '200 OK' after '200OK'\./ });
});

test('startResponse(status, headers, excInfo) replaces a response not yet sent', (t) => {
  const state = new ResponseState();
  state.start('200 OK', [['Content-Length', '5'], ['Date', 'x']]);
  state.start('500 Internal Server Error', [['Content-Type', 'text/plain']], new Error('boom'));
  t.is(state.status, '500 Internal Server Error');
  t.is(state.code, 500);
  t.deepEqual(state.headers, [['Content-Type', 'text/plain']]);
  t.is(state.declaredLength, undefined);
  t.false(state.hasDate);
});

test('startResponse(status, headers, excInfo) clears a previous invalid response', (t) => {
  const state = new ResponseState();
  t.throws(() => state.start('200 OK', [['Upgrade', 'h2c']]));
  state.start('500 Internal Server Error', [], new Error('boom'));
  t.is(state.invalid, undefined);
});

test('startResponse(status, headers, excInfo) re-throws excInfo once the head was sent', (t) => {
  const state = new ResponseState();
  state.start('200 OK', []);
  state.headersSent = true;
  const original = new Error('the original failure');
  const thrown = t.throws(() => state.start('500 Internal Server Error', [], original));
  t.is(thrown, original);
  t.is(state.status, '200 OK');
});

test('startResponse(status, headers, null) counts as no excInfo', (t) => {
  const state = new ResponseState();
  state.start('200 OK', []);
  t.throws(() => state.start('500 Oops', [], null), { message: /called a second time without excInfo/ });
});
