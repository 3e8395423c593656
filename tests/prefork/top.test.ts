import test from 'ava';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ImproperlyConfigured, TsgiError } from '../../lib/protocol/errors.js';
import { createStatsServer } from '../../lib/prefork/stats-server.js';
import { duration, renderTop, runTop } from '../../lib/prefork/top.js';
import type { StatsSnapshot, WorkerStatsSnapshot } from '../../lib/prefork/worker-stats.js';

const BUSY: WorkerStatsSnapshot = {
  id: 1, pid: 4001, state: 'ready', startedAt: 0, requests: 1200, statusCounts: { '2xx': 1100, '4xx': 90, '5xx': 10, '200': 1100 },
  avgResponseMs: 12.345, peakResponseMs: 950, rssBytes: 50 * 1024 * 1024, respawns: 0,
  current: { method: 'GET', uri: '/slow?x=1', startedAt: 3_720_500 }, inFlight: 2,
};
const IDLE: WorkerStatsSnapshot = {
  id: 2, pid: 4102, state: 'draining', startedAt: 0, requests: 5, statusCounts: { '2xx': 5 },
  avgResponseMs: 1, peakResponseMs: 2, rssBytes: 39 * 1024 * 1024, respawns: 3, current: null, inFlight: 0,
};
const SNAPSHOT: StatsSnapshot = { version: '0.1.0', pid: 4000, startedAt: 0, now: 3_723_000, listenQueue: 2, workers: [BUSY, IDLE] };

test('renderTop(snapshot) shows the totals, then one row per worker', (t) => {
  t.is(
    renderTop(SNAPSHOT, { width: 200 }),
    [
      'tsgi 0.1.0 | master pid 4000 | up 1h02m | listen queue 2',
      'workers 2 (1 ready, 1 draining) | requests 1205 | 2xx 1105 4xx 90 5xx 10 | in flight 2 | RSS 89.0 MiB',
      '',
      ' WID      PID STATE        REQS     2xx    4xx    5xx   AVG ms  PEAK ms  RSS MiB  RESP CURRENT',
      '   1     4001 ready        1200    1100     90     10     12.3    950.0     50.0     0 GET /slow?x=1 (2.5s)',
      '   2     4102 draining        5       5      0      0      1.0      2.0     39.0     3 -',
    ].join('\n'),
  );
});

test('renderTop(snapshot, { width }) cuts every line to the width', (t) => {
  const lines = renderTop(SNAPSHOT, { width: 40 }).split('\n');
  t.true(lines.every((line) => line.length <= 40));
  t.is(lines[4], '   1     4001 ready        1200    1100');
});

test('renderTop() defaults to 80 columns and shows an unknown listen queue and no workers', (t) => {
  const frame = renderTop({ ...SNAPSHOT, listenQueue: null, workers: [] });
  t.is(frame.split('\n')[0], 'tsgi 0.1.0 | master pid 4000 | up 1h02m | listen queue n/a');
  t.is(frame.split('\n')[1], 'workers 0 | requests 0 | 2xx 0 4xx 0 5xx 0 | in flight 0 | RSS 0.0 MiB');
  t.true(frame.split('\n').every((line) => line.length <= 80));
});

test('renderTop() counts a worker without inFlight as busy when it has a current request', (t) => {
  const { inFlight: _, ...withoutCount } = BUSY;
  t.regex(renderTop({ ...SNAPSHOT, workers: [withoutCount] }, { width: 200 }), /\| in flight 1 \|/);
});

test('renderTop() shows control characters and non-ASCII bytes of a request as \\xHH', (t) => {
  const hostile = { ...BUSY, current: { method: 'GET', uri: '/\x1b[2J\x9b\xe9', startedAt: SNAPSHOT.now } };
  const frame = renderTop({ ...SNAPSHOT, workers: [hostile] }, { width: 200 });
  t.false(frame.includes('\x1b'));
  t.true(frame.endsWith('GET /\\x1b[2J\\x9b\\xe9 (0ms)'));
});

const durations: Array<[ms: number, text: string]> = [
  [-5, '0ms'], [0, '0ms'], [999, '999ms'], [1000, '1.0s'], [3_290, '3.2s'], [59_999, '59.9s'],
  [60_000, '1m00s'], [125_000, '2m05s'], [3_600_000, '1h00m'], [3_723_000, '1h02m'], [86_400_000 + 4 * 3_600_000, '1d04h'],
];

for (const [ms, text] of durations) {
  test(`duration(${ms}) is ${text}`, (t) => {
    t.is(duration(ms), text);
  });
}

// --- runTop() against a real stats server ------------------------------------------

function memoryOut(columns?: number): { frames: string[]; write(text: string): void; columns?: number } {
  const frames: string[] = [];
  return { frames, write: (text) => void frames.push(text), ...(columns === undefined ? {} : { columns }) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('runTop({ once }) prints one frame, without escape codes, at the output width', async (t) => {
  const stats = await createStatsServer({ host: '127.0.0.1', port: 0 }, () => SNAPSHOT);
  t.teardown(() => stats.close());
  const out = memoryOut(200);
  await runTop({ url: stats.url, once: true, out });
  t.deepEqual(out.frames, [`${renderTop(SNAPSHOT, { width: 200 })}\n`]);
});

test('runTop() clears the screen and redraws each poll until its signal aborts', async (t) => {
  let polls = 0;
  const stop = new AbortController();
  const stats = await createStatsServer({ host: '127.0.0.1', port: 0 }, () => {
    polls += 1;
    if (polls === 3) stop.abort();
    return { ...SNAPSHOT, listenQueue: polls };
  });
  t.teardown(() => stats.close());
  const out = memoryOut();
  await runTop({ url: stats.url, intervalMs: 10, out, signal: stop.signal });
  t.is(out.frames.length, 2);
  t.true(out.frames.every((frame) => frame.startsWith('\x1b[H\x1b[2J')));
  t.regex(out.frames[0]!, /listen queue 1\n/);
  t.regex(out.frames[1]!, /listen queue 2\n/);
});

// Serial: ava runs serial tests first, so the SIGINT cannot stop another test's runTop().
test.serial('runTop() stops on SIGINT', async (t) => {
  const stats = await createStatsServer({ host: '127.0.0.1', port: 0 }, () => SNAPSHOT);
  t.teardown(() => stats.close());
  const out = memoryOut();
  const listeners = process.listenerCount('SIGINT');
  const running = runTop({ url: stats.url, intervalMs: 10, out });
  while (out.frames.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  process.emit('SIGINT');
  await running;
  t.is(process.listenerCount('SIGINT'), listeners);
});

test('runTop() reports a stats server lost while polling on screen, and goes on', async (t) => {
  let polls = 0;
  const stop = new AbortController();
  const stats = await createStatsServer({ host: '127.0.0.1', port: 0 }, () => {
    polls += 1;
    if (polls === 2) throw new Error('worker 2 did not answer');
    if (polls === 3) stop.abort();
    return SNAPSHOT;
  });
  t.teardown(() => stats.close());
  const out = memoryOut();
  await runTop({ url: stats.url, intervalMs: 10, out, signal: stop.signal });
  t.is(
    out.frames[1],
    `\x1b[H\x1b[2JThe stats server at ${stats.url} answered 500: The stats snapshot failed: worker 2 did not answer\n` +
      'Retrying every 10ms; Ctrl-C to quit.\n',
  );
});

test('runTop() rejects with what to check when nothing listens at the URL', async (t) => {
  const port = await freePort();
  await t.throwsAsync(runTop({ url: `http://127.0.0.1:${port}/`, once: true, out: memoryOut() }), {
    instanceOf: TsgiError,
    message: `tsgi top cannot reach the stats server at http://127.0.0.1:${port}/ (ECONNREFUSED): is tsgi serve running with --stats 127.0.0.1:${port}?`,
  });
});

test('runTop() rejects a server that is not a tsgi stats server', async (t) => {
  const other = createServer((_request, response) => response.end('<h1>hello</h1>'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  t.teardown(() => void other.close());
  const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
  await t.throwsAsync(runTop({ url, once: true, out: memoryOut() }), {
    instanceOf: TsgiError,
    message: `${url} is not a tsgi stats server: it answered '<h1>hello</h1>'. Give tsgi top the address of tsgi serve --stats.`,
  });
});

test('runTop() rejects a bad URL or interval before polling', async (t) => {
  await t.throwsAsync(runTop({ url: '127.0.0.1:1717' }), {
    instanceOf: ImproperlyConfigured,
    message: "tsgi top needs the stats server's URL, such as http://127.0.0.1:1717/; got '127.0.0.1:1717'.",
  });
  await t.throwsAsync(runTop({ url: 'http://127.0.0.1:1717/', intervalMs: 0 }), {
    instanceOf: ImproperlyConfigured,
    message: 'tsgi top interval must be a positive number of milliseconds; got 0.',
  });
});
