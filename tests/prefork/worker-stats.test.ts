import test from 'ava';
import { ERROR_BODY } from '../../lib/gateway/error-response.js';
import type { Application } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp, type RecordingResponse } from '../../lib/testing/recording-app.js';
import { statsMiddleware, WorkerStats, type WorkerBase } from '../../lib/prefork/worker-stats.js';

const BASE: WorkerBase = { id: 2, pid: 4321, state: 'ready', startedAt: 1_000, respawns: 3, rssBytes: 50 * 1024 * 1024 };
const EMPTY_CLASSES = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };

/** A clock the test moves by hand. */
function manualClock(start = 10_000): { now: () => number; advance(ms: number): void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

test('new WorkerStats().snapshot(base) is the base with zero counters', (t) => {
  t.deepEqual(new WorkerStats().snapshot(BASE), {
    ...BASE,
    requests: 0,
    statusCounts: EMPTY_CLASSES,
    avgResponseMs: 0,
    peakResponseMs: 0,
    current: null,
    inFlight: 0,
  });
});

test('requestFinished() counts requests, status classes and exact codes, mean and peak times', (t) => {
  const stats = new WorkerStats();
  const timings: Array<[status: number, ms: number]> = [[200, 10], [200, 30], [404, 5], [500, 75], [301, 0]];
  for (const [status, ms] of timings) {
    const request = stats.requestStarted('GET', '/', 1_000);
    stats.requestFinished(status, 1_000 + ms, request);
  }
  const snapshot = stats.snapshot(BASE);
  t.is(snapshot.requests, 5);
  t.is(stats.requests, 5);
  t.deepEqual(snapshot.statusCounts, { ...EMPTY_CLASSES, '2xx': 2, '3xx': 1, '4xx': 1, '5xx': 1, '200': 2, '301': 1, '404': 1, '500': 1 });
  t.is(snapshot.avgResponseMs, 24);
  t.is(snapshot.peakResponseMs, 75);
});

test('current is the oldest request in progress, inFlight how many there are', (t) => {
  const stats = new WorkerStats();
  const first = stats.requestStarted('GET', '/slow?x=1', 100);
  const second = stats.requestStarted('POST', '/upload', 200);
  t.deepEqual(stats.snapshot(BASE).current, { method: 'GET', uri: '/slow?x=1', startedAt: 100 });
  t.is(stats.snapshot(BASE).inFlight, 2);
  stats.requestFinished(200, 300, first);
  t.deepEqual(stats.snapshot(BASE).current, { method: 'POST', uri: '/upload', startedAt: 200 });
  stats.requestFinished(201, 300, second);
  t.is(stats.snapshot(BASE).current, null);
  t.is(stats.snapshot(BASE).inFlight, 0);
});

test('requestFinished() without a request ends the oldest one; with nothing in progress it counts nothing', (t) => {
  const stats = new WorkerStats();
  stats.requestStarted('GET', '/a', 100);
  stats.requestStarted('GET', '/b', 150);
  stats.requestFinished(200, 200);
  t.is(stats.snapshot(BASE).current?.uri, '/b');
  t.is(stats.snapshot(BASE).peakResponseMs, 100);
  stats.requestFinished(200, 200);
  stats.requestFinished(200, 200);
  t.is(stats.requests, 2);
});

test('a request finished twice counts once', (t) => {
  const stats = new WorkerStats();
  const request = stats.requestStarted('GET', '/', 0);
  stats.requestFinished(200, 5, request);
  stats.requestFinished(200, 9, request);
  t.is(stats.requests, 1);
  t.is(stats.snapshot(BASE).peakResponseMs, 5);
});

test('a clock stepping back gives a zero duration, and status 0 counts in requests only', (t) => {
  const stats = new WorkerStats();
  stats.requestFinished(0, 50, stats.requestStarted('GET', '/', 100));
  const snapshot = stats.snapshot(BASE);
  t.is(snapshot.requests, 1);
  t.is(snapshot.peakResponseMs, 0);
  t.deepEqual(snapshot.statusCounts, EMPTY_CLASSES);
});

test('a snapshot is a copy: later requests do not change it', (t) => {
  const stats = new WorkerStats();
  const request = stats.requestStarted('GET', '/', 0);
  const before = stats.snapshot(BASE);
  stats.requestFinished(200, 1, request);
  t.is(before.requests, 0);
  t.is(before.statusCounts['2xx'], 0);
  t.deepEqual(before.current, { method: 'GET', uri: '/', startedAt: 0 });
});

// --- statsMiddleware(stats) --------------------------------------------------

function setup(response: RecordingResponse = {}) {
  const stats = new WorkerStats();
  const clock = manualClock();
  const recorder = recordingApp(response);
  // The app takes 40 ms of the fake clock before answering.
  const slow: Application = async (environ, startResponse) => {
    clock.advance(40);
    return recorder(environ, startResponse);
  };
  const client = new Client(slow, { middleware: statsMiddleware(stats, clock.now) });
  return { stats, clock, client, recorder };
}

test('statsMiddleware(stats) counts a request with its status and time, once the body is closed', async (t) => {
  const { stats, client, recorder } = setup({ status: '201 Created', body: ['a', 'b'] });
  const response = await client.post('/things?x=1', { body: 'hi' });
  t.is(response.status, 201);
  t.true(recorder.lastCall?.closed);
  const snapshot = stats.snapshot(BASE);
  t.is(snapshot.requests, 1);
  t.is(snapshot.statusCounts['201'], 1);
  t.is(snapshot.statusCounts['2xx'], 1);
  t.is(snapshot.avgResponseMs, 40);
  t.is(snapshot.current, null);
});

test('statsMiddleware(stats) shows the request in progress until its streamed body is closed', async (t) => {
  const stats = new WorkerStats();
  const clock = manualClock(5_000);
  let seen: unknown;
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      seen = stats.snapshot(BASE).current;
      yield Buffer.from('x');
    })();
  };
  const client = new Client(app, { middleware: statsMiddleware(stats, clock.now) });
  await client.get('/stream/%41?q=%20');
  t.deepEqual(seen, { method: 'GET', uri: '/stream/%41?q=%20', startedAt: 5_000 });
  t.is(stats.requests, 1);
  t.is(stats.snapshot(BASE).current, null);
});

const failures: Array<[label: string, response: RecordingResponse, status: number, code: string]> = [
  ['the app throws before startResponse', { fail: 'before-start' }, 500, '500'],
  ['the app throws after startResponse', { status: '404 Not Found', fail: 'after-start' }, 500, '500'],
  ['the body throws before its first chunk', { status: '404 Not Found', stream: true, fail: 'in-iteration' }, 500, '500'],
  ['the body throws after its first chunk (head sent)', { status: '202 Accepted', stream: true, body: ['a', 'b'], fail: 'after-first-chunk' }, 202, '202'],
];

for (const [label, response, status, code] of failures) {
  test(`statsMiddleware(stats) counts the status the client got when ${label}`, async (t) => {
    const { stats, client } = setup(response);
    const answer = await client.get('/');
    t.is(answer.status, status);
    const snapshot = stats.snapshot(BASE);
    t.is(snapshot.requests, 1);
    t.is(snapshot.statusCounts[code], 1, JSON.stringify(snapshot.statusCounts));
    t.is(snapshot.current, null);
  });
}

test('statsMiddleware(stats) counts a bad return value as the 500 the gateway answers', async (t) => {
  const stats = new WorkerStats();
  const bad = (() => 'not a body') as unknown as Application;
  const client = new Client(bad, { middleware: statsMiddleware(stats), validate: false });
  const response = await client.get('/');
  t.is(response.status, 500);
  t.is(response.text(), ERROR_BODY.toString());
  t.is(stats.snapshot(BASE).statusCounts['500'], 1);
});

test('statsMiddleware() without a WorkerStats throws at once', (t) => {
  t.throws(() => statsMiddleware({} as WorkerStats), {
    instanceOf: TypeError,
    message: 'statsMiddleware() needs a WorkerStats to count into; got an object. Pass new WorkerStats().',
  });
});
