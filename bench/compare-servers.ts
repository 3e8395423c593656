/**
 * One HTTP comparison of `npm run bench`, from start to report: a baseline
 * and a candidate server from the same script, loaded in alternating rounds
 * (bench/paired-rounds.ts), each round printed as it ends, then the summary.
 *
 * The figure of merit pairs each round with its neighbour: the machine's
 * throughput drifts from round to round (by a third on a busy 2-core
 * machine), which a ratio of the two medians, taken from different rounds,
 * would mistake for a difference between the servers. The servers' own CPU
 * time per request is reported beside it, the steadier figure while the load
 * generator shares the machine.
 */
import { childServerPair } from './child-server.js';
import type { Load } from './child-server.js';
import { runPairedRounds } from './paired-rounds.js';
import { describeRatios, format, median } from './round-stats.js';

export interface ServerComparison {
  title: string;
  /** The server script (`node script kind`, see bench/child-server.ts). */
  script: URL;
  baseline: string;
  candidate: string;
  /** What the load requests; `/` by default. */
  path?: string;
  /** The candidate/baseline ratio the comparison must reach; none for a reference point. */
  target?: number;
}

export interface LoadOptions {
  rounds: number;
  /** Seconds per round. */
  duration: number;
  connections: number;
}

/** Runs `comparison`, handing each line of the report to `print` as soon as it is known. */
export async function compareServers(comparison: ServerComparison, options: LoadOptions, print: (line: string) => void): Promise<void> {
  const { baseline, candidate } = comparison;
  print(`${comparison.title}: ${options.rounds} rounds x ${options.duration} s, ${options.connections} connections, node ${process.version}`);
  const { baseline: base, candidate: cand } = await runPairedRounds(
    {
      ...childServerPair(comparison.script, { baseline, candidate, path: comparison.path }, options.connections),
      onFreshPair: (round) => print(`  (fresh server processes from round ${round} on; see bench/paired-rounds.ts)`),
      onRound: (round, b, c) => print(`  round ${round}: ${describeLoad(baseline, b)}, ${describeLoad(candidate, c)}, ratio ${(c.rps / b.rps).toFixed(3)}`),
    },
    options,
  );
  const rps = { base: base.map((load) => load.rps), cand: cand.map((load) => load.rps) };
  const cpu = { base: median(base.map((load) => load.cpuPerRequest)), cand: median(cand.map((load) => load.cpuPerRequest)) };
  const ratios = rps.cand.map((candidateRps, i) => candidateRps / (rps.base[i] as number));
  print(`  median: ${baseline} ${format(median(rps.base))} req/s, ${candidate} ${format(median(rps.cand))} req/s`);
  print(
    `  ratio ${candidate}/${baseline}: ${median(ratios).toFixed(3)} (median of the round ratios; ${describeTarget(comparison.target)}); ` +
      `ratio of the medians ${(median(rps.cand) / median(rps.base)).toFixed(3)}`,
  );
  print(`  round ratios: ${describeRatios(ratios)}`);
  print(
    `  server CPU per request: ${baseline} ${cpu.base.toFixed(1)} µs, ${candidate} ${cpu.cand.toFixed(1)} µs ` +
      `(${baseline}/${candidate} ${(cpu.base / cpu.cand).toFixed(3)})`,
  );
}

function describeTarget(target: number | undefined): string {
  return target === undefined ? 'a reference point, no target' : `target >= ${target.toFixed(2)}`;
}

function describeLoad(kind: string, load: Load): string {
  return `${kind} ${format(load.rps)} req/s (${load.cpuPerRequest.toFixed(1)} µs CPU/req)`;
}
