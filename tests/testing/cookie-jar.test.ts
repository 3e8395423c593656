import test from 'ava';
import { CookieJar } from '../../lib/testing/cookie-jar.js';

const url = (href: string): URL => new URL(href);

test('CookieJar stores a Set-Cookie and sends it back on the same host', (t) => {
  const jar = new CookieJar();
  jar.storeFromResponse(url('http://localhost/login'), ['session=abc; Path=/; HttpOnly']);
  t.is(jar.cookieHeader(url('http://localhost/account')), 'session=abc');
  t.is(jar.get('session')?.httpOnly, true);
  t.is(jar.size, 1);
});

test('CookieJar sends nothing when no cookie matches', (t) => {
  const jar = new CookieJar();
  t.is(jar.cookieHeader(url('http://localhost/')), undefined);
});

test('CookieJar defaults the path to the directory of the request path (RFC 6265 §5.1.4)', (t) => {
  const jar = new CookieJar();
  jar.storeFromResponse(url('http://localhost/shop/cart/add'), ['item=1']);
  t.is(jar.get('item')?.path, '/shop/cart');
  t.is(jar.cookieHeader(url('http://localhost/shop/cart')), 'item=1');
  t.is(jar.cookieHeader(url('http://localhost/shop/cart/view')), 'item=1');
  t.is(jar.cookieHeader(url('http://localhost/shop/cartography')), undefined);
  t.is(jar.cookieHeader(url('http://localhost/shop')), undefined);
});

test('CookieJar sends cookies with longer paths first', (t) => {
  const jar = new CookieJar();
  jar.storeFromResponse(url('http://localhost/'), ['a=root; Path=/', 'b=deep; Path=/x/y']);
  t.is(jar.cookieHeader(url('http://localhost/x/y/z')), 'b=deep; a=root');
});

test('CookieJar keeps host-only cookies to their host and Domain cookies to subdomains too', (t) => {
  const jar = new CookieJar();
  jar.storeFromResponse(url('http://www.example.com/'), ['host=1', 'wide=2; Domain=.example.com']);
  t.is(jar.cookieHeader(url('http://www.example.com/')), 'host=1; wide=2');
  t.is(jar.cookieHeader(url('http://api.example.com/')), 'wide=2');
  t.is(jar.cookieHeader(url('http://example.org/')), undefined);
});

test('CookieJar ignores a Domain the responding host does not belong to', (t) => {
  const jar = new CookieJar();
  jar.storeFromResponse(url('http://localhost/'), ['evil=1; Domain=example.com']);
  t.is(jar.size, 0);
});

test('CookieJar deletes a cookie set with Max-Age=0 or a past Expires', (t) => {
  const jar = new CookieJar();
  jar.storeFromResponse(url('http://localhost/'), ['a=1', 'b=2']);
  jar.storeFromResponse(url('http://localhost/'), ['a=; Max-Age=0', 'b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
  t.is(jar.size, 0);
});

test('CookieJar expires cookies by Max-Age, which wins over Expires', (t) => {
  let now = 1_000_000;
  const jar = new CookieJar(() => now);
  jar.storeFromResponse(url('http://localhost/'), ['a=1; Max-Age=10; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
  t.is(jar.cookieHeader(url('http://localhost/')), 'a=1');
  now += 10_001;
  t.is(jar.cookieHeader(url('http://localhost/')), undefined);
});

test('CookieJar sends Secure cookies over https only', (t) => {
  const jar = new CookieJar();
  jar.storeFromResponse(url('https://localhost/'), ['s=1; Secure']);
  t.is(jar.cookieHeader(url('http://localhost/')), undefined);
  t.is(jar.cookieHeader(url('https://localhost/')), 's=1');
});

test('CookieJar replaces a cookie with the same name, domain and path', (t) => {
  const jar = new CookieJar();
  jar.storeFromResponse(url('http://localhost/'), ['a=1; Path=/']);
  jar.storeFromResponse(url('http://localhost/'), ['a=2; Path=/']);
  t.deepEqual([...jar].map((cookie) => cookie.value), ['2']);
});

test('CookieJar ignores a Set-Cookie without a name', (t) => {
  const jar = new CookieJar();
  jar.storeFromResponse(url('http://localhost/'), ['novalue', '=x']);
  t.is(jar.size, 0);
});

test('CookieJar keeps = signs inside values', (t) => {
  const jar = new CookieJar();
  jar.storeFromResponse(url('http://localhost/'), ['token=a=b=c; Path=/']);
  t.is(jar.get('token')?.value, 'a=b=c');
});

test('CookieJar set(), get(), delete() and clear() manage cookies by hand', (t) => {
  const jar = new CookieJar();
  jar.set('a', '1');
  jar.set('b', '2', { path: '/admin' });
  t.is(jar.cookieHeader(url('http://localhost/admin/x')), 'b=2; a=1');
  t.is(jar.get('b', { path: '/admin' })?.value, '2');
  t.is(jar.get('b', { path: '/' }), undefined);
  jar.delete('a');
  t.is(jar.cookieHeader(url('http://localhost/')), undefined);
  jar.clear();
  t.is(jar.size, 0);
});

test('CookieJar describes itself', (t) => {
  const jar = new CookieJar();
  jar.set('a', '1');
  t.is(String(jar), '<CookieJar a=1 (localhost/)>');
});
