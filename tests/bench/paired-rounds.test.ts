import test from 'ava';
import { PAIR_LIFETIME_S, WARM_UP_S, roundsPerPair, runPairedRounds } from '../../bench/paired-rounds.js';
import type { PairedRoundsPlan } from '../../bench/paired-rounds.js';

/** A plan whose servers are names (`baseline#1`, …) and whose loads are logged, not run. */
function fakePlan(): { plan: PairedRoundsPlan<string, string>; log: string[] } {
  const log: string[] = [];
  let pairs = 0;
  const plan: PairedRoundsPlan<string, string> = {
    start: async () => {
      pairs += 1;
      log.push(`start pair ${pairs}`);
      return { baseline: `baseline#${pairs}`, candidate: `candidate#${pairs}` };
    },
    stop: (pair) => log.push(`stop ${pair.baseline} ${pair.candidate}`),
    load: async (server, seconds) => {
      log.push(`load ${server} ${seconds}s`);
      return `${server}@${log.length}`;
    },
    onRound: (round, baseline, candidate) => log.push(`round ${round}: ${baseline} ${candidate}`),
    onFreshPair: (round) => log.push(`fresh pair before round ${round}`),
  };
  return { plan, log };
}

test('roundsPerPair() fits a pair of processes into PAIR_LIFETIME_S seconds of load, at least one round', (t) => {
  t.is(PAIR_LIFETIME_S, 80);
  t.is(roundsPerPair(5), 8);
  t.is(roundsPerPair(10), 4);
  t.is(roundsPerPair(7), 5);
  t.is(roundsPerPair(60), 1);
});

test('runPairedRounds() warms a pair up, alternates the order and stops the pair', async (t) => {
  const { plan, log } = fakePlan();
  const results = await runPairedRounds(plan, { rounds: 2, duration: 5 });
  t.deepEqual(log, [
    'start pair 1',
    `load baseline#1 ${WARM_UP_S}s`,
    `load candidate#1 ${WARM_UP_S}s`,
    'load baseline#1 5s',
    'load candidate#1 5s',
    'round 1: baseline#1@4 candidate#1@5',
    'load candidate#1 5s',
    'load baseline#1 5s',
    'round 2: baseline#1@8 candidate#1@7',
    'stop baseline#1 candidate#1',
  ]);
  t.deepEqual(results, { baseline: ['baseline#1@4', 'baseline#1@8'], candidate: ['candidate#1@5', 'candidate#1@7'] });
});

test('runPairedRounds() replaces the pair every roundsPerPair() rounds and stops each one', async (t) => {
  const { plan, log } = fakePlan();
  const results = await runPairedRounds(plan, { rounds: 5, duration: 20 });
  t.is(roundsPerPair(20), 2);
  t.deepEqual(
    log.filter((line) => !line.startsWith('load')),
    [
      'start pair 1',
      'round 1: baseline#1@4 candidate#1@5',
      'round 2: baseline#1@8 candidate#1@7',
      'stop baseline#1 candidate#1',
      'fresh pair before round 3',
      'start pair 2',
      'round 3: baseline#2@15 candidate#2@16',
      'round 4: baseline#2@19 candidate#2@18',
      'stop baseline#2 candidate#2',
      'fresh pair before round 5',
      'start pair 3',
      'round 5: baseline#3@26 candidate#3@27',
      'stop baseline#3 candidate#3',
    ],
  );
  t.is(results.baseline.length, 5);
  t.is(log.filter((line) => line.endsWith(`${WARM_UP_S}s`)).length, 6);
});

test('runPairedRounds() stops the pair when a load fails, and passes the error on', async (t) => {
  const { plan, log } = fakePlan();
  const failing: PairedRoundsPlan<string, string> = {
    ...plan,
    load: async (server, seconds) => {
      if (seconds !== WARM_UP_S && server.startsWith('candidate')) throw new Error('bench: candidate#1 had 3 errors');
      return plan.load(server, seconds);
    },
  };
  const error = await t.throwsAsync(runPairedRounds(failing, { rounds: 3, duration: 5 }));
  t.is(error?.message, 'bench: candidate#1 had 3 errors');
  t.is(log.at(-1), 'stop baseline#1 candidate#1');
});
