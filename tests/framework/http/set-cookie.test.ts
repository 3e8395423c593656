import test from 'ava';
import { HttpResponse, ResponseCookie } from '../../../lib/framework/http/index.js';

test('setCookie() serialises as Django does', (t) => {
  const response = new HttpResponse();
  response.setCookie('a', '1');
  t.is(String(response.cookies.get('a')), 'a=1; Path=/');
  const full = response.setCookie('session', '"quoted"', { domain: '.example.com', path: '/app', secure: true, httpOnly: true, sameSite: 'Lax' });
  t.is(String(full), 'session="quoted"; Domain=.example.com; HttpOnly; Path=/app; SameSite=Lax; Secure');
  t.is(String(response.setCookie('b', '', { path: null })), 'b=');
  t.is(String(response.setCookie('c', 'x', { expires: 'Wed, 21 Oct 2037 07:28:00 GMT' })), 'c=x; expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/');
  t.is(response.cookies.size, 4);
  t.is(response.setCookie('a', '2').value, '2');
  t.is(response.cookies.size, 4, 'replaces a cookie of the same name');
});

test('maxAge sets expires too, and an expires Date becomes maxAge', (t) => {
  const before = Date.now();
  const cookie = new ResponseCookie('a', '1', { maxAge: 3600.7 });
  t.is(cookie.maxAge, 3600);
  const expires = Date.parse(cookie.expires);
  t.true(Math.abs(expires - (before + 3600_000)) < 2000);
  t.regex(String(cookie), /^a=1; expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; Max-Age=3600; Path=\/$/);
  const dated = new ResponseCookie('b', '1', { expires: new Date(Date.now() + 60_000) });
  t.true(dated.maxAge === 60 || dated.maxAge === 61);
  t.is(new ResponseCookie('c', '1', { expires: new Date(0) }).maxAge, 0);
});

test('deleteCookie() expires the cookie, secure when the name or sameSite needs it', (t) => {
  const response = new HttpResponse();
  t.is(String(response.deleteCookie('a')), 'a=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/');
  t.is(
    String(response.deleteCookie('__Host-id')),
    '__Host-id=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure',
  );
  t.is(
    String(response.deleteCookie('__Secure-x', { path: '/p', domain: 'example.com' })),
    '__Secure-x=; Domain=example.com; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/p; Secure',
  );
  t.is(
    String(response.deleteCookie('n', { sameSite: 'None' })),
    'n=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=None; Secure',
  );
});

const refused: Array<[label: string, make: () => unknown, message: string]> = [
  ['name not a token', () => new ResponseCookie('a b', 'x'), "Cookie name 'a b' is not a valid token (RFC 6265 §4.1.1). Use letters, digits and !#$%&'*+-.^_`|~ only."],
  ['empty name', () => new ResponseCookie('', 'x'), "Cookie name '' is not a valid token (RFC 6265 §4.1.1). Use letters, digits and !#$%&'*+-.^_`|~ only."],
  ...[' ', ';', ',', '"', '\\', '\n', 'é'].map((char): [string, () => unknown, string] => [
    `value with ${JSON.stringify(char)}`,
    () => new ResponseCookie('a', `x${char}y`),
    `Cookie 'a' value ${`'x${JSON.stringify(char).slice(1, -1).replaceAll('\\"', '"')}y'`} contains a character a cookie value may not hold (controls, whitespace, '"', ',', ';' or '\\'). tsgi refuses it rather than encode it: encode the value yourself, e.g. with encodeURIComponent().`,
  ]),
  ['sameSite unknown', () => new ResponseCookie('a', 'x', { sameSite: 'Loose' as never }), "Cookie 'a' sameSite must be 'Lax', 'Strict' or 'None'; got 'Loose'."],
  ['sameSite None without secure', () => new ResponseCookie('a', 'x', { sameSite: 'None' }), "Cookie 'a' has sameSite 'None' without secure; browsers reject such a cookie. Set secure: true."],
  ['__Secure- without secure', () => new ResponseCookie('__Secure-a', 'x'), "Cookie '__Secure-a' starts with '__Secure-', which requires secure: true (RFC 6265bis §4.1.3.1). Set secure: true."],
  ['__Host- with a domain', () => new ResponseCookie('__Host-a', 'x', { secure: true, domain: 'example.com' }), "Cookie '__Host-a' starts with '__Host-', which requires secure: true, path '/' and no domain (RFC 6265bis §4.1.3.2); got secure true, path '/', domain 'example.com'."],
  ['__Host- with another path', () => new ResponseCookie('__Host-a', 'x', { secure: true, path: '/app' }), "Cookie '__Host-a' starts with '__Host-', which requires secure: true, path '/' and no domain (RFC 6265bis §4.1.3.2); got secure true, path '/app', domain undefined."],
  ['expires and maxAge', () => new ResponseCookie('a', 'x', { maxAge: 1, expires: new Date() }), "Cookie 'a': 'expires' and 'maxAge' can't be used together. Give one of them."],
  ['maxAge not a number', () => new ResponseCookie('a', 'x', { maxAge: '1' as never }), "Cookie 'a' maxAge must be a number of seconds; got '1'."],
  ['path with ;', () => new ResponseCookie('a', 'x', { path: '/;x' }), "Cookie 'a' path '/;x' must be printable ASCII without ';'. Remove the bad characters."],
];

for (const [label, make, message] of refused) {
  test(`setCookie() refuses: ${label}`, (t) => {
    t.throws(make, { instanceOf: TypeError, message });
  });
}

test('a valid __Host- cookie is accepted', (t) => {
  t.is(String(new ResponseCookie('__Host-id', 'abc', { secure: true, sameSite: 'Strict', httpOnly: true })), '__Host-id=abc; HttpOnly; Path=/; SameSite=Strict; Secure');
});
