import test from 'ava';
import { inAlternatingOrder } from '../../bench/alternate.js';

async function roundOrder(round: number): Promise<{ calls: string[]; pair: [string, string] }> {
  const calls: string[] = [];
  const pair = await inAlternatingOrder(
    round,
    async () => {
      calls.push('baseline');
      return 'baseline result';
    },
    async () => {
      calls.push('candidate');
      return 'candidate result';
    },
  );
  return { calls, pair };
}

test('inAlternatingOrder() loads the baseline first in odd rounds and the candidate first in even ones', async (t) => {
  t.deepEqual(await roundOrder(1), { calls: ['baseline', 'candidate'], pair: ['baseline result', 'candidate result'] });
  t.deepEqual(await roundOrder(2), { calls: ['candidate', 'baseline'], pair: ['baseline result', 'candidate result'] });
  t.deepEqual(await roundOrder(3), { calls: ['baseline', 'candidate'], pair: ['baseline result', 'candidate result'] });
});
