import test from 'ava';
import { bearerAuth, type BearerAuthOptions } from '../../middleware/bearer-auth.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Environ } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp } from '../../lib/testing/recording-app.js';

const TOKEN = 'mF_9.B5f-4.1JqM';

function setup(options: Partial<BearerAuthOptions> = {}) {
  const recorder = recordingApp({ stream: true, body: ['a', 'b'] });
  const client = new Client(recorder, { middleware: bearerAuth({ realm: 'example', tokens: [TOKEN, 'other=='], ...options } as BearerAuthOptions) });
  return { recorder, client };
}

test('bearerAuth() lets a known token through with AUTH_TYPE, streaming the body chunk by chunk', async (t) => {
  const { recorder, client } = setup();
  const chunks: string[] = [];
  const response = await client.get('/resource', {
    headers: { Authorization: `Bearer ${TOKEN}` },
    onBodyChunk: (chunk) => void chunks.push(Buffer.from(chunk).toString()),
  });
  t.is(response.status, 200);
  t.deepEqual(chunks, ['a', 'b']);
  t.is(recorder.lastEnviron?.['AUTH_TYPE'], 'Bearer');
  t.true(recorder.lastCall?.closed);
});

test('bearerAuth() accepts any known token and the scheme in any case', async (t) => {
  const { client } = setup();
  t.is((await client.get('/', { headers: { Authorization: 'bearer other==' } })).status, 200);
});

const refused: Array<[label: string, header: string | undefined, status: number, challenge: string]> = [
  ['no credentials', undefined, 401, 'Bearer realm="example"'],
  ['another scheme', 'Basic YTpi', 401, 'Bearer realm="example"'],
  [
    'an unknown token',
    'Bearer nope',
    401,
    'Bearer realm="example", error="invalid_token", error_description="The access token is invalid or expired"',
  ],
  [
    'a prefix of a token',
    'Bearer mF_9.B5f',
    401,
    'Bearer realm="example", error="invalid_token", error_description="The access token is invalid or expired"',
  ],
  ...(
    [
      ['the scheme without a token', 'Bearer'],
      ['a token with a space', `Bearer ${TOKEN} x`],
      ['a token with a forbidden character', 'Bearer abc@def'],
      ['= inside the token', 'Bearer ab=cd'],
      ['two credentials joined', `Bearer ${TOKEN}, Bearer other==`],
      ['auth-params instead of a token', 'Bearer token="abc"'],
      ['no scheme at all', '@@@'],
      ['an oversized header', `Bearer ${'a'.repeat(5000)}`],
    ] as const
  ).map(([label, header]): [string, string, number, string] => [
    label,
    header,
    400,
    'Bearer realm="example", error="invalid_request", error_description="The Authorization header is not \\"Bearer\\" followed by one token"',
  ]),
];

for (const [label, header, status, challenge] of refused) {
  test(`bearerAuth() answers ${status} without calling the app for ${label}`, async (t) => {
    const { recorder, client } = setup();
    const response = await client.post('/', { body: 'unread', ...(header !== undefined && { headers: { Authorization: header } }) });
    t.is(response.status, status);
    t.is(response.headers.get('WWW-Authenticate'), challenge);
    t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
    t.is(recorder.calls.length, 0);
  });
}

test('bearerAuth() puts scope in the challenge, and leaves realm out when not given', async (t) => {
  const client = new Client(recordingApp(), { middleware: bearerAuth({ tokens: [TOKEN], scope: 'read write' }) });
  t.is((await client.get('/')).headers.get('WWW-Authenticate'), 'Bearer scope="read write"');
  const bare = new Client(recordingApp(), { middleware: bearerAuth({ tokens: [TOKEN] }) });
  t.is((await bare.get('/')).headers.get('WWW-Authenticate'), 'Bearer');
});

test('bearerAuth({ verify }) gets the token and the environ, may be async, and only true passes', async (t) => {
  const seen: Array<[string, string]> = [];
  const verify = async (token: string, environ: Environ): Promise<boolean> => {
    seen.push([token, environ.PATH_INFO]);
    return token === 'good' ? true : ((token === 'truthy' ? 1 : false) as boolean);
  };
  const recorder = recordingApp();
  const client = new Client(recorder, { middleware: bearerAuth({ verify }) });
  t.is((await client.get('/a', { headers: { Authorization: 'Bearer good' } })).status, 200);
  t.is((await client.get('/b', { headers: { Authorization: 'Bearer truthy' } })).status, 401);
  t.deepEqual(seen, [['good', '/a'], ['truthy', '/b']]);
  t.is(recorder.calls.length, 1);
});

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['neither tokens nor verify', {}, 'bearerAuth() needs exactly one of the options tokens and verify; got neither. Pass tokens: [token, …] or verify: (token, environ) => boolean.'],
  ['both tokens and verify', { tokens: [], verify: () => true }, 'bearerAuth() needs exactly one of the options tokens and verify; got both. Pass tokens: [token, …] or verify: (token, environ) => boolean.'],
  ['tokens not an array', { tokens: 'abc' }, "bearerAuth() option tokens must be an array of token strings; got 'abc'."],
  ['a token a client cannot send', { tokens: ['ok', 'has space'] }, "bearerAuth() option tokens[1] must be a token68 string (letters, digits, -._~+/ and trailing =); got 'has space'. A client could never send it."],
  ['verify not a function', { verify: 'yes' }, "bearerAuth() option verify must be a function (token, environ) => boolean; got 'yes'."],
  ['a realm with a quote-breaking newline', { tokens: ['a'], realm: 'x\r\n' }, "bearerAuth() option realm must be a non-empty string of printable ASCII characters; got 'x\\r\\n'."],
  ['a scope with a double space', { tokens: ['a'], scope: 'read  write' }, "bearerAuth() option scope must be scope tokens separated by single spaces (RFC 6750 §3); got 'read  write'."],
  ['a scope with a quote', { tokens: ['a'], scope: 'a"b' }, 'bearerAuth() option scope must be scope tokens separated by single spaces (RFC 6750 §3); got \'a"b\'.'],
  ['a bad maxLength', { tokens: ['a'], maxLength: 1.5 }, 'bearerAuth() option maxLength must be a positive integer (characters); got 1.5.'],
];

for (const [label, options, message] of badOptions) {
  test(`bearerAuth() rejects ${label} at once`, (t) => {
    t.throws(() => bearerAuth(options as BearerAuthOptions), { instanceOf: ImproperlyConfigured, message });
  });
}

test('bearerAuth() rejects an unknown option at once', (t) => {
  t.throws(() => bearerAuth({ token: ['a'] } as unknown as BearerAuthOptions), {
    instanceOf: TypeError,
    message: "bearerAuth() got an unknown option 'token'. Known options: tokens, verify, realm, scope, maxLength.",
  });
});
