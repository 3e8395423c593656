/**
 * The cost of the Node adapters, for `npm run bench` (issue 5, target: each
 * adapter costs at most 10 % of throughput):
 *
 * (a) an Express hello world served through `fromNodeHandler` by tsgi's
 *     development server, against the same Express app on node:http;
 * (b) a tsgi hello world served through `toNodeHandler` on node:http,
 *     against the same app on tsgi's development server.
 *
 * Each server runs in its own child process (bench/adapter-server.ts), is
 * warmed up, replaced by a fresh one every ~80 s of load
 * (bench/paired-rounds.ts), and loaded by autocannon from this process in
 * interleaved rounds (baseline, adapter, baseline, adapter, …) so drift on
 * the machine affects both alike. Reported: the medians, the median of the per-round
 * ratios adapter/baseline (the figure of merit) and the ratio of the medians,
 * and the server's CPU time per request, the steadier figure when the load
 * generator shares the machine.
 */
import type { AdapterServerKind } from './adapter-server.js';
import { compareServers } from './compare-servers.js';

export interface AdaptersNodeBenchOptions {
  rounds: number;
  /** Seconds per round. */
  duration: number;
  connections: number;
}

/** Runs both comparisons; resolves to the report, one line per string. */
export async function runAdaptersNodeBench(options: AdaptersNodeBenchOptions): Promise<string[]> {
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);
  const script = new URL('./adapter-server.js', import.meta.url);
  const comparisons: Array<[title: string, baseline: AdapterServerKind, candidate: AdapterServerKind]> = [
    ['fromNodeHandler: Express hello world, tsgi dev server vs node:http', 'express-node', 'express-tsgi'],
    ['toNodeHandler: tsgi hello world, node:http vs tsgi dev server', 'tsgi-native', 'tsgi-node'],
  ];
  for (const [title, baseline, candidate] of comparisons) {
    await compareServers({ title, script, baseline, candidate, target: 0.9 }, options, print);
  }
  return lines;
}
