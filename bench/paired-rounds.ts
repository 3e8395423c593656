/**
 * The round structure every HTTP comparison in `npm run bench` shares: a
 * baseline and a candidate server, each in its own process, warmed up, then
 * loaded in alternating order round after round (bench/alternate.ts).
 *
 * A pair of server processes lives at most PAIR_LIFETIME_S seconds of load;
 * longer runs start a fresh pair. The reason is V8's memory reducer: about
 * 100 s after a process's first full GC (its watchdog), a process that sits
 * idle now and then, as each server does while the other is loaded, gets a
 * memory-reducing GC that shrinks the heap, followed by the deoptimization
 * of node's stream and HTTP functions.
 * For the next minute or more that server needs 20–75% more CPU per request
 * (measured on bare node:http and on tsgi alike; gone with
 * `--no-memory-reducer`). It strikes one process of the pair at a time, so a
 * comparison spanning it measures V8's timing, not the servers.
 */
import { inAlternatingOrder } from './alternate.js';

/** Seconds of load a pair of server processes takes before a fresh pair replaces it. */
export const PAIR_LIFETIME_S = 80;

/**
 * Seconds each server of a fresh pair is loaded before any round is recorded:
 * until V8 has optimized what the requests run. In 2 s windows from start,
 * the framework server needed ~2x its settled CPU per request in the first
 * window and still ~25% more in the second (fastify alike, bare node:http
 * ~10%), settling from the third on.
 */
export const WARM_UP_S = 4;

export interface ServerPair<S> {
  baseline: S;
  candidate: S;
}

export interface PairedRoundsPlan<S, L> {
  /** Starts both servers and resolves once both listen. */
  start(): Promise<ServerPair<S>>;
  /** Stops both servers. */
  stop(pair: ServerPair<S>): void;
  /** Loads one server for `seconds` and reports what it measured. */
  load(server: S, seconds: number): Promise<L>;
  /** Called after each round with both measurements. */
  onRound?(round: number, baseline: L, candidate: L): void;
  /** Called when a fresh pair takes over before `round` (never for round 1). */
  onFreshPair?(round: number): void;
}

export interface PairedRoundsOptions {
  rounds: number;
  /** Seconds per load. */
  duration: number;
}

/** How many rounds one pair of processes serves at `duration` seconds per load (at least one). */
export function roundsPerPair(duration: number): number {
  return Math.max(1, Math.floor(PAIR_LIFETIME_S / (2 * duration)));
}

/** Runs `options.rounds` alternating rounds, with a fresh warmed-up pair every roundsPerPair() rounds. */
export async function runPairedRounds<S, L>(
  plan: PairedRoundsPlan<S, L>,
  options: PairedRoundsOptions,
): Promise<{ baseline: L[]; candidate: L[] }> {
  const perPair = roundsPerPair(options.duration);
  const results = { baseline: [] as L[], candidate: [] as L[] };
  for (let first = 1; first <= options.rounds; first += perPair) {
    if (first > 1) plan.onFreshPair?.(first);
    const pair = await plan.start();
    try {
      await plan.load(pair.baseline, WARM_UP_S);
      await plan.load(pair.candidate, WARM_UP_S);
      const last = Math.min(options.rounds, first + perPair - 1);
      for (let round = first; round <= last; round += 1) {
        const [baseline, candidate] = await inAlternatingOrder(
          round,
          () => plan.load(pair.baseline, options.duration),
          () => plan.load(pair.candidate, options.duration),
        );
        results.baseline.push(baseline);
        results.candidate.push(candidate);
        plan.onRound?.(round, baseline, candidate);
      }
    } finally {
      plan.stop(pair);
    }
  }
  return results;
}
