/**
 * The production-serving benchmark (issue 6 §4), three parts:
 *
 * 1. nginx -> tsgi over uwsgi against nginx -> tsgi over HTTP (proxy_pass
 *    with upstream keep-alive), in the same run, in interleaved rounds,
 *    through the shipped examples/nginx/uwsgi.conf and http-proxy.conf;
 *    the figure is the ratio of the median requests per second;
 * 2. `tsgi serve --workers 2` against `--workers 1`, loaded directly, with
 *    the load generator pinned to core 0 and the server to core 1 (as the
 *    issue asks), then with the server on both cores — the case where a
 *    second worker can help, at the price of sharing core 0 with autocannon;
 * 3. the resident memory of a `--workers 1` server, master and worker,
 *    idle, after 100,000 requests and after 100,000 more: the first batch
 *    also grows the heap to its working size, so a leak shows as growth
 *    in the second.
 *
 * autocannon runs as its own process (its CLI, `--json`), pinned with
 * `taskset` when there is one, so it never shares a core's run queue with
 * the server by accident. Every server gets a warm-up before anything is
 * recorded. Without nginx, part 1 is skipped and says why.
 *
 * @example
 * for (const line of await runNginxBench({ rounds: 5, duration: 5, connections: 50 })) console.log(line);
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findNginx, freePort, NGINX_MISSING, renderExample, startNginx } from '../tests/integration/nginx-helpers.js';
import { format, median } from './round-stats.js';

export interface NginxBenchOptions {
  /** Measured rounds per server. */
  rounds: number;
  /** Seconds per round. */
  duration: number;
  /** Concurrent connections autocannon keeps open. */
  connections: number;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AUTOCANNON = `${ROOT}node_modules/autocannon/autocannon.js`;
const TSGI = `${ROOT}dist/lib/cli/main.js`;
const HELLO_APP = fileURLToPath(new URL('./nginx-hello-app.js', import.meta.url));
const MEMORY_REQUESTS = 100_000;

/** `taskset -c CPUS` when taskset exists (Linux), else nothing: pinning is then skipped. */
const hasTaskset = ((): boolean => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const pinned = (cpus: string, command: string[]): string[] => (hasTaskset ? ['taskset', '-c', cpus, ...command] : command);

/** What one autocannon run measured. */
interface Load {
  rps: number;
  total: number;
  errors: number;
  non2xx: number;
}

/** Runs autocannon's CLI on core 0 against `url` for `seconds` (or `amount` requests). */
function autocannon(url: string, connections: number, run: { seconds: number } | { amount: number }): Promise<Load> {
  const limit = 'seconds' in run ? ['-d', String(run.seconds)] : ['-a', String(run.amount)];
  const [command, ...args] = pinned('0', [process.execPath, AUTOCANNON, '--json', '-c', String(connections), ...limit, url]);
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const result = JSON.parse(line) as { requests: { average: number; total: number }; errors: number; non2xx: number };
        resolve({ rps: result.requests.average, total: result.requests.total, errors: result.errors, non2xx: result.non2xx });
      } catch {
        reject(new Error(`bench: autocannon exited with code ${code} and no JSON result:\n${stderr}${stdout}`));
      }
    });
  });
}

/** A server under test and the URL autocannon loads. */
interface Target {
  name: string;
  url: string;
}

/**
 * Loads each target in turn, `rounds` times (A, B, A, B, …), after a 2 s
 * warm-up each; returns the median requests per second of each.
 */
async function interleave(targets: readonly Target[], options: NginxBenchOptions, say: (line: string) => void): Promise<number[]> {
  for (const target of targets) await autocannon(target.url, options.connections, { seconds: 2 });
  const rps: number[][] = targets.map(() => []);
  for (let round = 1; round <= options.rounds; round += 1) {
    const cells: string[] = [];
    for (const [index, target] of targets.entries()) {
      const load = await autocannon(target.url, options.connections, { seconds: options.duration });
      if (load.errors > 0 || load.non2xx > 0) say(`  warning: ${target.name} had ${load.errors} errors and ${load.non2xx} non-2xx responses`);
      rps[index]?.push(load.rps);
      cells.push(`${target.name} ${format(load.rps)} req/s`);
    }
    say(`  round ${round}: ${cells.join(', ')}`);
  }
  return rps.map(median);
}

/** A child process started by the benchmark, killed when it is done. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Starts bench/nginx-server.js for `protocol` on core 1 and waits for its port. */
function startProtocolServer(protocol: 'uwsgi' | 'http'): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./nginx-server.js', import.meta.url));
  const child = fork(script, [protocol], { stdio: 'inherit' });
  if (hasTaskset && child.pid !== undefined) execFileSync('taskset', ['-p', '-c', '1', String(child.pid)], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench: the ${protocol} server exited early (code ${code}).`)));
    child.once('message', (message: { port: number }) => resolve({ child, port: message.port }));
  });
}

/** Part 1: nginx -> uwsgi against nginx -> HTTP, through the example configs. */
async function protocolComparison(options: NginxBenchOptions, say: (line: string) => void): Promise<void> {
  const nginxPath = findNginx();
  if (nginxPath === undefined) {
    say(`nginx -> tsgi, uwsgi vs HTTP: skipped — ${NGINX_MISSING}`);
    return;
  }
  say(
    `nginx -> tsgi, uwsgi vs HTTP (examples/nginx/uwsgi.conf, http-proxy.conf; nginx 1 worker and one tsgi process on core 1, ` +
      `autocannon on core 0${hasTaskset ? '' : ' — taskset missing: nothing pinned'}): ` +
      `${options.rounds} rounds x ${options.duration} s, ${options.connections} connections`,
  );
  const uwsgi = await startProtocolServer('uwsgi');
  const http = await startProtocolServer('http');
  const [uwsgiPort, httpPort] = [await freePort(), await freePort()];
  const noTls: Array<[string, string]> = [
    ['listen 443 ssl;', ''],
    ['ssl_certificate     /etc/ssl/example.com/fullchain.pem;', ''],
    ['ssl_certificate_key /etc/ssl/example.com/privkey.pem;', ''],
  ];
  const snippets = [
    renderExample('uwsgi.conf', [['listen 80;', `listen 127.0.0.1:${uwsgiPort};`], ...noTls, ['127.0.0.1:8001', `127.0.0.1:${uwsgi.port}`]]),
    // Both upstream lines name the one server: the same upstream block, keep-alive included.
    renderExample('http-proxy.conf', [
      ['listen 80;', `listen 127.0.0.1:${httpPort};`],
      ...noTls,
      ['10.0.0.11:8000', `127.0.0.1:${http.port}`],
      ['10.0.0.12:8000', `127.0.0.1:${http.port}`],
    ]),
  ];
  const nginx = await startNginx(nginxPath, snippets, [uwsgiPort, httpPort], { accessLog: false, wrapper: pinned('1', []) });
  try {
    const [viaUwsgi, viaHttp] = await interleave(
      [
        { name: 'uwsgi', url: `http://127.0.0.1:${uwsgiPort}/` },
        { name: 'http', url: `http://127.0.0.1:${httpPort}/` },
      ],
      options,
      say,
    );
    say(
      `  median: over uwsgi ${format(viaUwsgi ?? 0)} req/s, over HTTP ${format(viaHttp ?? 0)} req/s; ` +
        `uwsgi/HTTP = ${((viaUwsgi ?? 0) / (viaHttp ?? 1)).toFixed(2)}`,
    );
  } finally {
    await nginx.stop();
    await stop(uwsgi.child);
    await stop(http.child);
  }
}

/** A running `tsgi serve` and its address. */
interface Served {
  child: ChildProcess;
  url: string;
}

/** Starts `tsgi serve` on a free port with `--workers N`, pinned to `cpus`, and waits until it answers. */
async function startTsgiServe(workers: number, cpus: string | undefined): Promise<Served> {
  const port = await freePort();
  const command = [process.execPath, TSGI, 'serve', HELLO_APP, '--bind', `127.0.0.1:${port}`, '--workers', String(workers)];
  const [file, ...args] = cpus === undefined ? command : pinned(cpus, command);
  // The master logs each worker's start and stop to stderr: kept, and shown only if the server fails.
  const child = spawn(file as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bench: 'tsgi serve --workers ${workers}' exited with code ${child.exitCode}:\n${stderr}`);
    try {
      if ((await fetch(url)).ok) return { child, url };
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`bench: 'tsgi serve --workers ${workers}' did not answer on ${url} within 20 s:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Part 2: --workers 2 against --workers 1. */
async function workersComparison(options: NginxBenchOptions, say: (line: string) => void): Promise<void> {
  const placements: Array<{ cpus: string | undefined; text: string }> = [
    { cpus: '1', text: 'server on core 1, autocannon on core 0' },
    { cpus: undefined, text: 'server on both cores, autocannon on core 0' },
  ];
  for (const { cpus, text } of placements) {
    say(
      `tsgi serve --workers 2 vs --workers 1 (${hasTaskset ? text : 'taskset missing: nothing pinned'}): ` +
        `${options.rounds} rounds x ${options.duration} s, ${options.connections} connections`,
    );
    const one = await startTsgiServe(1, cpus);
    const two = await startTsgiServe(2, cpus);
    try {
      const [rpsOne, rpsTwo] = await interleave(
        [
          { name: '1 worker', url: one.url },
          { name: '2 workers', url: two.url },
        ],
        options,
        say,
      );
      say(`  median: 1 worker ${format(rpsOne ?? 0)} req/s, 2 workers ${format(rpsTwo ?? 0)} req/s; scaling ${((rpsTwo ?? 0) / (rpsOne ?? 1)).toFixed(2)}x`);
    } finally {
      await stop(one.child);
      await stop(two.child);
    }
  }
}

/** Resident set size of `pid` in KiB, from /proc (Linux). */
function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN);
}

/** The pids whose parent is `pid`: the master's workers. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;

/** Part 3: master + one worker, idle and after 100k requests. */
async function memory(options: NginxBenchOptions, say: (line: string) => void): Promise<void> {
  if (process.platform !== 'linux') {
    say('tsgi serve memory: skipped — RSS is read from /proc, which only Linux has');
    return;
  }
  say(`tsgi serve --workers 1 memory: idle, then after two batches of ${format(MEMORY_REQUESTS)} requests (${options.connections} connections)`);
  const served = await startTsgiServe(1, undefined);
  try {
    const master = served.child.pid as number;
    // The readiness probe answered: the worker has served one request and is otherwise idle.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const workers = childrenOf(master);
    const worker = workers[0];
    if (worker === undefined) throw new Error(`bench: the tsgi master (pid ${master}) has no worker process.`);
    const idle = { master: rssKiB(master), worker: rssKiB(worker) };
    say(`  idle: master ${mib(idle.master)}, worker ${mib(idle.worker)}`);
    // Two batches: the first also grows the heap to its working size; growth in the second is what a leak looks like.
    let before = idle;
    for (const batch of [1, 2]) {
      const load = await autocannon(served.url, options.connections, { amount: MEMORY_REQUESTS });
      // Let the worker's garbage collector catch up with the last requests.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const after = { master: rssKiB(master), worker: rssKiB(worker) };
      say(
        `  after ${format(batch * MEMORY_REQUESTS)} requests (batch: ${format(load.total)} answered, ${load.errors} errors, ` +
          `${load.non2xx} non-2xx): master ${mib(after.master)} (${signed(after.master - before.master)}), ` +
          `worker ${mib(after.worker)} (${signed(after.worker - before.worker)})` +
          (childrenOf(master).includes(worker) ? '' : ' — the worker was replaced during the run'),
      );
      before = after;
    }
  } finally {
    await stop(served.child);
  }
}

const signed = (kib: number): string => `${kib >= 0 ? '+' : '-'}${mib(Math.abs(kib))}`;

/** Runs the three parts, printing each line as it comes; resolves with all of them. */
export async function runNginxBench(options: NginxBenchOptions): Promise<string[]> {
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    console.log(line);
  };
  await protocolComparison(options, say);
  await workersComparison(options, say);
  await memory(options, say);
  return lines;
}

// `node dist/bench/nginx.js [rounds duration connections]` runs it alone.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [rounds = 5, duration = 5, connections = 50] = process.argv.slice(2).map(Number);
  await runNginxBench({ rounds, duration, connections });
}
