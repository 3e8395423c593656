/**
 * The benchmark servers' side of a comparison: each server runs in a child
 * process started from one of bench/'s server scripts (`node script kind`),
 * reports its port over IPC once it listens, answers 'cpu' with its
 * `process.cpuUsage()`, and exits when the parent disconnects. autocannon
 * loads it from this process.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import type { PairedRoundsPlan } from './paired-rounds.js';

export interface ChildServer {
  kind: string;
  /** What the load requests. */
  url: string;
  child: ChildProcess;
}

export interface Load {
  /** Requests per second. */
  rps: number;
  /** Server CPU microseconds per request (user + system). */
  cpuPerRequest: number;
}

/** Starts `script kind` and waits for the port it reports; `path` is what the load requests. */
export function startChildServer(script: URL, kind: string, path: string | undefined = '/'): Promise<ChildServer> {
  const child = fork(script, [kind], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench: the ${kind} server exited early (code ${code}).`)));
    child.once('message', (message: { port: number }) => resolve({ kind, url: `http://127.0.0.1:${message.port}${path}`, child }));
  });
}

/** The child's CPU time so far, in microseconds (user + system). */
function cpuTime(server: ChildServer): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (message: { cpu: NodeJS.CpuUsage }) => resolve(message.cpu.user + message.cpu.system));
    server.child.send('cpu');
  });
}

/** Loads one server for `seconds` with `connections` connections; any error or non-2xx answer voids the comparison. */
export async function loadChildServer(server: ChildServer, connections: number, seconds: number): Promise<Load> {
  const before = await cpuTime(server);
  const result = await autocannon({ url: server.url, connections, duration: seconds });
  const after = await cpuTime(server);
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`bench: ${server.kind} had ${result.errors} errors and ${result.non2xx} non-2xx responses; the comparison would mean nothing.`);
  }
  return { rps: result.requests.average, cpuPerRequest: (after - before) / Math.max(1, result.requests.total) };
}

/** How runPairedRounds() starts, loads and stops a baseline and a candidate served by `script`. */
export function childServerPair(
  script: URL,
  kinds: { baseline: string; candidate: string; path?: string | undefined },
  connections: number,
): Pick<PairedRoundsPlan<ChildServer, Load>, 'start' | 'stop' | 'load'> {
  return {
    start: async () => ({
      baseline: await startChildServer(script, kinds.baseline, kinds.path),
      candidate: await startChildServer(script, kinds.candidate, kinds.path),
    }),
    stop: (pair) => {
      pair.baseline.child.disconnect();
      pair.candidate.child.disconnect();
    },
    load: (server, seconds) => loadChildServer(server, connections, seconds),
  };
}
