import test from 'ava';
import * as protocol from '../../lib/protocol/index.js';

test('lib/protocol/index.ts re-exports every runtime export', (t) => {
  t.deepEqual(Object.keys(protocol).sort(), [
    'ClientDisconnected',
    'FileWrapper',
    'Headers',
    'ImproperlyConfigured',
    'MemoryErrorStream',
    'ProtocolError',
    'REQUIRED_CGI_KEYS',
    'REQUIRED_TSGI_KEYS',
    'TSGI_VERSION',
    'TsgiError',
    'applicationUri',
    'byteStringToUtf8',
    'checkHeaderName',
    'checkHeaderValue',
    'compose',
    'createErrorStream',
    'createInputStream',
    'fileWrapper',
    'fromByteString',
    'guessScheme',
    'isByteString',
    'isHopByHop',
    'isToken',
    'openFile',
    'parseStatus',
    'requestUri',
    'setupTestingDefaults',
    'shiftPathInfo',
    'statusLine',
    'toByteString',
    'utf8ToByteString',
  ]);
});
