/**
 * The prefork server's logs, config file, mounts and stats, with real
 * processes: access and error logs to files with the worker pid, SIGUSR1
 * reopening them after a rotation, --log-slow, --mount, tsgi.config.json
 * (flags win), and --stats read by `tsgi top`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { StatsSnapshot } from '../../lib/prefork/worker-stats.js';
import { FIXTURE_APP, get, MAIN, startServe } from './serve-process.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsgi-prefork-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('access and error logs go to files, each line with the pid; SIGUSR1 reopens them after a rotation', async (t) => {
  const dir = tempDir(t);
  const access = join(dir, 'access.log');
  const errors = join(dir, 'error.log');
  const server = startServe(t, [
    FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '1', '--access-log', access, '--error-log', errors, '--log-slow', '200',
  ]);
  await until(() => existsSync(errors) && /Listening at http:\/\/127\.0\.0\.1:(\d+)/.test(readFileSync(errors, 'utf8')), 'Listening at');
  const port = Number(/Listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(errors, 'utf8'))?.[1]);
  const pid = (await get(port, '/pid')).body;
  await until(() => existsSync(access) && readFileSync(access, 'utf8').includes('GET /pid'), 'the access line');
  t.regex(readFileSync(access, 'utf8'), new RegExp(`^\\[${pid}\\] 127\\.0\\.0\\.1 - - \\[[^\\]]+\\] "GET /pid HTTP/1\\.1" 200 \\d+ "-" "-"\\n$`));

  await get(port, '/slow?ms=300');
  await until(() => readFileSync(errors, 'utf8').includes('Slow request'), 'the slow-request line');
  t.regex(readFileSync(errors, 'utf8'), new RegExp(`\\[${pid}\\] \\[WARNING\\] Slow request: GET /slow\\?ms=300 took \\d+ ms \\(--log-slow 200\\)\\.`));

  renameSync(access, `${access}.1`);
  server.signal('SIGUSR1');
  // The reopen reaches the worker over IPC; ask until the new file shows a line.
  for (let i = 0; i < 100 && !existsSync(access); i += 1) {
    await get(port, '/after-rotation');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await get(port, '/after-rotation');
  await until(() => existsSync(access) && readFileSync(access, 'utf8').includes('GET /after-rotation'), 'a line in the new file');
  t.true(readFileSync(`${access}.1`, 'utf8').includes('GET /pid'), 'the rotated file keeps the old lines');
  server.signal('SIGTERM');
  t.is(await server.exited, 0);
});

test('--mount serves modules under prefixes, the main module elsewhere', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--mount', `/api=${FIXTURE_APP}`, '--bind', '127.0.0.1:0', '--workers', '1']);
  const port = await server.port();
  t.regex((await get(port, '/api/users')).body, /^ok \/api\/users \d+$/, 'SCRIPT_NAME /api + PATH_INFO /users');
  t.regex((await get(port, '/elsewhere')).body, /^ok \/elsewhere \d+$/);
  const only = startServe(t, ['--mount', `/api=${FIXTURE_APP}`, '--bind', '127.0.0.1:0', '--workers', '1']);
  t.is((await get(await only.port(), '/nothing-here')).status, 404);
});

test('tsgi.config.json in the working directory sets the options; flags win', async (t) => {
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'tsgi.config.json'),
    JSON.stringify({ app: FIXTURE_APP, bind: '127.0.0.1:0', workers: 3, 'max-requests': 1000, mount: [`/m=${FIXTURE_APP}`] }),
  );
  const server = startServe(t, ['--workers', '1'], { cwd: dir });
  const port = await server.port();
  t.true(server.stderr().includes('1 worker(s)'), 'the flag beats the file');
  t.regex((await get(port, '/m/x')).body, /^ok \/m\/x \d+$/);
});

test('a config file with a bad value stops tsgi serve with a message naming the file', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'tsgi.config.json'), JSON.stringify({ workers: 'many' }));
  const server = startServe(t, [], { cwd: dir });
  t.is(await server.exited, 2);
  t.is(server.stderr(), "tsgi serve: 'workers' in tsgi.config.json must be an integer >= 1; got 'many'.\n");
});

test('--stats serves JSON about every worker, and tsgi top --once shows it', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '2', '--stats', '127.0.0.1:0']);
  const port = await server.port();
  const statsUrl = (await server.waitFor(/Stats at (http:\/\/\S+)/))[1] ?? '';
  await server.waitFor(/Worker 2 \(pid \d+\) ready/);
  for (let i = 0; i < 6; i += 1) await get(port, '/counted');
  let snapshot: StatsSnapshot | undefined;
  // Workers report with their heartbeat (every second at most): wait for both reports.
  for (let i = 0; i < 100; i += 1) {
    snapshot = (await (await fetch(statsUrl)).json()) as StatsSnapshot;
    const counted = snapshot.workers.reduce((sum, w) => sum + w.requests, 0);
    if (counted >= 6 && snapshot.workers.every((w) => w.rssBytes > 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.is(snapshot?.pid, server.child.pid);
  t.is(snapshot?.workers.length, 2);
  t.deepEqual(snapshot?.workers.map((w) => w.id), [1, 2]);
  t.is(snapshot?.workers.reduce((sum, w) => sum + w.requests, 0), 6);
  t.true(snapshot?.workers.every((w) => w.rssBytes > 0));

  const top = spawn(process.execPath, [MAIN, 'top', statsUrl.replace(/^http:\/\/|\/$/g, ''), '--once'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => top.kill('SIGKILL'));
  let out = '';
  top.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise((resolve) => top.on('exit', resolve));
  t.is(code, 0);
  t.true(out.includes('PID'), out);
  for (const worker of snapshot?.workers ?? []) t.true(out.includes(String(worker.pid)), out);
});
