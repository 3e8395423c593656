/**
 * The cost of the Node adapters, for `npm run bench` (issue 5, target: each
 * adapter costs at most 10 % of throughput):
 *
 * (a) an Express hello world served through `fromNodeHandler` by tsgi's
 *     development server, against the same Express app on node:http;
 * (b) a tsgi hello world served through `toNodeHandler` on node:http,
 *     against the same app on tsgi's development server.
 *
 * Both run as bench/compare-servers.ts runs every HTTP comparison: each
 * server in its own child process (bench/adapter-server.ts), loaded in
 * alternating rounds, with the median of the per-round ratios
 * adapter/baseline as the figure of merit.
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
