import test from 'ava';
import { REQUIRED_CGI_KEYS, REQUIRED_TSGI_KEYS, TSGI_VERSION } from '../../lib/protocol/keys.js';

test('TSGI_VERSION is [1, 0]', (t) => {
  t.deepEqual(TSGI_VERSION, [1, 0]);
});

test('REQUIRED_CGI_KEYS lists the CGI keys every environ has', (t) => {
  t.deepEqual(REQUIRED_CGI_KEYS, [
    'REQUEST_METHOD',
    'SCRIPT_NAME',
    'PATH_INFO',
    'QUERY_STRING',
    'SERVER_NAME',
    'SERVER_PORT',
    'SERVER_PROTOCOL',
  ]);
});

test('REQUIRED_TSGI_KEYS lists the tsgi.* keys every environ has', (t) => {
  t.deepEqual(REQUIRED_TSGI_KEYS, [
    'tsgi.version',
    'tsgi.url_scheme',
    'tsgi.input',
    'tsgi.errors',
    'tsgi.multithread',
    'tsgi.multiprocess',
    'tsgi.run_once',
  ]);
});
