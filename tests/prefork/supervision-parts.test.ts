/** The pure pieces of the prefork server: binds, back-off, the watchdog's verdicts, request limits, mounts, trusted peers. */
import test from 'ava';
import { UsageError } from '../../lib/cli/parse-args.js';
import { Backoff } from '../../lib/prefork/backoff.js';
import { formatBind, parseBind } from '../../lib/prefork/parse-bind.js';
import { checkRequestLimits, nodeMaxHeadersCount } from '../../lib/prefork/request-limits.js';
import { judgeWorker } from '../../lib/prefork/watchdog.js';
import { parseMount, trustedPeers } from '../../lib/prefork/worker-app.js';

const binds: Array<[string, ReturnType<typeof parseBind>]> = [
  ['127.0.0.1:8000', { kind: 'tcp', host: '127.0.0.1', port: 8000 }],
  ['localhost', { kind: 'tcp', host: 'localhost', port: 8000 }],
  [':9000', { kind: 'tcp', host: '', port: 9000 }],
  ['[::1]:80', { kind: 'tcp', host: '::1', port: 80 }],
  ['unix:/run/tsgi.sock', { kind: 'unix', path: '/run/tsgi.sock' }],
];
for (const [text, bind] of binds) {
  test(`parseBind('${text}')`, (t) => {
    t.deepEqual(parseBind(text), bind);
  });
}

test('parseBind() rejects IPv6 without brackets and empty socket paths', (t) => {
  t.throws(() => parseBind('::1:80'), { message: "tsgi serve: --bind '::1:80' has an IPv6 address without brackets. Use HOST:PORT, [IPV6]:PORT, :PORT or unix:/path.sock." });
  t.throws(() => parseBind('unix:'), { message: "tsgi serve: --bind 'unix:' names no socket path. Use HOST:PORT, [IPV6]:PORT, :PORT or unix:/path.sock." });
  t.is(formatBind(parseBind('[::1]:80')), '[::1]:80');
});

test('Backoff doubles up to its maximum, and resets after a healthy worker', (t) => {
  const backoff = new Backoff({ initialMs: 100, maxMs: 500, healthyMs: 1000 });
  t.deepEqual([backoff.next(10), backoff.next(10), backoff.next(10), backoff.next(10)], [100, 200, 400, 500]);
  t.is(backoff.next(5000), 100, 'a worker that lived long enough resets the count');
  t.is(backoff.failures, 1);
  t.throws(() => new Backoff({ initialMs: -1 }), { message: 'Backoff option initialMs must be a number of ms >= 0; got -1.' });
});

const idle = { id: 2, pid: 42, lastHeartbeat: 10_000, current: null, rssBytes: 50 * 1024 * 1024 };
const limits = { harakiriMs: 5000, timeoutMs: 30_000, evilRssBytes: 100 * 1024 * 1024 };

test('judgeWorker() leaves a healthy worker alone', (t) => {
  t.is(judgeWorker(idle, limits, 12_000), undefined);
});

test('judgeWorker() condemns a request over --harakiri and names it', (t) => {
  const stuck = { ...idle, current: { method: 'GET', uri: '/report?"x"', startedAt: 4000 } };
  t.deepEqual(judgeWorker(stuck, limits, 10_000), {
    reason: 'harakiri',
    message: 'HARAKIRI: worker 2 (pid 42) spent 6.0 s in one request, over --harakiri 5.0 s: GET /report?\\"x\\". Killing it.',
  });
});

test('judgeWorker() condemns heartbeat silence over --timeout, and RSS over --evil-reload-on-rss', (t) => {
  t.is(judgeWorker(idle, limits, 40_001)?.reason, 'timeout');
  t.is(
    judgeWorker({ ...idle, rssBytes: 150 * 1024 * 1024 }, limits, 12_000)?.message,
    'EVIL RELOAD ON RSS: worker 2 (pid 42) uses 150.0 MiB, over --evil-reload-on-rss 100 MiB. Killing it.',
  );
  t.is(judgeWorker({ ...idle, rssBytes: 1e12 }, { harakiriMs: 0, timeoutMs: 0, evilRssBytes: 0 }, 1e12), undefined, '0 turns a limit off');
});

test('checkRequestLimits() refuses long request lines (414), and too many or too long fields (431)', (t) => {
  const limits = { limitRequestLine: 20, limitRequestFields: 2, limitRequestFieldSize: 12 };
  t.is(checkRequestLimits('GET', '/', '1.1', ['Host', 'x'], limits), undefined);
  t.is(checkRequestLimits('GET', '/abcdefghij', '1.1', [], limits)?.status, '414 URI Too Long');
  t.is(checkRequestLimits('GET', '/', '1.1', ['A', '1', 'B', '2', 'C', '3'], limits)?.body, "The request has more than 2 header fields, the server's limit.\n");
  t.is(checkRequestLimits('GET', '/', '1.1', ['Long', '123456789'], limits)?.body, "A header field is 15 bytes, over the server's limit of 12.\n");
  t.is(nodeMaxHeadersCount(limits), 3);
  t.is(nodeMaxHeadersCount({ ...limits, limitRequestFields: 0 }), 2000);
});

test('parseMount() splits /PREFIX=MODULE[:EXPORT]', (t) => {
  t.deepEqual(parseMount('/api=./api.js:app'), { prefix: '/api', module: './api.js', exportName: 'app' });
  t.throws(() => parseMount('api=./api.js'), {
    instanceOf: UsageError,
    message: "tsgi serve: --mount must be /PREFIX=MODULE[:EXPORT]; got 'api=./api.js'. Example: --mount /api=./api.js:app",
  });
});

test('trustedPeers() matches IPs and CIDRs, trusts unix-socket peers, and rejects what is no address', (t) => {
  const trusted = trustedPeers(['127.0.0.1', '10.0.0.0/8', '::1']);
  t.true(trusted('127.0.0.1'));
  t.true(trusted('10.1.2.3'));
  t.true(trusted('::1'));
  t.true(trusted(undefined));
  t.false(trusted('192.168.0.1'));
  t.false(trustedPeers([])('127.0.0.1'));
  t.true(trustedPeers(['*'])('203.0.113.1'));
  t.throws(() => trustedPeers(['localhost']), {
    message: "tsgi serve: --forwarded-allow-ips has 'localhost', which is not an IP address or CIDR. Use e.g. 127.0.0.1,10.0.0.0/8 or '*'.",
  });
});
