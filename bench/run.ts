/**
 * `npm run bench`, in four parts:
 *
 * 1. tsgi's development server against bare node:http, both serving the same
 *    11-byte hello world (target: tsgi/bare >= 0.95);
 * 2. a full framework request (five pipeline middleware, a 100-route
 *    URLconf hit on its last route with an int captured, a JSON response)
 *    through the development server, against the same bare node:http hello
 *    world (target: framework/bare >= 0.75);
 *    then the Node adapters against serving natively (bench/adapters-node.ts),
 *    then nginx in front of tsgi over uwsgi and HTTP, worker scaling and RSS
 *    (bench/nginx.ts);
 * 3. the URL resolver against a linear path-to-regexp scan and find-my-way;
 * 4. each bundled middleware's per-request cost around a hello-world app,
 *    in-process through the gateway;
 * 5. the compose() micro-benchmark.
 *
 * Each server runs in its own child process, started once and warmed up;
 * autocannon loads them from this process in interleaved rounds (bare,
 * candidate; then candidate, bare; …) so drift in the machine affects both
 * alike, and neither is always measured second.
 * The figure of merit is the median of the per-round ratios, candidate / bare.
 *
 * With two cores, autocannon and the server share the machine, and the
 * requests per second move with whatever else runs. Each round therefore
 * also reports the server's own CPU time per request (user + system, read
 * from the child), the steadier figure for comparing the two servers.
 *
 * Options (flag, or environment variable):
 *   --rounds N        BENCH_ROUNDS        rounds per server (default 5)
 *   --duration S      BENCH_DURATION      seconds per round (default 5)
 *   --connections C   BENCH_CONNECTIONS   concurrent connections (default 50)
 *   --skip-http       BENCH_SKIP_HTTP=1   only the in-process micro-benchmarks
 *   --only PARTS      BENCH_ONLY          a comma-separated subset of: hello, framework,
 *                                         adapters, nginx, resolve, middleware, compose
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { inAlternatingOrder } from './alternate.js';
import { runComposeMicro } from './compose-micro.js';
import { FRAMEWORK_PATH } from './framework-app.js';
import { runAdaptersNodeBench } from './adapters-node.js';
import { runMiddlewareMicro } from './middleware-micro.js';
import { runNginxBench } from './nginx.js';
import { runResolveMicro } from './resolve-micro.js';
import { describeRatios, format, median } from './round-stats.js';

interface BenchOptions {
  rounds: number;
  duration: number;
  connections: number;
  skipHttp: boolean;
  /** The parts to run; all of them by default. */
  only: ReadonlySet<Part>;
}

const PARTS = ['hello', 'framework', 'adapters', 'nginx', 'resolve', 'middleware', 'compose'] as const;
type Part = (typeof PARTS)[number];

function readOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      'skip-http': { type: 'boolean' },
      only: { type: 'string' },
    },
  });
  const env = process.env;
  return {
    rounds: positiveInteger('rounds', values.rounds ?? env['BENCH_ROUNDS'] ?? '5'),
    duration: positiveInteger('duration', values.duration ?? env['BENCH_DURATION'] ?? '5'),
    connections: positiveInteger('connections', values.connections ?? env['BENCH_CONNECTIONS'] ?? '50'),
    skipHttp: values['skip-http'] === true || env['BENCH_SKIP_HTTP'] === '1',
    only: parts(values.only ?? env['BENCH_ONLY']),
  };
}

function parts(list: string | undefined): ReadonlySet<Part> {
  if (list === undefined || list === '') return new Set(PARTS);
  const names = list.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(PARTS as readonly string[]).includes(name)) {
      throw new TypeError(`bench: --only takes a comma-separated list of ${PARTS.join(', ')}; got '${name}'.`);
    }
  }
  return new Set(names as Part[]);
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`bench: --${name} must be a positive integer; got '${text}'.`);
  }
  return value;
}

type ServerKind = 'bare' | 'tsgi' | 'framework';

interface ChildServer {
  kind: ServerKind;
  url: string;
  child: ChildProcess;
}

/** Starts `hello-server.js kind` and waits for the port it reports; `path` is what the load requests. */
function startServer(kind: ServerKind, path = '/'): Promise<ChildServer> {
  const child = fork(new URL('./hello-server.js', import.meta.url), [kind], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench: the ${kind} server exited early (code ${code}).`)));
    child.once('message', (message: { port: number }) => {
      resolve({ kind, url: `http://127.0.0.1:${message.port}${path}`, child });
    });
  });
}

/** The child's CPU time so far, in microseconds (user + system). */
function cpuTime(server: ChildServer): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (message: { cpu: NodeJS.CpuUsage }) => resolve(message.cpu.user + message.cpu.system));
    server.child.send('cpu');
  });
}

interface Load {
  /** Requests per second. */
  rps: number;
  /** Server CPU microseconds per request. */
  cpuPerRequest: number;
}

/** Loads one server for `duration` seconds. */
async function load(server: ChildServer, options: BenchOptions, duration: number): Promise<Load> {
  const cpuBefore = await cpuTime(server);
  const result = await autocannon({ url: server.url, connections: options.connections, duration });
  const cpuAfter = await cpuTime(server);
  if (result.errors > 0 || result.non2xx > 0) {
    console.warn(`  warning: ${server.kind} had ${result.errors} errors and ${result.non2xx} non-2xx responses`);
  }
  return { rps: result.requests.average, cpuPerRequest: (cpuAfter - cpuBefore) / Math.max(1, result.requests.total) };
}



/** What one comparison loads: the candidate server, and the ratio it must reach against bare. */
interface Comparison {
  title: string;
  kind: Exclude<ServerKind, 'bare'>;
  path: string;
  target: number;
}

async function compareWithBare(comparison: Comparison, options: BenchOptions): Promise<void> {
  const { kind } = comparison;
  console.log(
    `${comparison.title}: ${options.rounds} rounds x ${options.duration} s, ${options.connections} connections, ` +
      `node ${process.version}`,
  );
  const bare = await startServer('bare');
  const candidate = await startServer(kind, comparison.path);
  try {
    // Warm-up: let both JITs settle before anything is recorded.
    await load(bare, options, 2);
    await load(candidate, options, 2);
    const rps = { bare: [] as number[], candidate: [] as number[] };
    const cpu = { bare: [] as number[], candidate: [] as number[] };
    for (let round = 1; round <= options.rounds; round += 1) {
      const [bareLoad, candidateLoad] = await inAlternatingOrder(
        round,
        () => load(bare, options, options.duration),
        () => load(candidate, options, options.duration),
      );
      rps.bare.push(bareLoad.rps);
      rps.candidate.push(candidateLoad.rps);
      cpu.bare.push(bareLoad.cpuPerRequest);
      cpu.candidate.push(candidateLoad.cpuPerRequest);
      console.log(
        `  round ${round}: bare ${format(bareLoad.rps)} req/s (${bareLoad.cpuPerRequest.toFixed(1)} µs CPU/req), ` +
          `${kind} ${format(candidateLoad.rps)} req/s (${candidateLoad.cpuPerRequest.toFixed(1)} µs CPU/req), ` +
          `ratio ${(candidateLoad.rps / bareLoad.rps).toFixed(3)}`,
      );
    }
    console.log(`  median: bare ${format(median(rps.bare))} req/s, ${kind} ${format(median(rps.candidate))} req/s`);
    // The figure of merit pairs each round with its neighbour: the machine's throughput drifts
    // from round to round (by a third on a busy 2-core machine), which a ratio of the two
    // medians, taken from different rounds, would mistake for a difference between servers.
    const ratios = rps.candidate.map((candidateRps, i) => candidateRps / (rps.bare[i] as number));
    console.log(
      `  ratio ${kind}/bare: ${median(ratios).toFixed(3)} (median of the round ratios; target >= ${comparison.target.toFixed(2)}); ` +
        `ratio of the medians ${(median(rps.candidate) / median(rps.bare)).toFixed(3)}`,
    );
    console.log(`  round ratios: ${describeRatios(ratios)}`);
    console.log(
      `  server CPU per request: bare ${median(cpu.bare).toFixed(1)} µs, ${kind} ${median(cpu.candidate).toFixed(1)} µs ` +
        `(bare/${kind} ${(median(cpu.bare) / median(cpu.candidate)).toFixed(3)})`,
    );
  } finally {
    bare.child.disconnect();
    candidate.child.disconnect();
  }
}

async function benchHttp(options: BenchOptions): Promise<void> {
  const { only } = options;
  if (only.has('hello')) await compareWithBare({ title: 'HTTP hello world', kind: 'tsgi', path: '/', target: 0.95 }, options);
  if (only.has('framework')) {
    await compareWithBare(
      { title: 'Framework request (5 pipeline middleware, 100 routes, JSON)', kind: 'framework', path: FRAMEWORK_PATH, target: 0.75 },
      options,
    );
  }
  if (only.has('adapters')) for (const line of await runAdaptersNodeBench(options)) console.log(line);
  // Prints as it goes (nginx in front of tsgi over uwsgi and HTTP, worker scaling, RSS).
  if (only.has('nginx')) await runNginxBench(options);
}

function benchCompose(options: BenchOptions): void {
  const rounds = Math.max(3, options.rounds);
  const result = runComposeMicro(rounds, 1000);
  console.log(`compose(): ${result.layers} synchronous pass-through layers vs the app called directly, ${rounds} rounds x 1 s`);
  result.direct.forEach((direct, i) => {
    const composed = result.composed[i] as number;
    console.log(`  round ${i + 1}: direct ${format(direct)} calls/s, composed ${format(composed)} calls/s (${(composed / direct).toFixed(3)})`);
  });
  const ratio = median(result.composed) / median(result.direct);
  console.log(`  median: direct ${format(median(result.direct))} calls/s, composed ${format(median(result.composed))} calls/s`);
  console.log(`  ratio composed/direct: ${ratio.toFixed(3)}`);
}

function benchResolve(options: BenchOptions): void {
  for (const line of runResolveMicro({ rounds: Math.max(3, options.rounds) })) console.log(line);
}

async function benchMiddleware(options: BenchOptions): Promise<void> {
  for (const line of await runMiddlewareMicro({ rounds: Math.max(3, options.rounds) })) console.log(line);
}

const options = readOptions();
if (!options.skipHttp) await benchHttp(options);
if (options.only.has('resolve')) benchResolve(options);
if (options.only.has('middleware')) await benchMiddleware(options);
if (options.only.has('compose')) benchCompose(options);
