/**
 * What `tsgi` does with its arguments. Returns the exit status instead of
 * exiting, so it can run in-process in tests.
 */
import { demoApp } from '../server/demo-app.js';
import { makeServer } from '../server/make-server.js';
import { VERSION } from '../version.js';
import { loadApplication } from './load-app.js';
import { parseCommandLine, USAGE, UsageError } from './parse-args.js';

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
      case 'serve': {
        const app =
          command.module === undefined ? demoApp : await loadApplication(command.module, command.exportName, io.cwd);
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
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n`);
      return BAD_USAGE;
    }
    if ((error as { code?: unknown }).code === 'EADDRINUSE' || (error as { code?: unknown }).code === 'EACCES') {
      io.stderr.write(`tsgi serve: ${(error as Error).message}. Pick another --port or --host.\n`);
      return FAILED;
    }
    io.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    return FAILED;
  }
}
