import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { openLogFile, withPid } from '../../lib/prefork/log-file.js';

const MODULE = new URL('../../lib/prefork/log-file.js', import.meta.url).href;

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsgi-log-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `code` (an ES module importing { openLogFile, withPid }) in a new node process. */
function runChild(code: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const source = `import { openLogFile, withPid } from ${JSON.stringify(MODULE)};\n${code}`;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', source], { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

test('openLogFile(path) appends to the file, keeping what was there, by the next turn of the event loop', async (t) => {
  const path = join(tempDir(t), 'access.log');
  writeFileSync(path, 'old line\n');
  const log = openLogFile(path);
  t.teardown(() => log.close());
  t.is(log.target, path);
  log.write('first\n');
  log.writelines(['second\n', 'third\n']);
  t.is(readFileSync(path, 'utf8'), 'old line\n', 'buffered until the turn ends');
  await nextTurn();
  t.is(readFileSync(path, 'utf8'), 'old line\nfirst\nsecond\nthird\n');
});

test('flush() writes at once; a large burst is written without waiting', (t) => {
  const path = join(tempDir(t), 'error.log');
  const log = openLogFile(path);
  t.teardown(() => log.close());
  log.write('now\n');
  log.flush();
  t.is(readFileSync(path, 'utf8'), 'now\n');
  const big = `${'x'.repeat(70 * 1024)}\n`;
  log.write(big);
  t.is(readFileSync(path, 'utf8'), `now\n${big}`);
});

test('openLogFile(path) writes text as UTF-8', async (t) => {
  const path = join(tempDir(t), 'utf8.log');
  const log = openLogFile(path);
  t.teardown(() => log.close());
  log.write('café ✓\n');
  await nextTurn();
  t.is(readFileSync(path, 'utf8'), 'café ✓\n');
});

test('reopen() after a rotation: the renamed file keeps the old lines, new lines go to a new file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'access.log');
  const log = openLogFile(path);
  t.teardown(() => log.close());
  log.write('before 1\n');
  await nextTurn();
  log.write('before 2\n'); // still buffered when the file is renamed
  renameSync(path, join(dir, 'access.log.1'));
  log.reopen();
  log.write('after\n');
  await nextTurn();
  t.is(readFileSync(join(dir, 'access.log.1'), 'utf8'), 'before 1\nbefore 2\n');
  t.is(readFileSync(path, 'utf8'), 'after\n');
});

test('without reopen(), lines keep going to the renamed file (why rotation needs SIGUSR1)', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'access.log');
  const log = openLogFile(path);
  t.teardown(() => log.close());
  renameSync(path, join(dir, 'access.log.1'));
  log.write('late\n');
  await nextTurn();
  t.is(readFileSync(join(dir, 'access.log.1'), 'utf8'), 'late\n');
  t.false(existsSync(path));
});

test('close() writes what is buffered; later writes, reopens and closes do nothing', (t) => {
  const path = join(tempDir(t), 'closed.log');
  const log = openLogFile(path);
  log.write('last\n');
  log.close();
  t.is(readFileSync(path, 'utf8'), 'last\n');
  log.write('dropped\n');
  log.reopen();
  log.close();
  t.is(readFileSync(path, 'utf8'), 'last\n');
});

test('openLogFile() throws at once when the file cannot be opened', (t) => {
  const path = join(tempDir(t), 'missing-dir', 'access.log');
  t.throws(() => openLogFile(path), {
    instanceOf: ImproperlyConfigured,
    message:
      `The log file '${path}' cannot be opened for appending: ENOENT: no such file or directory, open '${path}'. ` +
      'Check that its directory exists and is writable, or log to - (stdout).',
  });
});

test('openLogFile() refuses an empty target', (t) => {
  t.throws(() => openLogFile(''), {
    instanceOf: ImproperlyConfigured,
    message: "A log target must be '-' (stdout), 'stderr' or a file path; got ''.",
  });
});

test('withPid(log, pid) prefixes every line, across writes that split lines', (t) => {
  const written: string[] = [];
  const log = withPid({ write: (text: string) => void written.push(text) }, 42);
  log.write('one\n');
  log.write('two\nthr');
  log.write('ee\n');
  log.write('');
  log.writelines(['four\n', 'five\nsix\n']);
  log.flush();
  t.is(written.join(''), '[42] one\n[42] two\n[42] three\n[42] four\n[42] five\n[42] six\n');
});

test('withPid(file, pid).flush() flushes the file', (t) => {
  const path = join(tempDir(t), 'pid.log');
  const file = openLogFile(path);
  t.teardown(() => file.close());
  withPid(file, 7).write('x\n');
  withPid(file, 7).flush();
  t.is(readFileSync(path, 'utf8'), '[7] x\n');
});

// --- in real processes --------------------------------------------------------

test('a process that exits at once still writes its buffered lines', async (t) => {
  const path = join(tempDir(t), 'exit.log');
  const result = await runChild(`const log = openLogFile(${JSON.stringify(path)}); log.write('bye\\n'); process.exit(0);`);
  t.is(result.code, 0, result.stderr);
  t.is(readFileSync(path, 'utf8'), 'bye\n');
});

test("openLogFile('-') writes to stdout and 'stderr' to stderr; reopen() and close() leave them open", async (t) => {
  const result = await runChild(`
    const out = openLogFile('-');
    const err = openLogFile('stderr');
    out.reopen(); out.close(); err.reopen(); err.close();
    withPid(out, 9).write('to stdout\\n');
    err.writelines(['to stderr\\n']);
    out.flush();`);
  t.is(result.code, 0);
  t.is(result.stdout, '[9] to stdout\n');
  t.is(result.stderr, 'to stderr\n');
});

const linux = existsSync('/dev/full') ? test : test.skip;

linux('a failing log never throws: the error is reported once on stderr', async (t) => {
  // Every write to /dev/full fails with ENOSPC.
  const result = await runChild(`
    const log = openLogFile('/dev/full');
    log.write('a\\n'); log.flush();
    log.write('b\\n'); log.flush();
    log.write('c\\n');
    await new Promise((resolve) => setImmediate(resolve));
    process.stdout.write('still running\\n');`);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, 'still running\n');
  t.is(
    result.stderr,
    'tsgi: cannot write to the log file /dev/full: ENOSPC: no space left on device, write. ' +
      'Lines are lost until it is reopened (SIGUSR1). Reported once.\n',
  );
});

test('reopen() that fails keeps the old file and reports why', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'sub', 'app.log');
  const result = await runChild(`
    import { mkdirSync, renameSync } from 'node:fs';
    mkdirSync(${JSON.stringify(join(dir, 'sub'))});
    const log = openLogFile(${JSON.stringify(path)});
    log.write('one\\n'); log.flush();
    renameSync(${JSON.stringify(join(dir, 'sub'))}, ${JSON.stringify(join(dir, 'moved'))});
    log.reopen();
    log.write('two\\n'); log.close();`);
  t.is(result.code, 0, result.stderr);
  t.is(readFileSync(join(dir, 'moved', 'app.log'), 'utf8'), 'one\ntwo\n');
  t.is(
    result.stderr,
    `tsgi: cannot reopen the log file ${path}: ENOENT: no such file or directory, open '${path}'. Still writing to the file opened before.\n`,
  );
});
