import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { USAGE } from '../../lib/cli/parse-args.js';
import { runCli } from '../../lib/cli/run-cli.js';
import { makeServer } from '../../lib/server/index.js';
import { fetchResult } from '../server/http-helpers.js';

const MAIN = fileURLToPath(new URL('../../lib/cli/main.js', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** Collects what runCli writes. */
function memoryIo(cwd = process.cwd()): { stdout: { write(text: string): void }; stderr: { write(text: string): void }; out: () => string; err: () => string; cwd: string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => void (out += text) },
    stderr: { write: (text: string) => void (err += text) },
    out: () => out,
    err: () => err,
    cwd,
  };
}

interface Spawned {
  /** Resolves with the first stdout line. */
  firstLine: Promise<string>;
  /** stderr so far. */
  stderr(): string;
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

function spawnCli(args: string[], cwd = process.cwd()): Spawned {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let resolveLine: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (resolveLine = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('\n')) resolveLine(stdout.slice(0, stdout.indexOf('\n')));
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      resolveLine(stdout);
      resolve({ code, stdout, stderr });
    }),
  );
  return { firstLine, exit, stderr: () => stderr, kill: (signal) => child.kill(signal) };
}

test('runCli([--help]) prints the usage and returns 0', async (t) => {
  const io = memoryIo();
  t.is(await runCli(['--help'], io), 0);
  t.is(io.out(), USAGE);
  t.is(io.err(), '');
});

test("runCli([--version]) prints package.json's version", async (t) => {
  const io = memoryIo();
  t.is(await runCli(['--version'], io), 0);
  t.is(io.out(), `${VERSION}\n`);
});

test('runCli() returns 2 and explains bad usage on stderr', async (t) => {
  const io = memoryIo();
  t.is(await runCli(['serve', '--port', 'x'], io), 2);
  t.is(io.err(), "tsgi: --port must be an integer from 0 to 65535; got 'x'. Use 0 to pick a free port.\n");
  t.is(io.out(), '');
});

test('runCli() returns 1 with the stack when the module fails to load', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsgi-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bad.mjs'), 'throw new Error("syntax is fine, logic is not");');
  const io = memoryIo(dir);
  t.is(await runCli(['dev', './bad.mjs', '--port', '0'], io), 1);
  t.true(io.err().startsWith('Error: syntax is fine, logic is not\n    at '), io.err());
});

test('runCli() returns 1 and suggests another port when the port is taken', async (t) => {
  const taken = await makeServer('127.0.0.1', 0, () => [], { log: false });
  try {
    const io = memoryIo();
    t.is(await runCli(['dev', '--port', String(taken.port)], io), 1);
    t.regex(io.err(), /^tsgi dev: listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+\. Pick another --port or --host\.\n$/);
  } finally {
    await taken.close();
  }
});

test('tsgi dev --port 0 serves the demo app until SIGTERM, then exits 0', async (t) => {
  const cli = spawnCli(['dev', '--port', '0']);
  const line = await cli.firstLine;
  const match = /^Serving HTTP on 127\.0\.0\.1 port (\d+) \.\.\.$/.exec(line);
  t.truthy(match, line);
  const result = await fetchResult(Number(match?.[1]), { path: '/hi' });
  t.is(result.status, 200);
  t.true(result.body.toString().startsWith('Hello world!\n\n'));
  t.true(result.body.toString().includes('\nPATH_INFO = /hi\n'));
  cli.kill('SIGTERM');
  const exit = await cli.exit;
  t.is(exit.code, 0);
  t.regex(exit.stderr, /"GET \/hi HTTP\/1\.1" 200 \d+\n/);
  t.true(exit.stderr.includes('SIGTERM: closing'), exit.stderr);
});

test('tsgi dev MODULE:EXPORT serves that export and stops on SIGINT', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsgi-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'site.mjs'),
    `export function greet(environ, startResponse) {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [Buffer.from('greetings from ' + environ.PATH_INFO)];
    }`,
  );
  const cli = spawnCli(['dev', 'site.mjs:greet', '--port', '0'], dir);
  const port = Number(/port (\d+)/.exec(await cli.firstLine)?.[1]);
  t.is((await fetchResult(port, { path: '/there' })).body.toString(), 'greetings from /there');
  cli.kill('SIGINT');
  t.is((await cli.exit).code, 0);
});

test('tsgi serve --port 0 runs the prefork server on the demo app until SIGTERM, then exits 0', async (t) => {
  const cli = spawnCli(['serve', '--port', '0', '--workers', '1']);
  t.teardown(() => cli.kill('SIGKILL'));
  const port = await new Promise<number>((resolve, reject) => {
    const poll = setInterval(() => {
      const match = /Listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(cli.stderr());
      if (match !== null) {
        clearInterval(poll);
        resolve(Number(match[1]));
      }
    }, 50);
    void cli.exit.then(() => {
      clearInterval(poll);
      reject(new Error(`exited early: ${cli.stderr()}`));
    });
  });
  const result = await fetchResult(port, { path: '/hi' });
  t.is(result.status, 200);
  t.true(result.body.toString().includes('\nPATH_INFO = /hi\n'));
  t.true(result.body.toString().includes('tsgi.multiprocess = true'), result.body.toString());
  cli.kill('SIGTERM');
  const exit = await cli.exit;
  t.is(exit.code, 0);
  t.regex(exit.stderr, /\[INFO\] Stopped\.\n$/);
});

test('tsgi serve with a bad option value exits 2 before starting any process', async (t) => {
  const io = memoryIo();
  t.is(await runCli(['serve', '--workers', '0'], io), 2);
  t.is(io.err(), "tsgi serve: --workers must be an integer >= 1; got '0'.\n");
});

test('tsgi with bad usage exits 2 with the message on stderr', async (t) => {
  const exit = await spawnCli(['serve', './nope.mjs']).exit;
  t.is(exit.code, 2);
  t.regex(exit.stderr, /^tsgi serve: cannot find the module \.\/nope\.mjs \(no file at .*nope\.mjs\)\. Check the path\.\n$/);
  t.is(exit.stdout, '');
});

test('tsgi --version prints the version and exits 0', async (t) => {
  const exit = await spawnCli(['--version']).exit;
  t.is(exit.code, 0);
  t.is(exit.stdout, `${VERSION}\n`);
});

test('dist/lib/cli/main.js starts with a shebang', (t) => {
  t.true(readFileSync(MAIN, 'utf8').startsWith('#!/usr/bin/env node\n'));
});
