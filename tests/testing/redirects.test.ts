import test from 'ava';
import { TsgiError } from '../../lib/protocol/errors.js';
import { nextRedirect } from '../../lib/testing/redirects.js';

const here = new URL('http://localhost/a/b?x=1');
const origin = 'http://localhost';

const cases: Array<[label: string, status: number, method: string, expected: { method: string; keepBody: boolean } | undefined]> = [
  ['301 after GET stays GET', 301, 'GET', { method: 'GET', keepBody: true }],
  ['301 after POST becomes GET', 301, 'POST', { method: 'GET', keepBody: false }],
  ['302 after POST becomes GET', 302, 'POST', { method: 'GET', keepBody: false }],
  ['302 after PUT keeps PUT', 302, 'PUT', { method: 'PUT', keepBody: true }],
  ['303 after PUT becomes GET', 303, 'PUT', { method: 'GET', keepBody: false }],
  ['303 after HEAD stays HEAD', 303, 'HEAD', { method: 'HEAD', keepBody: true }],
  ['307 after POST keeps POST and body', 307, 'POST', { method: 'POST', keepBody: true }],
  ['308 after POST keeps POST and body', 308, 'POST', { method: 'POST', keepBody: true }],
  ['200 is not followed', 200, 'GET', undefined],
  ['304 is not followed', 304, 'GET', undefined],
];
for (const [label, status, method, expected] of cases) {
  test(`nextRedirect(): ${label}`, (t) => {
    const step = nextRedirect(status, '/next', method, here, origin);
    t.deepEqual(step === undefined ? undefined : { method: step.method, keepBody: step.keepBody }, expected);
  });
}

test('nextRedirect() resolves a relative Location against the current URL', (t) => {
  t.is(nextRedirect(302, 'c?y=2', 'GET', here, origin)?.url.href, 'http://localhost/a/c?y=2');
});

test('nextRedirect() ignores a redirect without Location', (t) => {
  t.is(nextRedirect(302, undefined, 'GET', here, origin), undefined);
});

test('nextRedirect() refuses an external host', (t) => {
  t.throws(() => nextRedirect(302, 'https://evil.example/x', 'GET', here, origin), {
    instanceOf: TsgiError,
    message:
      "The test client refuses to follow a 302 redirect to an external host: 'https://evil.example/x'. It only reaches the application at 'http://localhost'.",
  });
});

test('nextRedirect() rejects a Location that is not a URL', (t) => {
  t.throws(() => nextRedirect(301, 'http://[bad', 'GET', here, origin), {
    instanceOf: TsgiError,
    message: "The test client cannot follow a 301 redirect to 'http://[bad': it is not a valid URL.",
  });
});
