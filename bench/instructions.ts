/**
 * `npm run bench:instructions`: the machine instructions one request costs,
 * counted by valgrind's callgrind, for each case of
 * bench/instruction-cases.ts. Unlike timings, the counts hardly move with
 * what else the machine runs: two runs here agreed within 2% (the
 * framework stack 24,186 and 24,698), where single rounds of
 * `npm run bench` differ by 15%. What still moves them is where V8's
 * collections and optimizations fall, hence the 100,000 requests counted.
 * Each case runs twice under callgrind, with no counted requests and with
 * COUNTED of them, after the same warm-up; the difference, divided by
 * COUNTED, leaves out start-up and warm-up. V8 runs single-threaded
 * (`--single-threaded`) so its background threads do not blur the counts.
 *
 * The counts are of the in-process path: inside a server the same code
 * runs slower per instruction (node:http's work, caches), so compare cases
 * with each other, not with `npm run bench`'s figures.
 */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainModule } from './in-process.js';
import { CASE_NAMES } from './instruction-cases.js';

/** Requests counted per case. */
const COUNTED = 100_000;
const SCRIPT = new URL('./instruction-cases.js', import.meta.url);

/** The total callgrind reports in its summary (`==123== Collected : 1641393106`). */
export function collectedInstructions(report: string): number {
  const match = /Collected : (\d+)/.exec(report);
  if (match === null) {
    throw new Error(`bench: callgrind printed no 'Collected' total; its output ended with: ${report.slice(-400)}`);
  }
  return Number(match[1]);
}

/** Instructions of one run of `name` with `count` counted requests. */
function countRun(name: string, count: number): Promise<number> {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file', process.execPath, '--single-threaded', fileURLToPath(SCRIPT), name, String(count)];
  return new Promise((resolve, reject) => {
    execFile('valgrind', args, { maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`bench: callgrind failed for case '${name}': ${error.message}\n${stderr.slice(-400)}`));
      else {
        try {
          resolve(collectedInstructions(stderr));
        } catch (parseError) {
          reject(parseError as Error);
        }
      }
    });
  });
}

async function main(): Promise<void> {
  if (spawnSync('valgrind', ['--version']).error !== undefined) {
    console.log('bench:instructions skipped: valgrind is not installed (apt-get install valgrind).');
    return;
  }
  console.log(`Instructions per request, in-process through runGateway (callgrind; ${COUNTED} requests counted per case), node ${process.version}`);
  const perRequest = new Map<string, number>();
  for (const name of CASE_NAMES) {
    // The two runs of a case at once: one per core.
    const [base, counted] = await Promise.all([countRun(name, 0), countRun(name, COUNTED)]);
    const instructions = (counted - base) / COUNTED;
    perRequest.set(name, instructions);
    const hello = perRequest.get('hello');
    const relative = hello === undefined || name === 'hello' ? '' : ` (${(instructions / hello).toFixed(2)}x hello)`;
    console.log(`  ${name.padEnd(18)} ${Math.round(instructions).toLocaleString('en-US').padStart(7)}${relative}`);
  }
}

// Run as a script, not when a test imports collectedInstructions().
if (isMainModule(import.meta.url)) await main();
