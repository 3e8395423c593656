import test from 'ava';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { setupTestingDefaults } from '../../lib/protocol/setup-testing-defaults.js';

test('setupTestingDefaults({}) fills in a complete environ', async (t) => {
  const environ = setupTestingDefaults({});
  const { 'tsgi.input': input, 'tsgi.errors': errors, ...plain } = environ;
  t.deepEqual(plain, {
    SERVER_NAME: '127.0.0.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    HTTP_HOST: '127.0.0.1',
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    'tsgi.version': [1, 0],
    'tsgi.run_once': false,
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.url_scheme': 'http',
    SERVER_PORT: '80',
  });
  t.is((await input.read()).length, 0, 'tsgi.input is empty');
  t.true(errors instanceof MemoryErrorStream);
});

test('setupTestingDefaults(environ) returns the same object', (t) => {
  const keys: Record<string, unknown> = {};
  t.true(Object.is(setupTestingDefaults(keys), keys));
});

test('setupTestingDefaults() never replaces a key that is present', (t) => {
  const keys = [
    'SERVER_NAME',
    'SERVER_PORT',
    'SERVER_PROTOCOL',
    'HTTP_HOST',
    'REQUEST_METHOD',
    'SCRIPT_NAME',
    'PATH_INFO',
    'QUERY_STRING',
    'tsgi.version',
    'tsgi.run_once',
    'tsgi.multithread',
    'tsgi.multiprocess',
    'tsgi.input',
    'tsgi.errors',
    'tsgi.url_scheme',
  ];
  for (const key of keys) {
    const mine = Symbol(key);
    t.is(setupTestingDefaults({ [key]: mine })[key], mine, key);
  }
});

test('setupTestingDefaults() treats an undefined key as missing', (t) => {
  t.is(setupTestingDefaults({ REQUEST_METHOD: undefined }).REQUEST_METHOD, 'GET');
});

test('setupTestingDefaults() derives defaults from what is given', (t) => {
  const cases: Array<[string, Record<string, unknown>, string, unknown]> = [
    ['HTTP_HOST from SERVER_NAME', { SERVER_NAME: 'foo.bar' }, 'HTTP_HOST', 'foo.bar'],
    ['https from HTTPS=on', { HTTPS: 'on' }, 'tsgi.url_scheme', 'https'],
    ['https from HTTPS=1', { HTTPS: '1' }, 'tsgi.url_scheme', 'https'],
    ['https from HTTPS=yes', { HTTPS: 'yes' }, 'tsgi.url_scheme', 'https'],
    ['http from HTTPS=foo', { HTTPS: 'foo' }, 'tsgi.url_scheme', 'http'],
    ['port 80 for http', { HTTPS: 'foo' }, 'SERVER_PORT', '80'],
    ['port 443 for HTTPS=on', { HTTPS: 'on' }, 'SERVER_PORT', '443'],
    ['port 443 for an https scheme', { 'tsgi.url_scheme': 'https' }, 'SERVER_PORT', '443'],
  ];
  for (const [label, keys, key, value] of cases) t.is(setupTestingDefaults(keys)[key], value, label);
});

test('setupTestingDefaults() gives a lone SCRIPT_NAME or PATH_INFO an empty partner', (t) => {
  const mounted = setupTestingDefaults({ SCRIPT_NAME: '/app' });
  t.is(mounted.SCRIPT_NAME, '/app');
  t.is(mounted.PATH_INFO, '');
  const path = setupTestingDefaults({ PATH_INFO: '/x' });
  t.is(path.SCRIPT_NAME, '');
  t.is(path.PATH_INFO, '/x');
});

test('setupTestingDefaults() gives each environ its own streams', (t) => {
  const first = setupTestingDefaults({});
  const second = setupTestingDefaults({});
  t.not(first['tsgi.input'], second['tsgi.input']);
  t.not(first['tsgi.errors'], second['tsgi.errors']);
});
