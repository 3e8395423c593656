/**
 * `tsgi serve`: the prefork production server from resolved options — opens
 * the error log, removes stale unix sockets, starts the stats server when
 * asked, runs the master under its signals, and cleans up.
 *
 * @example
 * const status = await servePrefork(resolveServeOptions({ app: './site.js', workers: 4 }, 'command line'), process.cwd());
 * process.exitCode = status;
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { openLogFile } from './log-file.js';
import { Master } from './master.js';
import { handleMasterSignals } from './master-signals.js';
import { parseBind } from './parse-bind.js';
import type { ServeOptions } from './serve-options.js';
import { createServerLog } from './server-log.js';
import { createStatsServer } from './stats-server.js';
import type { StatsServer } from './stats-server.js';

/** Runs the server until it stops; resolves with the exit status (0, or 1/2 when it could not start). */
export async function servePrefork(options: ServeOptions, cwd: string): Promise<number> {
  // Relative paths mean the same in every worker, whatever they do with process.chdir.
  const absolute: ServeOptions = {
    ...options,
    bind: options.bind.map((text) => (text.startsWith('unix:') ? `unix:${resolve(cwd, text.slice(5))}` : text)),
    errorLog: options.errorLog === '-' ? '-' : resolve(cwd, options.errorLog),
    accessLog: options.accessLog === undefined || options.accessLog === '-' ? options.accessLog : resolve(cwd, options.accessLog),
  };
  const binds = absolute.bind.map(parseBind);
  const errorFile = openLogFile(absolute.errorLog === '-' ? 'stderr' : absolute.errorLog);
  // Checked now, in the master, rather than in every worker.
  if (absolute.accessLog !== undefined) openLogFile(absolute.accessLog).close();
  const log = createServerLog(errorFile);
  for (const bind of binds) if (bind.kind === 'unix') removeStaleSocket(bind.path);

  const master = new Master(absolute, cwd, log);
  let stats: StatsServer | undefined;
  if (absolute.stats !== undefined) {
    const colon = absolute.stats.lastIndexOf(':');
    const host = absolute.stats.slice(0, colon).replace(/^\[|\]$/g, '') || '127.0.0.1';
    stats = await createStatsServer({ host, port: Number(absolute.stats.slice(colon + 1)) }, () => master.statsSnapshot());
    log.info(`Stats at ${stats.url}`);
  }
  const release = handleMasterSignals(master);
  try {
    return await master.run();
  } finally {
    release();
    await stats?.close();
    errorFile.close();
  }
}

/** A socket file left by a server that died: gunicorn removes it too before binding. */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // No such file: nothing to remove. Anything else, listen() will report.
  }
}
