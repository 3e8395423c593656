import test from 'ava';
import { CASE_NAMES, runCase } from '../../bench/instruction-cases.js';
import { collectedInstructions } from '../../bench/instructions.js';

test('every instruction case answers 200, so the counts are of the main path', async (t) => {
  t.deepEqual(CASE_NAMES, ['hello', 'framework-minimal', 'framework']);
  for (const name of CASE_NAMES) t.is(await runCase(name, 2), 200, name);
});

test('runCase() refuses an unknown case, naming the known ones', async (t) => {
  await t.throwsAsync(runCase('nope', 1), {
    instanceOf: TypeError,
    message: "bench: unknown instruction case 'nope'; use one of hello, framework-minimal, framework.",
  });
});

test('collectedInstructions() reads the total from callgrind\'s summary', (t) => {
  t.is(collectedInstructions('==4019== Events    : Ir\n==4019== Collected : 3256881273\n==4019==\n'), 3256881273);
  t.throws(() => collectedInstructions('valgrind: command not found'), {
    message: "bench: callgrind printed no 'Collected' total; its output ended with: valgrind: command not found",
  });
});
