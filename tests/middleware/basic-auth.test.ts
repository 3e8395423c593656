import test from 'ava';
import { basicAuth, type BasicAuthOptions } from '../../middleware/basic-auth.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Environ } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp } from '../../lib/testing/recording-app.js';

const CHALLENGE = 'Basic realm="admin", charset="UTF-8"';

function basic(pair: string): string {
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

function setup(options: Partial<BasicAuthOptions> = {}) {
  const recorder = recordingApp({ body: ['secret stuff'] });
  const client = new Client(recorder, { middleware: basicAuth({ realm: 'admin', users: { ada: 'l0velace', 'jürgen': 'pässwört' }, ...options } as BasicAuthOptions) });
  return { recorder, client };
}

test('basicAuth() lets valid credentials through with REMOTE_USER and AUTH_TYPE', async (t) => {
  const { recorder, client } = setup();
  const response = await client.post('/admin', { headers: { Authorization: basic('ada:l0velace') }, body: 'payload' });
  t.is(response.status, 200);
  t.is(response.text(), 'secret stuff');
  t.is(recorder.lastEnviron?.REMOTE_USER, 'ada');
  t.is(recorder.lastEnviron?.['AUTH_TYPE'], 'Basic');
  t.is(recorder.lastCall?.input.toString(), 'payload');
  t.true(recorder.lastCall?.closed);
});

test('basicAuth() decodes UTF-8 credentials and gives REMOTE_USER as a byte string', async (t) => {
  const { recorder, client } = setup();
  const response = await client.get('/', { headers: { Authorization: basic('jürgen:pässwört') } });
  t.is(response.status, 200);
  t.is(recorder.lastEnviron?.REMOTE_USER, Buffer.from('jürgen', 'utf8').toString('latin1'));
});

test('basicAuth() compares after NFC normalisation', async (t) => {
  const { client } = setup();
  // 'ü' decomposed as u + U+0308.
  const response = await client.get('/', { headers: { Authorization: basic('ju\u0308rgen:pa\u0308sswo\u0308rt') } });
  t.is(response.status, 200);
});

test('basicAuth() accepts the scheme in any case and extra spaces before the credentials', async (t) => {
  const { client } = setup();
  const response = await client.get('/', { headers: { Authorization: `bAsIc   ${Buffer.from('ada:l0velace').toString('base64')}` } });
  t.is(response.status, 200);
});

test('basicAuth() passes a streamed body through chunk by chunk', async (t) => {
  const recorder = recordingApp({ stream: true, body: ['a', 'b', 'c'] });
  const client = new Client(recorder, { middleware: basicAuth({ realm: 'admin', users: { ada: 'x' } }) });
  const chunks: string[] = [];
  const response = await client.get('/', { headers: { Authorization: basic('ada:x') }, onBodyChunk: (chunk) => void chunks.push(Buffer.from(chunk).toString()) });
  t.is(response.status, 200);
  t.deepEqual(chunks, ['a', 'b', 'c']);
  t.true(recorder.lastCall?.closed);
});

const refused: Array<[label: string, header: string | undefined, status: number]> = [
  ['no Authorization header', undefined, 401],
  ['another scheme', 'Bearer abc', 401],
  ['the scheme alone', 'Basic', 401],
  ['an unknown user', basic('bob:l0velace'), 401],
  ['a wrong password', basic('ada:L0velace'), 401],
  ['a password that is a prefix', basic('ada:l0ve'), 401],
  ['an empty password', basic('ada:'), 401],
  ['no colon', basic('adal0velace'), 401],
  ['a control character in the pair', basic('ada\x01:l0velace'), 401],
  ['invalid UTF-8', `Basic ${Buffer.from([0x61, 0xff, 0x3a, 0x62]).toString('base64')}`, 401],
  ['a non-token68 value', 'Basic a b c', 400],
  ['bad base64 (wrong length)', 'Basic YWRhOmwwdmVsYWNl=', 400],
  ['bad base64 (characters)', 'Basic YWRh*mwwdmVsYWNl', 400],
  ['an auth-param list', 'Basic user="ada"', 400],
  ['an oversized header', `Basic ${'A'.repeat(5000)}`, 400],
];

for (const [label, header, status] of refused) {
  test(`basicAuth() answers ${status} without calling the app for ${label}`, async (t) => {
    const { recorder, client } = setup();
    const response = await client.post('/', { body: 'unread', ...(header !== undefined && { headers: { Authorization: header } }) });
    t.is(response.status, status);
    t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
    t.is(response.headers.get('WWW-Authenticate'), status === 401 ? CHALLENGE : undefined);
    t.is(recorder.calls.length, 0);
  });
}

test('basicAuth() quotes the realm in the challenge', async (t) => {
  const client = new Client(recordingApp(), { middleware: basicAuth({ realm: 'say "hi" \\o/', users: { a: 'b' } }) });
  const response = await client.get('/');
  t.is(response.headers.get('WWW-Authenticate'), 'Basic realm="say \\"hi\\" \\\\o/", charset="UTF-8"');
});

test('basicAuth({ verify }) gets the user, the password and the environ, and may be async', async (t) => {
  const seen: Array<[string, string, string]> = [];
  const verify = async (user: string, password: string, environ: Environ): Promise<boolean> => {
    seen.push([user, password, environ.PATH_INFO]);
    return password === 'pw:with:colons';
  };
  const recorder = recordingApp();
  const client = new Client(recorder, { middleware: basicAuth({ realm: 'r', verify }) });
  t.is((await client.get('/a', { headers: { Authorization: basic('zoë:pw:with:colons') } })).status, 200);
  t.is((await client.get('/b', { headers: { Authorization: basic('zoë:nope') } })).status, 401);
  t.deepEqual(seen, [['zoë', 'pw:with:colons', '/a'], ['zoë', 'nope', '/b']]);
  t.is(recorder.calls.length, 1);
});

test('basicAuth({ verify }) lets only true through, not a truthy value', async (t) => {
  const recorder = recordingApp();
  const client = new Client(recorder, { middleware: basicAuth({ realm: 'r', verify: () => 'yes' as unknown as boolean }) });
  t.is((await client.get('/', { headers: { Authorization: basic('a:b') } })).status, 401);
});

test('basicAuth({ verify }) that throws gives the server 500, not a pass', async (t) => {
  const recorder = recordingApp();
  const verify = (): boolean => {
    throw new Error('database down');
  };
  const client = new Client(recorder, { middleware: basicAuth({ realm: 'r', verify }) });
  const response = await client.get('/', { headers: { Authorization: basic('a:b') } });
  t.is(response.status, 500);
  t.regex(response.errors, /database down/);
  t.is(recorder.calls.length, 0);
});

const badOptions: Array<[label: string, options: unknown, error: new (...args: never[]) => Error, message: string]> = [
  ['no options', undefined, TypeError, 'basicAuth() options must be an object; got undefined.'],
  ['an unknown option', { realm: 'r', users: {}, user: {} }, TypeError, "basicAuth() got an unknown option 'user'. Known options: realm, users, verify, maxLength."],
  ['no realm', { users: { a: 'b' } }, ImproperlyConfigured, 'basicAuth() option realm must be a non-empty string of printable ASCII characters; got undefined.'],
  ['a realm with a newline', { realm: 'a\nb', users: { a: 'b' } }, ImproperlyConfigured, "basicAuth() option realm must be a non-empty string of printable ASCII characters; got 'a\\nb'."],
  ['neither users nor verify', { realm: 'r' }, ImproperlyConfigured, 'basicAuth() needs exactly one of the options users and verify; got neither. Pass users: { name: password } or verify: (user, password, environ) => boolean.'],
  ['both users and verify', { realm: 'r', users: {}, verify: () => true }, ImproperlyConfigured, 'basicAuth() needs exactly one of the options users and verify; got both. Pass users: { name: password } or verify: (user, password, environ) => boolean.'],
  ['users as an array', { realm: 'r', users: [] }, ImproperlyConfigured, 'basicAuth() option users must be an object of passwords by user name; got an array of length 0.'],
  ['a user name with a colon', { realm: 'r', users: { 'a:b': 'c' } }, ImproperlyConfigured, "basicAuth() option users has the user name 'a:b', which Basic auth cannot carry (RFC 7617 §2: no ':', no control characters, not empty)."],
  ['an empty password', { realm: 'r', users: { a: '' } }, ImproperlyConfigured, "basicAuth() option users['a'] must be a non-empty password string; got ''."],
  ['verify not a function', { realm: 'r', verify: true }, ImproperlyConfigured, 'basicAuth() option verify must be a function (user, password, environ) => boolean; got true.'],
  ['a bad maxLength', { realm: 'r', users: { a: 'b' }, maxLength: 0 }, ImproperlyConfigured, 'basicAuth() option maxLength must be a positive integer (characters); got 0.'],
];

for (const [label, options, error, message] of badOptions) {
  test(`basicAuth() rejects ${label} at once`, (t) => {
    t.throws(() => basicAuth(options as BasicAuthOptions), { instanceOf: error, message });
  });
}
