/**
 * `npm run bench`, in five parts:
 *
 * 1. tsgi's development server against bare node:http, both serving the same
 *    11-byte hello world (target: tsgi/bare >= 0.95);
 * 2. a full framework request (five pipeline middleware, a 100-route
 *    URLconf hit on its last route with an int captured, a JSON response)
 *    through the development server, against the same bare node:http hello
 *    world (target: framework/bare >= 0.75), and against bare node:http
 *    sending the same response (no target); then the same stack in fastify
 *    against bare node:http, the reference point issue 3 names, and the
 *    framework against that fastify stack head to head (no targets);
 *    then the Node adapters against serving natively (bench/adapters-node.ts),
 *    then nginx in front of tsgi over uwsgi and HTTP, worker scaling and RSS
 *    (bench/nginx.ts);
 * 3. the URL resolver against a linear path-to-regexp scan and find-my-way;
 * 4. each bundled middleware's per-request cost around a hello-world app,
 *    in-process through the gateway;
 * 5. the compose() micro-benchmark.
 *
 * Each server runs in its own child process, warmed up and replaced by a
 * fresh one every ~80 s of load (bench/paired-rounds.ts says why);
 * autocannon loads them from this process in interleaved rounds (bare,
 * candidate; then candidate, bare; …) so drift in the machine affects both
 * alike, and neither is always measured second.
 * The figure of merit is the median of the per-round ratios, candidate / baseline.
 *
 * With two cores, autocannon and the server share the machine, and the
 * requests per second move with whatever else runs. Each round therefore
 * also reports the server's own CPU time per request (user + system, read
 * from the child), the steadier figure for comparing the two servers.
 *
 * Options: USAGE below (`npm run bench -- --help`); each flag has a BENCH_*
 * environment variable. A bad option is reported on stderr (which flag or
 * variable, its value, what it takes) with exit code 2, before anything runs.
 */
import { parseArgs } from 'node:util';
import { compareServers, type ServerComparison } from './compare-servers.js';
import { runComposeMicro } from './compose-micro.js';
import { FRAMEWORK_PATH } from './framework-app.js';
import { runAdaptersNodeBench } from './adapters-node.js';
import { runMiddlewareMicro } from './middleware-micro.js';
import { runNginxBench } from './nginx.js';
import { runResolveMicro } from './resolve-micro.js';
import { format, median } from './round-stats.js';

interface BenchOptions {
  rounds: number;
  duration: number;
  connections: number;
  skipHttp: boolean;
  /** The parts to run; all of them by default. */
  only: ReadonlySet<Part>;
}

const PARTS = ['hello', 'framework', 'fastify', 'adapters', 'nginx', 'resolve', 'middleware', 'compose'] as const;
type Part = (typeof PARTS)[number];

const USAGE = `Usage: npm run bench -- [options]
  --rounds N        rounds per server (default 5; or BENCH_ROUNDS)
  --duration S      seconds per round (default 5; or BENCH_DURATION)
  --connections C   concurrent connections (default 50; or BENCH_CONNECTIONS)
  --skip-http       only the in-process micro-benchmarks (or BENCH_SKIP_HTTP=1)
  --only PARTS      a comma-separated subset of ${PARTS.join(', ')} (or BENCH_ONLY)
  --help            this list`;

/** A mistake in the command line or the BENCH_* variables: reported without a stack. */
class OptionError extends Error {}

const COMMAND_LINE = {
  rounds: { type: 'string' },
  duration: { type: 'string' },
  connections: { type: 'string' },
  'skip-http': { type: 'boolean' },
  only: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** parseArgs(), its complaints (an unknown option, a missing value) turned into OptionErrors. */
function parseCommandLine(args: string[]) {
  try {
    return parseArgs({ args, options: COMMAND_LINE }).values;
  } catch (error) {
    throw new OptionError(`bench: ${(error as Error).message}`);
  }
}

function readOptions(args: string[]): BenchOptions | 'help' {
  const values = parseCommandLine(args);
  if (values.help === true) return 'help';
  return {
    rounds: positiveInteger(setting('rounds', values.rounds, 'BENCH_ROUNDS', '5')),
    duration: positiveInteger(setting('duration', values.duration, 'BENCH_DURATION', '5')),
    connections: positiveInteger(setting('connections', values.connections, 'BENCH_CONNECTIONS', '50')),
    skipHttp: values['skip-http'] === true || process.env['BENCH_SKIP_HTTP'] === '1',
    only: parts(setting('only', values.only, 'BENCH_ONLY', '')),
  };
}

/** An option's text and where it came from (`--rounds` or `BENCH_ROUNDS`), for messages. */
interface Setting {
  source: string;
  text: string;
}

/** The flag's value, else the environment variable's, else the default. */
function setting(flag: string, value: string | undefined, variable: string, fallback: string): Setting {
  if (value !== undefined) return { source: `--${flag}`, text: value };
  const fromEnvironment = process.env[variable];
  if (fromEnvironment !== undefined) return { source: variable, text: fromEnvironment };
  return { source: `--${flag}`, text: fallback };
}

function parts({ source, text }: Setting): ReadonlySet<Part> {
  if (text === '') return new Set(PARTS);
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(PARTS as readonly string[]).includes(name)) {
      throw new OptionError(`bench: ${source} takes a comma-separated list of ${PARTS.join(', ')}; got '${name}'.`);
    }
  }
  return new Set(names as Part[]);
}

function positiveInteger({ source, text }: Setting): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new OptionError(`bench: ${source} must be a positive integer; got '${text}'.`);
  }
  return value;
}

/** The server script the comparisons run: bare node:http (hello world or the framework's answer), tsgi's hello world, the framework app or its fastify twin. */
const HELLO_SERVER = new URL('./hello-server.js', import.meta.url);

/** The comparisons of hello-server.ts's servers, by part, in the order they run. */
const SERVER_COMPARISONS: ReadonlyArray<[Part, Omit<ServerComparison, 'script'>]> = [
  ['hello', { title: 'HTTP hello world', baseline: 'bare', candidate: 'tsgi', target: 0.95 }],
  ['framework', { title: 'Framework request (5 pipeline middleware, 100 routes, JSON)', baseline: 'bare', candidate: 'framework', path: FRAMEWORK_PATH, target: 0.75 }],
  // Bare node:http sending the framework's very response: what the framework itself costs, apart from its answer's bytes.
  ['framework', { title: 'The framework request against bare node:http sending the same response (seven headers, JSON)', baseline: 'bare-json', candidate: 'framework', path: FRAMEWORK_PATH }],
  ['fastify', { title: "Reference: the framework request's stack in fastify (bench/fastify-app.ts)", baseline: 'bare', candidate: 'fastify', path: FRAMEWORK_PATH }],
  // The same two stacks in the same rounds: the direct answer to "how does it compare with fastify".
  ['fastify', { title: 'Head to head: the framework request against its fastify twin', baseline: 'fastify', candidate: 'framework', path: FRAMEWORK_PATH }],
];

async function benchHttp(options: BenchOptions): Promise<void> {
  const { only } = options;
  const print = (line: string) => console.log(line);
  for (const [part, comparison] of SERVER_COMPARISONS) {
    if (only.has(part)) await compareServers({ ...comparison, script: HELLO_SERVER }, options, print);
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

/** The options, or null once help or a mistake in them was printed (the exit code set). */
function optionsOrExit(): BenchOptions | null {
  try {
    const options = readOptions(process.argv.slice(2));
    if (options !== 'help') return options;
    console.log(USAGE);
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
  }
  return null;
}

async function runParts(options: BenchOptions): Promise<void> {
  if (!options.skipHttp) await benchHttp(options);
  if (options.only.has('resolve')) benchResolve(options);
  if (options.only.has('middleware')) await benchMiddleware(options);
  if (options.only.has('compose')) benchCompose(options);
}

const options = optionsOrExit();
if (options !== null) await runParts(options);
