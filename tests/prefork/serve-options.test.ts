import test from 'ava';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { flagName, resolveServeOptions, SERVE_OPTIONS } from '../../lib/prefork/serve-options.js';

const cli = (values: Record<string, unknown>) => ({ values, source: 'command line' });

test('resolveServeOptions() fills in the defaults', (t) => {
  const options = resolveServeOptions();
  t.deepEqual(options.bind, ['127.0.0.1:8000']);
  t.true(options.workers >= 1);
  t.is(options.protocol, 'http');
  t.is(options.timeout, 30);
  t.is(options.gracefulTimeout, 30);
  t.is(options.maxRequests, 0);
  t.is(options.errorLog, '-');
  t.is(options.accessLog, undefined);
});

test('resolveServeOptions() converts flag strings and lets a later layer win', (t) => {
  const options = resolveServeOptions(
    { values: { workers: 3, 'max-requests': 100, bind: '0.0.0.0:80', harakiri: 5 }, source: 'tsgi.config.json' },
    cli({ workers: '2', harakiri: '0.5', forwardedAllowIps: ['10.0.0.1, 10.0.0.2', '::1'] }),
  );
  t.is(options.workers, 2);
  t.is(options.maxRequests, 100);
  t.deepEqual(options.bind, ['0.0.0.0:80']);
  t.is(options.harakiri, 0.5);
  t.deepEqual(options.forwardedAllowIps, ['10.0.0.1', '10.0.0.2', '::1']);
});

const bad: Array<[label: string, layer: { values: Record<string, unknown>; source: string }, message: string]> = [
  ['no workers', cli({ workers: '0' }), "tsgi serve: --workers must be an integer >= 1; got '0'."],
  ['a negative time', cli({ timeout: '-1' }), "tsgi serve: --timeout must be a number of seconds >= 0; got '-1'."],
  ['an unknown protocol', cli({ protocol: 'fcgi' }), "tsgi serve: --protocol must be 'http' or 'uwsgi'; got 'fcgi'."],
  ['a bad bind', cli({ bind: ['localhost:http'] }), "tsgi serve: --bind 'localhost:http' has a port that is not an integer from 0 to 65535. Use HOST:PORT, [IPV6]:PORT, :PORT or unix:/path.sock."],
  ['a unix stats address', cli({ stats: 'unix:/x.sock' }), "tsgi serve: --stats must be HOST:PORT (TCP); got 'unix:/x.sock'."],
  [
    'an unknown key in a file',
    { values: { wrokers: 2 }, source: 'tsgi.config.json' },
    `tsgi serve: tsgi.config.json has an unknown option 'wrokers'. Known options: app, ${SERVE_OPTIONS.map((s) => flagName(s.key)).join(', ')}.`,
  ],
  ['a list of numbers', { values: { mount: [1] }, source: 'tsgi.config.js' }, "tsgi serve: 'mount' in tsgi.config.js must be a string or a list of strings; got an array of length 1."],
  [
    'headers timeout over request timeout',
    cli({ headersTimeout: '20', requestTimeout: '10' }),
    'tsgi serve: --headers-timeout (20) must not exceed --request-timeout (10). Lower the first or raise the second.',
  ],
];

for (const [label, layer, message] of bad) {
  test(`resolveServeOptions() rejects ${label}`, (t) => {
    t.throws(() => resolveServeOptions(layer), { instanceOf: ImproperlyConfigured, message });
  });
}
