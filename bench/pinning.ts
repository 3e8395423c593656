/**
 * Keeping the load generator and the server off each other's core. On a
 * 2-core machine autocannon and the server would otherwise share both cores
 * at the scheduler's whim, and which of them happens to run where moves
 * the throughput more than the servers differ. Both servers of a comparison
 * get the same core, so the pinning is the same for each.
 *
 * `taskset` (Linux, util-linux) does the pinning; without it nothing is
 * pinned and the benchmarks say so.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The core autocannon runs on, and the one each server under test gets. */
export const CLIENT_CORE = '0';
export const SERVER_CORE = '1';

export const hasTaskset = ((): boolean => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Pins every thread of process `pid` to `cpus` (e.g. `'1'`, `'0,1'`); does nothing without taskset. */
export function pinProcess(pid: number | undefined, cpus: string): void {
  if (!hasTaskset || pid === undefined) return;
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** Lets process `pid` run on every core again. */
export function unpinProcess(pid: number): void {
  pinProcess(pid, `0-${availableParallelism() - 1}`);
}

/** `command` prefixed to run on `cpus`, or as it is without taskset. */
export function pinned(cpus: string, command: string[]): string[] {
  return hasTaskset ? ['taskset', '-c', cpus, ...command] : command;
}

/** How a benchmark heading states the pinning. */
export function pinningNote(): string {
  return hasTaskset ? `autocannon on core ${CLIENT_CORE}, server on core ${SERVER_CORE}` : 'taskset missing: nothing pinned';
}
