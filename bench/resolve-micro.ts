/**
 * Micro-benchmark of URL resolution: a URLconf of N routes
 * `r0/<int:id>/` … `r{N-1}/<int:id>/`, the request hitting the LAST one
 * (`/r{N-1}/42/`), at N = 100 and 1000. In the same process, interleaved
 * round by round, it measures
 *
 * - (a) `UrlConf.resolve()` (the trie index, converters, a full ResolverMatch);
 * - (b) a linear scan of path-to-regexp `match('/rK/:id/')` functions, first
 *   match wins: what resolving without an index costs;
 * - (c) find-my-way's `find('GET', path)` (a radix tree, Fastify's router);
 * - `reverse('rK', { kwargs: { id: 42 } })` through the prebuilt index.
 *
 * Targets (issue 3): (a) >= 20x (b), and fmw/ours <= 2: the medians of the
 * ratios measured round by round.
 */
import findMyWay from 'find-my-way';
import { match } from 'path-to-regexp';
import type { HttpResponse } from '../lib/framework/http/http-response.js';
import { createResolver, path, type UrlConf } from '../lib/framework/urls/index.js';
import { format, median } from './round-stats.js';

export interface ResolveMicroOptions {
  /** Interleaved rounds per size; the medians are reported. */
  readonly rounds: number;
  /** Length of one measurement. @default 300 */
  readonly durationMs?: number;
}

interface Contenders {
  readonly ours: () => unknown;
  readonly linear: () => unknown;
  readonly fmw: () => unknown;
  readonly reverse: () => unknown;
}

function contenders(size: number): Contenders {
  const view = (): HttpResponse => {
    throw new Error('resolve-micro: the view is never called');
  };
  const conf: UrlConf = createResolver(Array.from({ length: size }, (_, k) => path(`r${k}/<int:id>/`, view, { name: `r${k}` })));
  const matchers = Array.from({ length: size }, (_, k) => match(`/r${k}/:id/`));
  const router = findMyWay();
  for (let k = 0; k < size; k += 1) router.on('GET', `/r${k}/:id/`, () => undefined);
  const target = `/r${size - 1}/42/`;
  const lastName = `r${size - 1}`;
  const kwargs = { id: 42 };
  return {
    ours: () => conf.resolve(target),
    linear: () => {
      for (const matcher of matchers) {
        const found = matcher(target);
        if (found !== false) return found;
      }
      return null;
    },
    fmw: () => router.find('GET', target),
    reverse: () => conf.reverse(lastName, { kwargs }),
  };
}

/** Calls `target` in batches for about `durationMs`; returns calls per second. */
function opsPerSecond(target: () => unknown, durationMs: number): number {
  let calls = 0;
  let misses = 0;
  const started = performance.now();
  let elapsed = 0;
  const batch = 1000;
  do {
    for (let i = 0; i < batch; i += 1) if (!target()) misses += 1;
    calls += batch;
    elapsed = performance.now() - started;
  } while (elapsed < durationMs);
  // Counting results keeps the calls from being optimised away, and proves each one found the route.
  if (misses !== 0) throw new Error(`resolve-micro: ${misses} of ${calls} calls found no route.`);
  return (calls / elapsed) * 1000;
}

/** Runs the benchmark; returns the lines to print. */
export function runResolveMicro(options: ResolveMicroOptions): string[] {
  const durationMs = options.durationMs ?? 300;
  const lines = [`URL resolution: N routes r0/<int:id>/ … , request hits the last, ${options.rounds} interleaved rounds x ${durationMs} ms`];
  for (const size of [100, 1000]) {
    const run = contenders(size);
    const names = ['ours', 'linear', 'fmw', 'reverse'] as const;
    const results: Record<(typeof names)[number], number[]> = { ours: [], linear: [], fmw: [], reverse: [] };
    for (const name of names) opsPerSecond(run[name], 100); // warm-up
    for (let round = 0; round < options.rounds; round += 1) {
      for (const name of names) results[name].push(opsPerSecond(run[name], durationMs));
    }
    const ours = median(results.ours);
    const linear = median(results.linear);
    const fmw = median(results.fmw);
    // The ratios are taken round by round (the contenders of a round run back to back, under the
    // same load on a shared machine), then their median is reported.
    const overLinear = median(results.ours.map((value, round) => value / (results.linear[round] as number)));
    const fmwOverOurs = median(results.fmw.map((value, round) => value / (results.ours[round] as number)));
    lines.push(
      `  ${size} routes: UrlConf.resolve ${format(ours)} ops/s, path-to-regexp linear scan ${format(linear)} ops/s, ` +
        `find-my-way ${format(fmw)} ops/s, reverse ${format(median(results.reverse))} ops/s`,
      `    ours/linear ${overLinear.toFixed(1)}x (target >= 20), fmw/ours ${fmwOverOurs.toFixed(2)} (target <= 2)`,
    );
  }
  return lines;
}
