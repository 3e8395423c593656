import test from 'ava';
import { applicationUri, guessScheme, requestUri } from '../../lib/protocol/request-uri.js';
import { setupTestingDefaults } from '../../lib/protocol/setup-testing-defaults.js';
import type { Environ } from '../../lib/protocol/types.js';

/** wsgiref's checkAppURI/checkReqURI: fill in testing defaults, then build the URL. */
const environ = (keys: Record<string, unknown>): Environ => setupTestingDefaults(keys);

// guessScheme(environ)

test('guessScheme() reads the CGI HTTPS variable', (t) => {
  const cases: Array<[string, Record<string, unknown>, 'http' | 'https']> = [
    ['no HTTPS', {}, 'http'],
    ['HTTPS=foo', { HTTPS: 'foo' }, 'http'],
    ['HTTPS=off', { HTTPS: 'off' }, 'http'],
    ['HTTPS=on', { HTTPS: 'on' }, 'https'],
    ['HTTPS=yes', { HTTPS: 'yes' }, 'https'],
    ['HTTPS=1', { HTTPS: '1' }, 'https'],
  ];
  for (const [label, keys, scheme] of cases) t.is(guessScheme(keys), scheme, label);
});

// applicationUri(environ)

test('applicationUri() matches wsgiref for every test case', (t) => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['defaults', {}, 'http://127.0.0.1/'],
    ['SCRIPT_NAME', { SCRIPT_NAME: '/spam' }, 'http://127.0.0.1/spam'],
    ['latin-1 SCRIPT_NAME', { SCRIPT_NAME: '/sp\xe4m' }, 'http://127.0.0.1/sp%E4m'],
    ['HTTP_HOST with port', { HTTP_HOST: 'spam.example.com:2071', SERVER_PORT: '2071' }, 'http://spam.example.com:2071/'],
    ['SERVER_NAME', { SERVER_NAME: 'spam.example.com' }, 'http://spam.example.com/'],
    ['HTTP_HOST wins', { HTTP_HOST: '127.0.0.1', SERVER_NAME: 'spam.example.com' }, 'http://127.0.0.1/'],
    ['https', { HTTPS: 'on' }, 'https://127.0.0.1/'],
    ['no HTTP_HOST, port 8000', { SERVER_PORT: '8000', HTTP_HOST: null }, 'http://127.0.0.1:8000/'],
  ];
  for (const [label, keys, uri] of cases) t.is(applicationUri(environ(keys)), uri, label);
});

test('applicationUri() adds the port only when it is not the scheme default', (t) => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['http on 80', { SERVER_PORT: '80' }, 'http://example.org/'],
    ['http on 443', { SERVER_PORT: '443' }, 'http://example.org:443/'],
    ['https on 443', { HTTPS: 'on', SERVER_PORT: '443' }, 'https://example.org/'],
    ['https on 80', { HTTPS: 'on', SERVER_PORT: '80' }, 'https://example.org:80/'],
  ];
  for (const [label, keys, uri] of cases) {
    const env = environ({ SERVER_NAME: 'example.org', ...keys });
    delete env['HTTP_HOST'];
    t.is(applicationUri(env), uri, label);
  }
});

test('applicationUri() quotes every byte that is not unreserved', (t) => {
  t.is(applicationUri(environ({ SCRIPT_NAME: '/a b/%?#;=,~_.-' })), 'http://127.0.0.1/a%20b/%25%3F%23%3B%3D%2C~_.-');
  t.is(applicationUri(environ({ SCRIPT_NAME: '/caf\xc3\xa9' })), 'http://127.0.0.1/caf%C3%A9');
});

test('applicationUri() rejects a SCRIPT_NAME that is not a byte string', (t) => {
  t.throws(() => applicationUri(environ({ SCRIPT_NAME: '/café☕' })), {
    instanceOf: TypeError,
    message:
      "SCRIPT_NAME '/café☕' is not a byte string: '☕' at index 5 is above 0xFF. " +
      'Environ values hold one byte per code unit; use utf8ToByteString() for text.',
  });
});

// requestUri(environ, includeQuery)

test('requestUri() matches wsgiref for every test case', (t) => {
  const cases: Array<[string, Record<string, unknown>, boolean, string]> = [
    ['defaults', {}, true, 'http://127.0.0.1/'],
    ['SCRIPT_NAME', { SCRIPT_NAME: '/spam' }, true, 'http://127.0.0.1/spam'],
    ['latin-1 SCRIPT_NAME', { SCRIPT_NAME: '/sp\xe4m' }, true, 'http://127.0.0.1/sp%E4m'],
    ['both', { SCRIPT_NAME: '/spammity', PATH_INFO: '/spam' }, true, 'http://127.0.0.1/spammity/spam'],
    ['latin-1 PATH_INFO', { SCRIPT_NAME: '/spammity', PATH_INFO: '/sp\xe4m' }, true, 'http://127.0.0.1/spammity/sp%E4m'],
    ['; kept', { SCRIPT_NAME: '/spammity', PATH_INFO: '/spam;ham' }, true, 'http://127.0.0.1/spammity/spam;ham'],
    [
      '; = , kept',
      { SCRIPT_NAME: '/spammity', PATH_INFO: '/spam;cookie=1234,5678' },
      true,
      'http://127.0.0.1/spammity/spam;cookie=1234,5678',
    ],
    [
      'query',
      { SCRIPT_NAME: '/spammity', PATH_INFO: '/spam', QUERY_STRING: 'say=ni' },
      true,
      'http://127.0.0.1/spammity/spam?say=ni',
    ],
    [
      'query kept as received',
      { SCRIPT_NAME: '/spammity', PATH_INFO: '/spam', QUERY_STRING: 's%E4y=ni' },
      true,
      'http://127.0.0.1/spammity/spam?s%E4y=ni',
    ],
    [
      'query left out',
      { SCRIPT_NAME: '/spammity', PATH_INFO: '/spam', QUERY_STRING: 'say=ni' },
      false,
      'http://127.0.0.1/spammity/spam',
    ],
  ];
  for (const [label, keys, includeQuery, uri] of cases) t.is(requestUri(environ(keys), includeQuery), uri, label);
});

test('requestUri() includes the query by default', (t) => {
  t.is(requestUri(environ({ PATH_INFO: '/x', QUERY_STRING: 'a=1' })), 'http://127.0.0.1/x?a=1');
});

test('requestUri() with an empty SCRIPT_NAME does not double the slash', (t) => {
  t.is(requestUri(environ({ SCRIPT_NAME: '', PATH_INFO: '/a b' })), 'http://127.0.0.1/a%20b');
  t.is(requestUri(environ({ SCRIPT_NAME: '/app', PATH_INFO: '' })), 'http://127.0.0.1/app');
});

test('requestUri() quotes ? and # in PATH_INFO so they stay in the path', (t) => {
  t.is(requestUri(environ({ PATH_INFO: '/what?#' })), 'http://127.0.0.1/what%3F%23');
});

test('requestUri() rejects a PATH_INFO that is not a byte string', (t) => {
  t.throws(() => requestUri(environ({ PATH_INFO: '/\u0100' })), {
    instanceOf: TypeError,
    message:
      "PATH_INFO '/Ā' is not a byte string: 'Ā' at index 1 is above 0xFF. " +
      'Environ values hold one byte per code unit; use utf8ToByteString() for text.',
  });
});
