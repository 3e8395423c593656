import { readFileSync } from 'node:fs';
import test from 'ava';
import { defaultGatewayOptions } from '../../lib/gateway/default-options.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

test('defaultGatewayOptions() gives tsgi defaults', (t) => {
  const options = defaultGatewayOptions();
  t.is(options.serverSoftware, `tsgi/${version} node/${process.versions.node}`);
  t.false(options.multithread);
  t.false(options.multiprocess);
  t.false(options.runOnce);
  t.is(typeof options.errors.write, 'function');
  t.false('fileWrapper' in options);
  t.false('baseEnviron' in options);
});

test('defaultGatewayOptions(overrides) applies the overrides', (t) => {
  const errors = new MemoryErrorStream();
  const fileWrapper = () => [];
  const options = defaultGatewayOptions({
    errors,
    multiprocess: true,
    serverSoftware: '',
    fileWrapper,
    baseEnviron: { DEPLOY: 'x' },
  });
  t.is(options.errors, errors);
  t.true(options.multiprocess);
  t.is(options.serverSoftware, '');
  t.is(options.fileWrapper, fileWrapper);
  t.deepEqual(options.baseEnviron, { DEPLOY: 'x' });
});

const bad: Array<[label: string, overrides: unknown, message: string]> = [
  ['a non-object', 'fast', "defaultGatewayOptions() expects an object of options; got 'fast'."],
  [
    'an unknown option',
    { multiThread: true },
    "defaultGatewayOptions() got an unknown option 'multiThread'. Known options: errors, multithread, multiprocess, runOnce, serverSoftware, fileWrapper, baseEnviron.",
  ],
  [
    'errors without flush()',
    { errors: { write() {}, writelines() {} } },
    'defaultGatewayOptions() errors must be an ErrorStream (write, writelines, flush); got an object. Wrap a writable with createErrorStream().',
  ],
  ['a non-boolean flag', { runOnce: 1 }, 'defaultGatewayOptions() runOnce must be a boolean; got 1.'],
  [
    'a serverSoftware with CR LF',
    { serverSoftware: 'x\r\nSet-Cookie: a=1' },
    "defaultGatewayOptions() serverSoftware must be printable ASCII (it is sent as the Server header); got 'x\\r\\nSet-Cookie: a=1'. Use e.g. 'myapp/1.0', or '' to send no Server header.",
  ],
  [
    'a non-function fileWrapper',
    { fileWrapper: 'sendfile' },
    "defaultGatewayOptions() fileWrapper must be a function (file, blockSize) => Body; got 'sendfile'.",
  ],
  [
    'a non-object baseEnviron',
    { baseEnviron: 'PATH=/bin' },
    "defaultGatewayOptions() baseEnviron must be an object of environ keys; got 'PATH=/bin'.",
  ],
];

for (const [label, overrides, message] of bad) {
  test(`defaultGatewayOptions(overrides) rejects ${label}`, (t) => {
    t.throws(() => defaultGatewayOptions(overrides as never), { instanceOf: ImproperlyConfigured, message });
  });
}
