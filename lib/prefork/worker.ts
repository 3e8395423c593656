/**
 * One prefork worker process: loads the application, listens on every bind
 * (the master owns the sockets under node:cluster), serves through the
 * gateway, and keeps the master informed — heartbeats with its RSS and
 * stats, the request in progress (for `--harakiri`), and a request to be
 * replaced once `--max-requests` or `--reload-on-rss` is reached. It keeps
 * serving until the master, having started its replacement, says stop.
 *
 * Signals (gunicorn's worker semantics): SIGTERM or the master's `stop`
 * drain and exit; SIGINT/SIGQUIT exit at once; SIGUSR1 reopens the logs;
 * SIGHUP, SIGTTIN and SIGTTOU are the master's and ignored here. When the
 * master dies, node:cluster exits the worker (the IPC channel closes).
 *
 * An application that fails to load is reported to the master with its
 * stack, and the worker exits with status 4 (gunicorn's APP_LOAD_ERROR).
 */
import { defaultGatewayOptions } from '../gateway/index.js';
import { UsageError } from '../cli/parse-args.js';
import { openLogFile, withPid } from './log-file.js';
import type { LogFile } from './log-file.js';
import { isMasterMessage } from './messages.js';
import type { WorkerMessage } from './messages.js';
import { parseBind, formatBind } from './parse-bind.js';
import type { Bind } from './parse-bind.js';
import { makeUwsgiServer } from '../uwsgi/uwsgi-server.js';
import type { UwsgiServer } from '../uwsgi/uwsgi-server.js';
import { requestWatch } from './request-watch.js';
import type { ServeOptions } from './serve-options.js';
import { createServerLog } from './server-log.js';
import { buildWorkerApp } from './worker-app.js';
import { WorkerHttpServer } from './worker-http-server.js';
import { statsMiddleware, WorkerStats } from './worker-stats.js';

/** What the master passes each worker (as JSON in the `TSGI_WORKER` environment variable). */
export interface WorkerConfig {
  readonly options: ServeOptions;
  readonly cwd: string;
  /** The worker's slot, 1..N. */
  readonly id: number;
  readonly heartbeatMs: number;
}

/** The exit status of a worker whose application failed to load. */
export const APP_LOAD_ERROR = 4;

const MIB = 1024 * 1024;

/** How long a closed worker waits for the master's tsgi:closed-ack before exiting anyway. */
const CLOSED_ACK_WAIT_MS = 2_000;

function send(message: WorkerMessage, then?: () => void): void {
  if (process.send === undefined || !process.connected) {
    then?.();
    return;
  }
  process.send(message, undefined, {}, () => then?.());
}

/** Runs the worker; never returns while serving (the process exits when done). */
export async function runWorker(config: WorkerConfig): Promise<void> {
  const { options, id } = config;
  const pid = process.pid;
  const startedAt = Date.now();
  // '-' is stderr for the error log, stdout for the access log (gunicorn's convention).
  const errorFile = openLogFile(options.errorLog === '-' ? 'stderr' : options.errorLog);
  const accessFile: LogFile | undefined = options.accessLog === undefined ? undefined : openLogFile(options.accessLog);
  const log = createServerLog(errorFile, pid);

  let app;
  try {
    app = await buildWorkerApp(options, config.cwd, { accessLog: accessFile, pid });
  } catch (error) {
    const usage = error instanceof UsageError;
    const text = usage ? (error as Error).message : `${(error as Error)?.stack ?? String(error)}`;
    send({ type: 'tsgi:boot-error', text, usage }, () => process.exit(APP_LOAD_ERROR));
    return;
  }

  const stats = new WorkerStats();
  let served = 0;
  let retiring = false;
  const quota = options.maxRequests === 0 ? 0 : options.maxRequests + Math.floor(Math.random() * (options.maxRequestsJitter + 1));
  const retire = (reason: string): void => {
    if (retiring) return;
    retiring = true;
    log.info(`Worker ${id} (pid ${pid}) asks to be replaced: ${reason}.`);
    send({ type: 'tsgi:retire', reason });
  };
  const watched = requestWatch({
    started: (request, oldest) => {
      if (options.harakiri > 0 && oldest === request) send({ type: 'tsgi:current', request });
    },
    ended: (request, elapsedMs, oldest) => {
      served += 1;
      if (options.harakiri > 0) send({ type: 'tsgi:current', request: oldest });
      if (options.logSlow > 0 && elapsedMs >= options.logSlow) {
        log.warning(`Slow request: ${request.method} ${JSON.stringify(request.uri).slice(1, -1)} took ${elapsedMs} ms (--log-slow ${options.logSlow}).`);
      }
      if (quota > 0 && served >= quota) retire(`served ${served} requests (--max-requests ${options.maxRequests})`);
      if (options.reloadOnRss > 0) {
        const rss = process.memoryUsage.rss();
        if (rss > options.reloadOnRss * MIB) retire(`RSS ${(rss / MIB).toFixed(1)} MiB over --reload-on-rss ${options.reloadOnRss}`);
      }
    },
  });
  app = statsMiddleware(stats)(watched(app));

  const errors = withPid(errorFile, pid);
  const gateway = defaultGatewayOptions({ errors, multiprocess: true, multithread: false });
  const http = new WorkerHttpServer(app, {
    gateway,
    limits: options,
    requestTimeout: options.requestTimeout * 1000,
    headersTimeout: options.headersTimeout * 1000,
    keepAliveTimeout: options.keepAlive * 1000,
    maxHeaderSize: options.maxHeaderSize,
  });
  const uwsgiServers: UwsgiServer[] = [];
  const listen = async (bind: Bind): Promise<string> => {
    if (options.protocol === 'http') return http.listen(bind, options.backlog);
    const address = bind.kind === 'unix' ? { path: bind.path } : { host: bind.host === '' ? '0.0.0.0' : bind.host, port: bind.port };
    const server = await makeUwsgiServer(address, app, { errors, log: false, multiprocess: true, headersTimeout: options.headersTimeout * 1000 });
    uwsgiServers.push(server);
    return 'path' in server ? `uwsgi:unix:${server.path}` : `uwsgi://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
  };
  const server = { close: () => Promise.all([http.close(), ...uwsgiServers.map((s) => s.close())]) };

  const addresses: string[] = [];
  for (const text of options.bind) {
    const bind = parseBind(text);
    try {
      addresses.push(await listen(bind));
    } catch (error) {
      const text = `tsgi serve: cannot listen on ${formatBind(bind)}: ${(error as Error).message}. Pick another --bind.`;
      send({ type: 'tsgi:boot-error', text, usage: false }, () => process.exit(APP_LOAD_ERROR));
      return;
    }
  }

  let stopping = false;
  const exit = (): void => {
    errorFile.close();
    accessFile?.close();
    process.exit(0);
  };
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => {
      // Connections the master handed over after the close are sent back only while this
      // process lives: exit once the master confirms it read the close (tsgi:closed-ack).
      if (!process.connected) return exit();
      setTimeout(exit, CLOSED_ACK_WAIT_MS).unref();
      send({ type: 'tsgi:closed' });
    });
  };
  const reopen = (): void => {
    errorFile.reopen();
    accessFile?.reopen();
  };
  process.on('message', (message: unknown) => {
    if (!isMasterMessage(message)) return;
    if (message.type === 'tsgi:stop') stop();
    else if (message.type === 'tsgi:closed-ack') exit();
    else reopen();
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => process.exit(0));
  process.on('SIGQUIT', () => process.exit(0));
  process.on('SIGUSR1', reopen);
  for (const ignored of ['SIGHUP', 'SIGTTIN', 'SIGTTOU'] as const) process.on(ignored, () => undefined);

  const beat = (): void =>
    send({
      type: 'tsgi:heartbeat',
      rssBytes: process.memoryUsage.rss(),
      stats: stats.snapshot({ id, pid, state: stopping ? 'draining' : 'ready', startedAt, respawns: 0, rssBytes: process.memoryUsage.rss() }),
    });
  setInterval(beat, config.heartbeatMs).unref();
  send({ type: 'tsgi:ready', addresses });
}
