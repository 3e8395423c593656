/**
 * The prefork master with real processes: workers serve, stop gracefully
 * and quickly, reload under load without a failed request, grow and shrink,
 * are respawned with back-off after a crash, and an application that cannot
 * load stops the server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { delay, FIXTURE_APP, get, getRetrying, load, LOAD_ERROR_APP, SILENT_LOAD_ERROR_APP, startServe, workerPid } from './serve-process.js';

test('tsgi serve --workers 2 answers from two worker processes', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '2']);
  const port = await server.port();
  await server.waitFor(/Booting worker 2 \(pid \d+\)/);
  const pids = new Set<number>();
  for (let i = 0; i < 40 && pids.size < 2; i += 1) pids.add(await workerPid(port));
  t.is(pids.size, 2, 'round-robin reaches both workers');
  t.false(pids.has(server.child.pid ?? 0), 'the master serves no request');
  const answer = await get(port, '/hello?x=1');
  t.is(answer.status, 200);
  t.regex(answer.body, /^ok \/hello \d+$/);
});

test('node options given to the master reach every worker (e.g. --no-memory-reducer)', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '2'], {
    nodeArgs: ['--no-memory-reducer', '--max-old-space-size=300'],
  });
  const port = await server.port();
  await server.waitFor(/Booting worker 2 \(pid \d+\)/);
  const seen = new Map<number, unknown>();
  for (let i = 0; i < 40 && seen.size < 2; i += 1) {
    const { pid, execArgv } = JSON.parse((await get(port, '/exec-argv')).body) as { pid: number; execArgv: unknown };
    seen.set(pid, execArgv);
  }
  t.is(seen.size, 2, 'round-robin reaches both workers');
  for (const execArgv of seen.values()) t.deepEqual(execArgv, ['--no-memory-reducer', '--max-old-space-size=300']);
});

test('SIGTERM lets a request in flight finish, then the server exits 0', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '1']);
  const port = await server.port();
  const slow = get(port, '/slow?ms=1500');
  // The request must be in the worker before the signal; the log cannot show that, so give it time.
  await delay(500);
  server.signal('SIGTERM');
  await server.waitFor(/Stopping gracefully/);
  const answer = await slow;
  t.is(answer.status, 200);
  t.regex(answer.body, /^slow done \d+$/);
  t.is(await server.exited, 0);
  t.regex(server.stderr(), /\[INFO\] Stopped\.\n$/);
});

test('SIGINT stops at once without waiting for requests in flight', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '1', '--graceful-timeout', '60']);
  const port = await server.port();
  const slow = get(port, '/slow?ms=30000').then(
    () => 'answered',
    () => 'cut',
  );
  await delay(500);
  server.signal('SIGINT');
  t.is(await server.exited, 0);
  t.is(await slow, 'cut');
  t.true(server.stderr().includes('Stopping now.'));
});

test('SIGHUP replaces every worker under continuous load without one failed request', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '2']);
  const port = await server.port();
  await server.waitFor(/Booting worker 2/);
  const before = new Set<number>();
  for (let i = 0; i < 40 && before.size < 2; i += 1) before.add(await workerPid(port));
  const loads = [load(port), load(port), load(port)];
  await delay(300);
  const mark = server.stderr().length;
  server.signal('SIGHUP');
  await server.waitFor(/Reloading: starting 2 new worker\(s\)/, mark);
  // Both old workers drained and exited (status 0) after their replacements were up.
  for (const pid of before) await server.waitFor(new RegExp(`\\(pid ${pid}\\) exited with status 0 \\(replaced\\)`), mark);
  await delay(300);
  const results = await Promise.all(loads.map((l) => l.stop()));
  const failed = results.flatMap((r) => r.failed);
  const ok = results.reduce((sum, r) => sum + r.ok, 0);
  t.deepEqual(failed, [], 'no request failed during the reload');
  t.true(ok > 0);
  const after = new Set<number>();
  for (let i = 0; i < 40 && after.size < 2; i += 1) after.add(await workerPid(port));
  t.is(after.size, 2);
  for (const pid of after) t.false(before.has(pid), 'new processes serve after the reload');
});

test('SIGTTIN adds a worker and SIGTTOU removes one', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '1']);
  const port = await server.port();
  const first = await workerPid(port);
  server.signal('SIGTTIN');
  await server.waitFor(/Workers: 2\./);
  const added = await server.waitFor(/Worker 2 \(pid (\d+)\) ready/);
  const mark = server.stderr().length;
  server.signal('SIGTTOU');
  await server.waitFor(/Workers: 1\./, mark);
  // The oldest serving worker is the one that goes.
  await server.waitFor(new RegExp(`Worker 1 \\(pid ${first}\\) exited with status 0 \\(fewer workers\\)`), mark);
  t.is(await workerPid(port), Number(added[1]));
});

test('a crashed worker is replaced, with a back-off that doubles while crashes repeat', async (t) => {
  // Three workers: node:cluster closes a listening socket when its last worker is gone, and
  // a crash request that got no answer (handed to a dying worker) is sent once more.
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '3']);
  const port = await server.port();
  await server.waitFor(/Worker 3 \(pid \d+\) ready/);
  const crash = async (): Promise<string> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return (await get(port, '/crash')).body;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  };
  t.is(await crash(), 'crashing');
  const first = await server.waitFor(/Worker (\d) \(pid \d+\) exited unexpectedly with status 1 after \d+ ms; replacing it in 100 ms \(crash 1 in a row\)/);
  const mark = server.stderr().indexOf('crash 1 in a row');
  await server.waitFor(new RegExp(`Worker ${first[1]} \\(pid \\d+\\) ready`), mark);
  t.is(await crash(), 'crashing');
  await server.waitFor(/replacing it in 200 ms \(crash 2 in a row\)/);
  t.true(server.stderr().includes('Error: the fixture crashes on purpose'), 'the crash is in the error log');
  // The server goes on serving.
  t.is((await getRetrying(port, '/pid')).status, 200);
});

test('an application that fails to load stops the server with status 1 instead of respawning', async (t) => {
  const server = startServe(t, [LOAD_ERROR_APP, '--bind', '127.0.0.1:0', '--workers', '2']);
  t.is(await server.exited, 1);
  const stderr = server.stderr();
  t.regex(stderr, /\[CRITICAL\] Worker \d \(pid \d+\) could not start the application; stopping the server:\nError: the fixture fails to load on purpose\n/);
  t.is(stderr.match(/Booting worker/g)?.length, 2, 'no worker was respawned');
  t.false(stderr.includes('Listening at'));
});

test('a worker that exits with the load-error status and no report stops the server too', async (t) => {
  const server = startServe(t, [SILENT_LOAD_ERROR_APP, '--bind', '127.0.0.1:0', '--workers', '1']);
  t.is(await server.exited, 1);
  const stderr = server.stderr();
  t.regex(stderr, /\[CRITICAL\] Worker \d \(pid \d+\) could not start the application; stopping the server:\nIt exited with status 4 before its report arrived\./);
  t.is(stderr.match(/Booting worker/g)?.length, 1, 'no worker was respawned');
});

test('a reload whose new code fails to load keeps the old workers serving', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsgi-prefork-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const module = join(dir, 'site.mjs');
  writeFileSync(module, `export default (environ, startResponse) => { startResponse('200 OK', []); return [Buffer.from('v1 ' + process.pid)]; };`);
  const server = startServe(t, [module, '--bind', '127.0.0.1:0', '--workers', '1']);
  const port = await server.port();
  const before = await get(port, '/');
  t.regex(before.body, /^v1 \d+$/);
  writeFileSync(module, `throw new Error('v2 is broken');`);
  server.signal('SIGHUP');
  await server.waitFor(/the reload is abandoned and the old workers keep serving:\nError: v2 is broken/);
  t.is((await get(port, '/')).body, before.body, 'the same worker still answers');
  server.signal('SIGTERM');
  t.is(await server.exited, 0, server.stderr());
});
