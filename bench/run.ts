/**
 * `npm run bench`: tsgi's development server against bare node:http, both
 * serving the same 11-byte hello world, then the compose() micro-benchmark.
 *
 * Each server runs in its own child process, started once and warmed up;
 * autocannon loads them from this process in interleaved rounds (bare, tsgi,
 * bare, tsgi, …) so drift in the machine affects both alike. The figure of
 * merit is the ratio of the medians, tsgi / bare (target: >= 0.95).
 *
 * Options (flag, or environment variable):
 *   --rounds N        BENCH_ROUNDS        rounds per server (default 5)
 *   --duration S      BENCH_DURATION      seconds per round (default 5)
 *   --connections C   BENCH_CONNECTIONS   concurrent connections (default 50)
 *   --skip-http       BENCH_SKIP_HTTP=1   only the compose() micro-benchmark
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { runComposeMicro } from './compose-micro.js';

interface BenchOptions {
  rounds: number;
  duration: number;
  connections: number;
  skipHttp: boolean;
}

function readOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      'skip-http': { type: 'boolean' },
    },
  });
  const env = process.env;
  return {
    rounds: positiveInteger('rounds', values.rounds ?? env['BENCH_ROUNDS'] ?? '5'),
    duration: positiveInteger('duration', values.duration ?? env['BENCH_DURATION'] ?? '5'),
    connections: positiveInteger('connections', values.connections ?? env['BENCH_CONNECTIONS'] ?? '50'),
    skipHttp: values['skip-http'] === true || env['BENCH_SKIP_HTTP'] === '1',
  };
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`bench: --${name} must be a positive integer; got '${text}'.`);
  }
  return value;
}

interface ChildServer {
  kind: 'bare' | 'tsgi';
  url: string;
  child: ChildProcess;
}

/** Starts `hello-server.js kind` and waits for the port it reports. */
function startServer(kind: 'bare' | 'tsgi'): Promise<ChildServer> {
  const child = fork(new URL('./hello-server.js', import.meta.url), [kind], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench: the ${kind} server exited early (code ${code}).`)));
    child.once('message', (message: { port: number }) => {
      resolve({ kind, url: `http://127.0.0.1:${message.port}/`, child });
    });
  });
}

/** Loads one server for `duration` seconds; returns requests per second. */
async function load(server: ChildServer, options: BenchOptions, duration: number): Promise<number> {
  const result = await autocannon({ url: server.url, connections: options.connections, duration });
  if (result.errors > 0 || result.non2xx > 0) {
    console.warn(`  warning: ${server.kind} had ${result.errors} errors and ${result.non2xx} non-2xx responses`);
  }
  return result.requests.average;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const format = (n: number): string => Math.round(n).toLocaleString('en-US');

async function benchHttp(options: BenchOptions): Promise<void> {
  console.log(
    `HTTP hello world: ${options.rounds} rounds x ${options.duration} s, ${options.connections} connections, ` +
      `node ${process.version}`,
  );
  const bare = await startServer('bare');
  const tsgi = await startServer('tsgi');
  try {
    // Warm-up: let both JITs settle before anything is recorded.
    await load(bare, options, 2);
    await load(tsgi, options, 2);
    const results = { bare: [] as number[], tsgi: [] as number[] };
    for (let round = 1; round <= options.rounds; round += 1) {
      const bareRps = await load(bare, options, options.duration);
      const tsgiRps = await load(tsgi, options, options.duration);
      results.bare.push(bareRps);
      results.tsgi.push(tsgiRps);
      console.log(
        `  round ${round}: bare ${format(bareRps)} req/s, tsgi ${format(tsgiRps)} req/s (${(tsgiRps / bareRps).toFixed(3)})`,
      );
    }
    const ratio = median(results.tsgi) / median(results.bare);
    console.log(`  median: bare ${format(median(results.bare))} req/s, tsgi ${format(median(results.tsgi))} req/s`);
    console.log(`  ratio tsgi/bare: ${ratio.toFixed(3)} (target >= 0.95)`);
  } finally {
    bare.child.disconnect();
    tsgi.child.disconnect();
  }
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

const options = readOptions();
if (!options.skipHttp) await benchHttp(options);
benchCompose(options);
