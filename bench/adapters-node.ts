/**
 * The cost of the Node adapters, for `npm run bench` (issue 5, target: each
 * adapter costs at most 10 % of throughput):
 *
 * (a) an Express hello world served through `fromNodeHandler` by tsgi's
 *     development server, against the same Express app on node:http;
 * (b) a tsgi hello world served through `toNodeHandler` on node:http,
 *     against the same app on tsgi's development server.
 *
 * Each server runs in its own child process (bench/adapter-server.ts),
 * warmed up, and is loaded by autocannon from this process in interleaved
 * rounds (baseline, adapter, baseline, adapter, …) so drift on the machine
 * affects both alike. Reported: the medians, the median of the per-round
 * ratios adapter/baseline (the figure of merit) and the ratio of the medians,
 * and the server's CPU time per request, the steadier figure when the load
 * generator shares the machine.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import type { AdapterServerKind } from './adapter-server.js';
import { inAlternatingOrder } from './alternate.js';
import { describeRatios, format, median } from './round-stats.js';

export interface AdaptersNodeBenchOptions {
  rounds: number;
  /** Seconds per round. */
  duration: number;
  connections: number;
}

interface ChildServer {
  kind: AdapterServerKind;
  url: string;
  child: ChildProcess;
}

interface Load {
  rps: number;
  /** Server CPU microseconds per request. */
  cpuPerRequest: number;
}

/** Runs both comparisons; resolves to the report, one line per string. */
export async function runAdaptersNodeBench(options: AdaptersNodeBenchOptions): Promise<string[]> {
  const lines: string[] = [];
  await compare('fromNodeHandler: Express hello world, tsgi dev server vs node:http', 'express-node', 'express-tsgi', options, lines);
  await compare('toNodeHandler: tsgi hello world, node:http vs tsgi dev server', 'tsgi-native', 'tsgi-node', options, lines);
  return lines;
}

async function compare(
  title: string,
  baselineKind: AdapterServerKind,
  adapterKind: AdapterServerKind,
  options: AdaptersNodeBenchOptions,
  lines: string[],
): Promise<void> {
  lines.push(`${title}: ${options.rounds} rounds x ${options.duration} s, ${options.connections} connections, node ${process.version}`);
  const baseline = await startServer(baselineKind);
  const adapter = await startServer(adapterKind);
  try {
    await load(baseline, options.connections, 2);
    await load(adapter, options.connections, 2);
    const rps = { baseline: [] as number[], adapter: [] as number[] };
    const cpu = { baseline: [] as number[], adapter: [] as number[] };
    for (let round = 1; round <= options.rounds; round += 1) {
      const [base, adapted] = await inAlternatingOrder(
        round,
        () => load(baseline, options.connections, options.duration),
        () => load(adapter, options.connections, options.duration),
      );
      rps.baseline.push(base.rps);
      rps.adapter.push(adapted.rps);
      cpu.baseline.push(base.cpuPerRequest);
      cpu.adapter.push(adapted.cpuPerRequest);
      lines.push(
        `  round ${round}: ${baselineKind} ${format(base.rps)} req/s (${base.cpuPerRequest.toFixed(1)} µs CPU/req), ` +
          `${adapterKind} ${format(adapted.rps)} req/s (${adapted.cpuPerRequest.toFixed(1)} µs CPU/req), ratio ${(adapted.rps / base.rps).toFixed(3)}`,
      );
    }
    lines.push(`  median: ${baselineKind} ${format(median(rps.baseline))} req/s, ${adapterKind} ${format(median(rps.adapter))} req/s`);
    // As in run.ts: each round is paired with the baseline round next to it, so drift between
    // rounds is not mistaken for a difference between the servers.
    const ratios = rps.adapter.map((adapterRps, i) => adapterRps / (rps.baseline[i] as number));
    lines.push(
      `  ratio ${adapterKind}/${baselineKind}: ${median(ratios).toFixed(3)} (median of the round ratios; target >= 0.90); ` +
        `ratio of the medians ${(median(rps.adapter) / median(rps.baseline)).toFixed(3)}`,
    );
    lines.push(`  round ratios: ${describeRatios(ratios)}`);
    lines.push(
      `  server CPU per request: ${baselineKind} ${median(cpu.baseline).toFixed(1)} µs, ${adapterKind} ${median(cpu.adapter).toFixed(1)} µs ` +
        `(${baselineKind}/${adapterKind} ${(median(cpu.baseline) / median(cpu.adapter)).toFixed(3)})`,
    );
  } finally {
    baseline.child.disconnect();
    adapter.child.disconnect();
  }
}

function startServer(kind: AdapterServerKind): Promise<ChildServer> {
  const child = fork(new URL('./adapter-server.js', import.meta.url), [kind], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench: the ${kind} server exited early (code ${code}).`)));
    child.once('message', (message: { port: number }) => resolve({ kind, url: `http://127.0.0.1:${message.port}/`, child }));
  });
}

function cpuTime(server: ChildServer): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (message: { cpu: NodeJS.CpuUsage }) => resolve(message.cpu.user + message.cpu.system));
    server.child.send('cpu');
  });
}

async function load(server: ChildServer, connections: number, duration: number): Promise<Load> {
  const before = await cpuTime(server);
  const result = await autocannon({ url: server.url, connections, duration });
  const after = await cpuTime(server);
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`bench: ${server.kind} had ${result.errors} errors and ${result.non2xx} non-2xx responses; the comparison would mean nothing.`);
  }
  return { rps: result.requests.average, cpuPerRequest: (after - before) / Math.max(1, result.requests.total) };
}


