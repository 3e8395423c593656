/**
 * The prefork server's controls with real processes: recycling
 * (--max-requests, --reload-on-rss, --evil-reload-on-rss), --harakiri and
 * --timeout against a worker blocked in a busy loop, request limits,
 * --forwarded-allow-ips, unix-socket binds, and --protocol uwsgi.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { uwsgiRequest } from '../../lib/uwsgi/uwsgi-client.js';
import { answeringWorkerPid, FIXTURE_APP, get, startServe, workerPid } from './serve-process.js';

test('--max-requests recycles workers: new pids answer, no request fails', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '2', '--max-requests', '3']);
  const port = await server.port();
  await server.waitFor(/Worker 2 \(pid \d+\) ready/);
  const pids = new Set<number>();
  // A retiring worker serves on until its replacement is up: keep asking until replacements answer.
  for (let i = 0; i < 1000 && pids.size < 3; i += 1) {
    const answer = await get(port, '/pid');
    t.is(answer.status, 200);
    pids.add(Number(answer.body));
  }
  t.true(pids.size >= 3, `recycled workers answered: ${[...pids].join(', ')}`);
  t.regex(server.stderr(), /asks to be replaced: served 3 requests \(--max-requests 3\)/);
  await server.waitFor(/exited with status 0 \(replaced\)/);
});

test('--reload-on-rss recycles a worker gracefully after the request that crossed the limit', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '2', '--reload-on-rss', '1']);
  const port = await server.port();
  const answer = await get(port, '/pid');
  t.is(answer.status, 200, 'the request itself completes');
  const retired = await server.waitFor(/Worker \d \(pid (\d+)\) asks to be replaced: RSS [\d.]+ MiB over --reload-on-rss 1/);
  await server.waitFor(new RegExp(`\\(pid ${retired[1]}\\) exited with status 0 \\(replaced\\)`));
});

test('--evil-reload-on-rss: the master kills a worker over the limit at once', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '2', '--evil-reload-on-rss', '200']);
  const port = await server.port();
  await server.waitFor(/Worker 2 \(pid \d+\) ready/);
  // The master may kill the worker before it answers: that is the point of "evil".
  void get(port, '/grow?mb=250').catch(() => undefined);
  const line = await server.waitFor(/EVIL RELOAD ON RSS: worker \d \(pid (\d+)\) uses [\d.]+ MiB, over --evil-reload-on-rss 200 MiB\. Killing it\./);
  await server.waitFor(new RegExp(`\\(pid ${line[1]}\\) exited on SIGKILL \\(evil-rss\\)`));
  t.is((await get(port, '/pid')).status, 200, 'the other worker serves');
});

test('--harakiri kills a worker stuck in a busy loop, logs the request, and the others keep serving', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '2', '--harakiri', '1']);
  const port = await server.port();
  await server.waitFor(/Worker 2 \(pid \d+\) ready/);
  const stuck = get(port, '/block?id=7').then(
    () => 'answered',
    () => 'cut',
  );
  const line = await server.waitFor(/HARAKIRI: worker \d \(pid (\d+)\) spent [\d.]+ s in one request, over --harakiri 1\.0 s: GET \/block\?id=7\. Killing it\./);
  // While one worker is stuck, the other answers.
  const other = await answeringWorkerPid(port);
  t.not(other, Number(line[1]));
  t.is(await stuck, 'cut', "the stuck request's connection is closed");
  await server.waitFor(new RegExp(`\\(pid ${line[1]}\\) exited on SIGKILL \\(harakiri\\)`));
  await server.waitFor(/Booting worker \d \(pid \d+\)/, server.stderr().indexOf('(harakiri)'));
});

test('--timeout kills a worker whose event loop stops sending heartbeats', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '2', '--timeout', '1']);
  const port = await server.port();
  await server.waitFor(/Worker 2 \(pid \d+\) ready/);
  void get(port, '/block').catch(() => undefined);
  const line = await server.waitFor(/WORKER TIMEOUT: worker \d \(pid (\d+)\) sent no heartbeat for [\d.]+ s, over --timeout 1\.0 s \(its event loop is blocked\)\. Killing it\./);
  await server.waitFor(new RegExp(`\\(pid ${line[1]}\\) exited on SIGKILL \\(timeout\\)`));
  t.is((await get(port, '/pid')).status, 200);
});

test('request limits: a long request line gets 414, too many header fields 431', async (t) => {
  const server = startServe(t, [
    FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '1', '--limit-request-line', '40', '--limit-request-fields', '3',
  ]);
  const port = await server.port();
  const long = await get(port, `/${'a'.repeat(40)}`);
  t.is(long.status, 414);
  t.is(long.body, "The request line is 54 bytes, over the server's limit of 40.\n");
  const many = await get(port, '/', { headers: { 'X-A': '1', 'X-B': '2', 'X-C': '3' } });
  t.is(many.status, 431);
  t.is((await get(port, '/short')).status, 200);
});

test('--forwarded-allow-ips trusts X-Forwarded-For only from the listed peers', async (t) => {
  const forwarded = { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https' };
  const trusting = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '1', '--forwarded-allow-ips', '127.0.0.1,10.0.0.0/8']);
  const other = startServe(t, [FIXTURE_APP, '--bind', '127.0.0.1:0', '--workers', '1', '--forwarded-allow-ips', '10.0.0.0/8']);
  t.is((await get(await trusting.port(), '/remote', { headers: forwarded })).body, '203.0.113.9 https');
  t.is((await get(await other.port(), '/remote', { headers: forwarded })).body, '127.0.0.1 http');
});

test('--bind unix:PATH serves on a unix socket, removed when the server stops', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsgi-prefork-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const socketPath = join(dir, 'tsgi.sock');
  const server = startServe(t, [FIXTURE_APP, '--bind', `unix:${socketPath}`, '--bind', '127.0.0.1:0', '--workers', '1']);
  await server.waitFor(new RegExp(`Listening at unix:${socketPath.replaceAll('.', '\\.')}`));
  const answer = await get(0, '/via-socket', { socketPath });
  t.regex(answer.body, /^ok \/via-socket \d+$/);
  server.signal('SIGTERM');
  t.is(await server.exited, 0);
  await t.throwsAsync(get(0, '/', { socketPath }), { code: 'ENOENT' });
});

test('--protocol uwsgi: workers speak the uwsgi protocol nginx uses (uwsgi_pass)', async (t) => {
  const server = startServe(t, [FIXTURE_APP, '--protocol', 'uwsgi', '--bind', '127.0.0.1:0', '--workers', '2']);
  const port = Number((await server.waitFor(/Listening at uwsgi:\/\/127\.0\.0\.1:(\d+)/))[1]);
  const response = await uwsgiRequest({ host: '127.0.0.1', port }, { target: '/over-uwsgi?x=1' });
  t.is(response.status, 200);
  t.regex(response.body.toString(), /^ok \/over-uwsgi \d+$/);
});
