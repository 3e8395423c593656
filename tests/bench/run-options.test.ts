import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

/** Runs `npm run bench`'s script with `args`, the BENCH_* variables cleared except `env`. */
function bench(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BENCH_')));
  const result = spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', env: { ...clean, ...env } });
  return { status: result.status, stdout: result.stdout, firstError: result.stderr.split('\n')[0] };
}

test('--help lists the options and runs nothing', (t) => {
  const result = bench(['--help']);
  t.is(result.status, 0);
  t.regex(result.stdout, /^Usage: npm run bench -- \[options\]\n/);
  t.regex(result.stdout, /--only PARTS {6}a comma-separated subset of hello, framework, fastify, adapters, nginx, resolve, middleware, compose/);
  t.notRegex(result.stdout, /round 1/);
});

test('an unknown option is named, with exit code 2 and no stack trace', (t) => {
  const result = bench(['--frobnicate']);
  t.is(result.status, 2);
  t.is(result.firstError, "bench: Unknown option '--frobnicate'");
});

test('a bad count says which flag or variable held it', (t) => {
  t.is(bench(['--rounds', '0']).firstError, "bench: --rounds must be a positive integer; got '0'.");
  const fromEnvironment = bench([], { BENCH_DURATION: 'five' });
  t.is(fromEnvironment.status, 2);
  t.is(fromEnvironment.firstError, "bench: BENCH_DURATION must be a positive integer; got 'five'.");
});

test('an unknown part in --only or BENCH_ONLY is named with the parts there are', (t) => {
  const parts = 'hello, framework, fastify, adapters, nginx, resolve, middleware, compose';
  t.is(bench(['--only', 'hello,helo']).firstError, `bench: --only takes a comma-separated list of ${parts}; got 'helo'.`);
  t.is(bench([], { BENCH_ONLY: 'nginx,ngnix' }).firstError, `bench: BENCH_ONLY takes a comma-separated list of ${parts}; got 'ngnix'.`);
});
