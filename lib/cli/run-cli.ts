/**
 * What `tsgi` does with its arguments. Returns the exit status instead of
 * exiting, so the commands that end by themselves run in-process in tests.
 *
 * - `tsgi serve`: the prefork production server (prefork/serve.ts).
 * - `tsgi dev`: the single-process development server.
 * - `tsgi top`: a refreshing view of a server's `--stats`.
 */
import { ImproperlyConfigured } from '../protocol/errors.js';
import { loadConfigFile } from '../prefork/config-file.js';
import { servePrefork } from '../prefork/serve.js';
import { resolveServeOptions } from '../prefork/serve-options.js';
import type { OptionLayer } from '../prefork/serve-options.js';
import { runTop } from '../prefork/top.js';
import { parseMount, trustedPeers } from '../prefork/worker-app.js';
import { demoApp } from '../server/demo-app.js';
import { makeServer } from '../server/make-server.js';
import { VERSION } from '../version.js';
import { loadApplication, locateModule } from './load-app.js';
import { parseCommandLine, splitTarget, USAGE, UsageError } from './parse-args.js';
import type { CliCommand } from './parse-args.js';

/** Where the CLI talks to and from. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
}

/** Exit statuses: 2 is the Unix convention for bad usage. */
const OK = 0;
const FAILED = 1;
const BAD_USAGE = 2;

/** Runs the command line `argv` (without `node` and the script); resolves with the exit status. */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() },
): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    switch (command.command) {
      case 'help':
        io.stdout.write(USAGE);
        return OK;
      case 'version':
        io.stdout.write(`${VERSION}\n`);
        return OK;
      case 'dev':
        return await runDev(command, io);
      case 'top':
        await runTop({ url: command.url, once: command.once, intervalMs: command.intervalMs, out: io.stdout });
        return OK;
      case 'serve':
        return await runServe(command, io);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ImproperlyConfigured) {
      io.stderr.write(`${error.message}\n`);
      return BAD_USAGE;
    }
    if ((error as { code?: unknown }).code === 'EADDRINUSE' || (error as { code?: unknown }).code === 'EACCES') {
      io.stderr.write(`tsgi dev: ${(error as Error).message}. Pick another --port or --host.\n`);
      return FAILED;
    }
    io.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    return FAILED;
  }
}

/** `tsgi serve`: options from the config file then the flags, checked here, before any process starts. */
async function runServe(command: Extract<CliCommand, { command: 'serve' }>, io: CliIo): Promise<number> {
  const layers: OptionLayer[] = [];
  const file = await loadConfigFile(command.config, io.cwd);
  if (file !== undefined) layers.push(file);
  layers.push({ values: command.flags, source: 'command line' });
  const options = resolveServeOptions(...layers);
  // Mistakes a worker would only find after forking: report them once, now.
  const targets = options.mount.map((text) => parseMount(text));
  if (options.app !== undefined) targets.push({ prefix: '/', ...splitTarget(options.app) });
  for (const target of targets) locateModule(target.module, io.cwd);
  trustedPeers(options.forwardedAllowIps);
  return servePrefork(options, io.cwd);
}

/** `tsgi dev`: the development server, one process. */
async function runDev(command: Extract<CliCommand, { command: 'dev' }>, io: CliIo): Promise<number> {
  const app = command.module === undefined ? demoApp : await loadApplication(command.module, command.exportName, io.cwd);
  const server = await makeServer(command.host, command.port, app);
  io.stdout.write(`Serving HTTP on ${server.host} port ${server.port} ...\n`);
  // The first Ctrl-C (or SIGTERM) closes gracefully; the listener is a
  // `once`, so a second Ctrl-C gets node's default: exit at once.
  const stop = (signal: NodeJS.Signals): void => {
    io.stderr.write(`\n${signal}: closing; requests in flight may finish (Ctrl-C again to quit now).\n`);
    void server.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.serveForever();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return OK;
}
