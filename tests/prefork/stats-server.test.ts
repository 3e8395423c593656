import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { createStatsServer, parseListenQueue, readListenQueue } from '../../lib/prefork/stats-server.js';
import type { StatsSnapshot } from '../../lib/prefork/worker-stats.js';

const SNAPSHOT: StatsSnapshot = {
  version: '0.1.0',
  pid: 100,
  startedAt: 1_000,
  now: 61_000,
  listenQueue: 0,
  workers: [
    {
      id: 1, pid: 101, state: 'ready', startedAt: 2_000, requests: 3, statusCounts: { '2xx': 3, '200': 3 },
      avgResponseMs: 1.5, peakResponseMs: 3, rssBytes: 1024, respawns: 0, current: null,
    },
  ],
};

async function started(getSnapshot: () => StatsSnapshot | Promise<StatsSnapshot> = () => SNAPSHOT) {
  return createStatsServer({ host: '127.0.0.1', port: 0 }, getSnapshot);
}

test('createStatsServer() answers GET / and GET /stats with the snapshot as JSON', async (t) => {
  const server = await started();
  t.teardown(() => server.close());
  t.regex(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  for (const path of ['', 'stats', '?pretty=1']) {
    const response = await fetch(new URL(path, server.url));
    t.is(response.status, 200);
    t.is(response.headers.get('content-type'), 'application/json');
    t.is(response.headers.get('cache-control'), 'no-store');
    t.deepEqual(await response.json(), SNAPSHOT);
  }
});

test('createStatsServer() takes a fresh snapshot per request, awaiting a promise', async (t) => {
  let calls = 0;
  const server = await started(async () => ({ ...SNAPSHOT, now: ++calls }));
  t.teardown(() => server.close());
  t.is(((await (await fetch(server.url)).json()) as StatsSnapshot).now, 1);
  t.is(((await (await fetch(server.url)).json()) as StatsSnapshot).now, 2);
});

test('createStatsServer() answers HEAD with the headers only', async (t) => {
  const server = await started();
  t.teardown(() => server.close());
  const response = await fetch(server.url, { method: 'HEAD' });
  t.is(response.status, 200);
  t.is(await response.text(), '');
});

test('createStatsServer() answers 404 elsewhere and 405 to other methods', async (t) => {
  const server = await started();
  t.teardown(() => server.close());
  const missing = await fetch(new URL('/workers', server.url));
  t.is(missing.status, 404);
  t.is(await missing.text(), 'No stats at /workers: ask for / or /stats.\n');
  const posted = await fetch(server.url, { method: 'POST', body: 'x' });
  t.is(posted.status, 405);
  t.is(posted.headers.get('allow'), 'GET, HEAD');
  t.is(await posted.text(), 'The stats server only answers GET; got POST.\n');
});

test('createStatsServer() answers 500 with the message when the snapshot fails, and keeps serving', async (t) => {
  let fail = true;
  const server = await started(() => {
    if (fail) throw new Error('worker 3 did not answer');
    return SNAPSHOT;
  });
  t.teardown(() => server.close());
  const failed = await fetch(server.url);
  t.is(failed.status, 500);
  t.is(await failed.text(), 'The stats snapshot failed: worker 3 did not answer\n');
  fail = false;
  t.is((await fetch(server.url)).status, 200);
});

test('createStatsServer() answers a rejected snapshot promise with a 500 too', async (t) => {
  const server = await started(() => Promise.reject(new Error('timed out')));
  t.teardown(() => server.close());
  const failed = await fetch(server.url);
  t.is(failed.status, 500);
  t.is(await failed.text(), 'The stats snapshot failed: timed out\n');
});

test('close() stops the server even with a keep-alive connection open', async (t) => {
  const server = await started();
  await fetch(server.url); // fetch keeps the connection alive
  await server.close();
  await t.throwsAsync(fetch(server.url));
});

test('createStatsServer() rejects an address in use with a clear error', async (t) => {
  const first = await started();
  t.teardown(() => first.close());
  const port = Number(new URL(first.url).port);
  await t.throwsAsync(createStatsServer({ host: '127.0.0.1', port }, () => SNAPSHOT), {
    instanceOf: ImproperlyConfigured,
    message: `The stats server cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}. Pick another --stats address.`,
  });
});

const badOptions: Array<[label: string, call: () => Promise<unknown>, message: string]> = [
  ['an empty host', () => createStatsServer({ host: '', port: 0 }, () => SNAPSHOT), "createStatsServer() host must be an address such as '127.0.0.1'; got ''."],
  ['a port out of range', () => createStatsServer({ host: '127.0.0.1', port: 70000 }, () => SNAPSHOT), 'createStatsServer() port must be an integer from 0 to 65535; got 70000.'],
  ['a fractional port', () => createStatsServer({ host: '127.0.0.1', port: 1.5 }, () => SNAPSHOT), 'createStatsServer() port must be an integer from 0 to 65535; got 1.5.'],
  ['no snapshot function', () => createStatsServer({ host: '127.0.0.1', port: 0 }, null as never), 'createStatsServer() needs a function returning the StatsSnapshot; got null.'],
];

for (const [label, call, message] of badOptions) {
  test(`createStatsServer() refuses ${label}`, async (t) => {
    await t.throwsAsync(call, { message });
  });
}

// --- the listen queue ----------------------------------------------------------

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:06B5 00000000:0000 0A 00000080:00000003 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 00000000:06B5 00000000:0000 0A 00000080:00000002 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
   2: 0100007F:06B5 0100007F:A902 01 00000000:00000009 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0
   3: 0100007F:1F90 00000000:0000 0A 00000080:0000000A 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:06B5 00000000000000000000000000000000:0000 0A 00000000:00000004 00:00000000 00000000  1000        0 5 1 0 100 0 0 10 0
`;

test('parseListenQueue() sums rx_queue of the LISTEN rows on the port, ignoring connections and other ports', (t) => {
  t.is(parseListenQueue(TCP, 0x06b5), 5);
  t.is(parseListenQueue(TCP, 8080), 10);
  t.is(parseListenQueue(TCP6, 0x06b5), 4);
});

test('parseListenQueue() is null when nothing listens on the port', (t) => {
  t.is(parseListenQueue(TCP, 9999), null);
  t.is(parseListenQueue('', 1717), null);
});

test('readListenQueue() is null when no /proc file can be read', (t) => {
  t.is(readListenQueue(1717, ['/nonexistent/tcp', '/nonexistent/tcp6']), null);
});

const linux = existsSync('/proc/net/tcp') ? test : test.skip;

linux('readListenQueue(port) is 0 for a real listening socket with nothing waiting', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => void server.close());
  const { port } = server.address() as { port: number };
  t.is(readListenQueue(port), 0);
});

// A child process listens and then blocks its event loop, so the kernel completes
// handshakes but nobody accepts: the connections wait in the accept queue.
linux('readListenQueue(port) counts connections a busy process has not accepted', async (t) => {
  const script = `
    const net = require('node:net');
    const fs = require('node:fs');
    const server = net.createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 16 }, () => {
      fs.writeSync(1, server.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (data: Buffer) => resolve(Number.parseInt(data.toString(), 10)));
    child.once('exit', (code) => reject(new Error(`the listening child exited with ${code}`)));
  });
  t.is(readListenQueue(port), 0);
  const sockets: Socket[] = [];
  t.teardown(() => sockets.forEach((socket) => socket.destroy()));
  for (let index = 0; index < 3; index++) {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  }
  // The handshake completes on the client before the server side is queued: poll briefly.
  let queued = readListenQueue(port);
  for (let tries = 0; queued !== 3 && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    queued = readListenQueue(port);
  }
  t.is(queued, 3);
});
