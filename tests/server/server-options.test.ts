import test from 'ava';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { resolveServerOptions } from '../../lib/server/server-options.js';
import type { ServerOptions } from '../../lib/server/server-options.js';

test('resolveServerOptions(undefined) fills in the documented defaults', (t) => {
  const resolved = resolveServerOptions(undefined);
  t.like(resolved, {
    requestTimeout: 60_000,
    headersTimeout: 10_000,
    keepAliveTimeout: 5_000,
    maxHeaderSize: 16_384,
    errors: undefined,
    serverSoftware: undefined,
    baseEnviron: undefined,
  });
  t.is(typeof resolved.log, 'function');
});

test('resolveServerOptions({}) keeps what was given', (t) => {
  const errors = new MemoryErrorStream();
  const log = (): void => undefined;
  const resolved = resolveServerOptions({
    requestTimeout: 0,
    headersTimeout: 500,
    keepAliveTimeout: 0,
    maxHeaderSize: 1024,
    errors,
    log,
    serverSoftware: '',
    baseEnviron: { 'app.name': 'x' },
  });
  t.deepEqual(resolved, {
    requestTimeout: 0,
    headersTimeout: 500,
    keepAliveTimeout: 0,
    maxHeaderSize: 1024,
    errors,
    log,
    serverSoftware: '',
    baseEnviron: { 'app.name': 'x' },
  });
  t.is(resolveServerOptions({ log: false }).log, false);
});

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['not an object', 'fast', "makeServer() options must be an object; got 'fast'. Pass {} or leave the argument out."],
  ['an array', [], 'makeServer() options must be an object; got an array of length 0. Pass {} or leave the argument out.'],
  [
    'an unknown key',
    { timeout: 5 },
    "makeServer() got an unknown option 'timeout'. Known options: requestTimeout, headersTimeout, keepAliveTimeout, maxHeaderSize, errors, log, serverSoftware, baseEnviron.",
  ],
  [
    'a negative timeout',
    { requestTimeout: -1 },
    'makeServer() option requestTimeout must be an integer >= 0 (a number of milliseconds); got -1.',
  ],
  [
    'a timeout as a string',
    { headersTimeout: '10s' },
    "makeServer() option headersTimeout must be an integer >= 0 (a number of milliseconds); got '10s'.",
  ],
  [
    'a fractional keep-alive',
    { keepAliveTimeout: 1.5 },
    'makeServer() option keepAliveTimeout must be an integer >= 0 (a number of milliseconds); got 1.5.',
  ],
  [
    'a zero header size',
    { maxHeaderSize: 0 },
    'makeServer() option maxHeaderSize must be an integer >= 1 (a number of bytes); got 0.',
  ],
  [
    'headersTimeout over requestTimeout',
    { headersTimeout: 2000, requestTimeout: 1000 },
    'makeServer() option headersTimeout (2000) must not exceed requestTimeout (1000). Lower headersTimeout or raise requestTimeout.',
  ],
  [
    'errors without writelines',
    { errors: { write() {} } },
    'makeServer() option errors must be an ErrorStream with write(), writelines() and flush(); got an object. Wrap a writable with createErrorStream().',
  ],
  [
    'log true',
    { log: true },
    'makeServer() option log must be a function taking one line, or false to turn the log off; got true.',
  ],
  [
    'serverSoftware a number',
    { serverSoftware: 1 },
    "makeServer() option serverSoftware must be a string ('' leaves the Server header out); got 1.",
  ],
  [
    'baseEnviron null',
    { baseEnviron: null },
    'makeServer() option baseEnviron must be a plain object of environ keys; got null.',
  ],
];

for (const [label, options, message] of badOptions) {
  test(`resolveServerOptions() rejects ${label}`, (t) => {
    t.throws(() => resolveServerOptions(options as ServerOptions), { instanceOf: ImproperlyConfigured, message });
  });
}

test('resolveServerOptions() accepts headersTimeout over a disabled requestTimeout', (t) => {
  t.is(resolveServerOptions({ headersTimeout: 2000, requestTimeout: 0 }).headersTimeout, 2000);
});
