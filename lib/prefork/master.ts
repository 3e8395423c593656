/**
 * The prefork master (gunicorn's arbiter, uWSGI's master): forks workers
 * with node:cluster, owns the listening sockets (cluster's round-robin), and
 * supervises — replacing crashed workers with exponential back-off, killing
 * stuck ones (`--harakiri`, `--timeout`, `--evil-reload-on-rss`), recycling
 * the ones that ask (`--max-requests`, `--reload-on-rss`) by starting the
 * replacement first, and reloading, growing, shrinking and stopping on
 * command (see master-signals.ts for the signals). It never touches a client
 * connection.
 *
 * Capacity never drops on purpose: a worker due for replacement is marked
 * *retiring*, keeps serving, and is told to drain only when a new worker is
 * listening. A reload (SIGHUP) retires every worker at once.
 *
 * An application that fails to load stops the server (exit status 1)
 * instead of being respawned forever — unless it happens during a reload,
 * when the old workers simply keep serving.
 *
 * @example
 * const master = new Master(options, process.cwd(), log);
 * const status = await master.run();
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import { Backoff } from './backoff.js';
import { isWorkerMessage } from './messages.js';
import type { WorkerMessage } from './messages.js';
import type { ServeOptions } from './serve-options.js';
import type { ServerLog } from './server-log.js';
import { readListenQueue } from './stats-server.js';
import { judgeWorker } from './watchdog.js';
import type { WatchLimits } from './watchdog.js';
import { APP_LOAD_ERROR } from './worker.js';
import { watchChannelErrors } from './worker-channel-errors.js';
import type { WorkerConfig } from './worker.js';
import { WorkerStats } from './worker-stats.js';
import type { CurrentRequest, StatsSnapshot, WorkerStatsSnapshot } from './worker-stats.js';

/** How long the master waits for the report of a worker that exited with APP_LOAD_ERROR. */
const BOOT_REPORT_WAIT_MS = 1_000;

interface WorkerRecord {
  readonly id: number;
  readonly worker: Worker;
  readonly pid: number;
  readonly startedAt: number;
  lastHeartbeat: number;
  state: 'starting' | 'ready' | 'draining';
  /** Due for replacement: serving still, no longer counted. */
  retiring: boolean;
  current: CurrentRequest | null;
  rssBytes: number;
  stats: WorkerStatsSnapshot | null;
  /** Why the master killed it, or why its exit is expected. */
  ending: string | undefined;
  /** Its `tsgi:boot-error` report arrived. */
  bootReported?: boolean;
}

/** When one worker has to be killed after the graceful time; the quick stop's limit. */
const QUICK_STOP_MS = 2000;
/** The heartbeat silence a worker still loading its application is allowed, at least. */
const BOOT_ALLOWANCE_MS = 30_000;
const MIB = 1024 * 1024;

export class Master {
  readonly #options: ServeOptions;
  readonly #cwd: string;
  readonly #log: ServerLog;
  readonly #records = new Map<number, WorkerRecord>();
  readonly #respawns = new Map<number, number>();
  readonly #backoff = new Backoff();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #announced = new Set<string>();
  readonly #heartbeatMs: number;
  readonly #limits: WatchLimits;
  readonly startedAt = Date.now();
  #target: number;
  #pending = 0;
  #everReady = false;
  #stopping = false;
  #exitStatus = 0;
  #finish: (status: number) => void = () => undefined;

  constructor(options: ServeOptions, cwd: string, log: ServerLog) {
    this.#options = options;
    this.#cwd = cwd;
    this.#log = log;
    this.#target = options.workers;
    this.#limits = { harakiriMs: options.harakiri * 1000, timeoutMs: options.timeout * 1000, evilRssBytes: options.evilReloadOnRss * MIB };
    const watched = [options.harakiri, options.timeout].filter((s) => s > 0);
    this.#heartbeatMs = Math.min(1000, Math.max(100, Math.floor((Math.min(...watched, 4) * 1000) / 4)));
  }

  /** Starts the workers; resolves with the exit status once the server has stopped. */
  run(): Promise<number> {
    cluster.setupPrimary({ exec: fileURLToPath(new URL('./worker-main.js', import.meta.url)), args: [] });
    const done = new Promise<number>((resolve) => (this.#finish = resolve));
    this.#log.info(`Starting tsgi ${VERSION} (master pid ${process.pid}), ${this.#target} worker(s)`);
    this.#every(this.#heartbeatMs, () => this.#watch());
    this.#manage();
    return done;
  }

  /** SIGTERM (graceful: workers finish in-flight requests) or SIGINT/SIGQUIT (quick). */
  stop(graceful: boolean): void {
    if (this.#stopping && graceful) return;
    this.#stopping = true;
    this.#clearTimers();
    this.#log.info(graceful ? 'Stopping gracefully: workers finish their requests.' : 'Stopping now.');
    for (const record of this.#records.values()) {
      if (graceful) this.#drain(record, 'stop');
      else this.#kill(record, 'SIGQUIT', 'stop');
    }
    const limit = graceful ? this.#options.gracefulTimeout * 1000 : QUICK_STOP_MS;
    this.#after(limit, () => {
      for (const record of this.#records.values()) this.#kill(record, 'SIGKILL', 'stop');
    });
    this.#maybeFinished();
  }

  /** SIGHUP: new workers start (loading the application afresh); each old one drains once one is up. */
  reload(): void {
    if (this.#stopping) return;
    this.#log.info(`Reloading: starting ${this.#target} new worker(s); the old ones drain once they are up.`);
    for (const record of this.#records.values()) if (record.state !== 'draining') record.retiring = true;
    this.#manage();
  }

  /** SIGTTIN / SIGTTOU: one worker more or less (never fewer than one). */
  resize(delta: 1 | -1): void {
    if (this.#stopping || this.#target + delta < 1) return;
    this.#target += delta;
    this.#log.info(`Workers: ${this.#target}.`);
    this.#manage();
  }

  /** SIGUSR1: the master reopens its log, and tells each worker to reopen theirs. */
  reopenLogs(): void {
    this.#log.file.reopen();
    for (const record of this.#records.values()) this.#send(record, { type: 'tsgi:reopen-logs' });
  }

  /** What `--stats` serves. */
  statsSnapshot(): StatsSnapshot {
    const now = Date.now();
    const port = [...this.#announced].map((url) => /^http:\/\/.*:(\d+)$/.exec(url)?.[1]).find((p) => p !== undefined);
    const workers = [...this.#records.values()].map((record) => {
      const base = {
        id: record.id,
        pid: record.pid,
        state: record.state,
        startedAt: record.startedAt,
        respawns: this.#respawns.get(record.id) ?? 0,
        rssBytes: record.rssBytes,
      };
      const counted = record.stats ?? new WorkerStats().snapshot(base);
      return { ...counted, ...base, current: record.current ?? counted.current };
    });
    return {
      version: VERSION,
      pid: process.pid,
      startedAt: this.startedAt,
      now,
      listenQueue: port === undefined ? null : readListenQueue(Number(port)),
      workers: workers.sort((a, b) => a.id - b.id || a.startedAt - b.startedAt),
    };
  }

  /** Starts workers up to the target, and drains the extra ones (oldest first). */
  #manage(): void {
    if (this.#stopping) return;
    const active = [...this.#records.values()].filter((r) => !r.retiring && r.state !== 'draining');
    for (let count = active.length + this.#pending; count < this.#target; count += 1) this.#spawn();
    const extra = active.length + this.#pending - this.#target;
    // Fewer workers: the ones still starting go first (the newest), then the oldest serving ones (gunicorn).
    const starting = (r: WorkerRecord): boolean => r.state === 'starting';
    const order = (a: WorkerRecord, b: WorkerRecord): number =>
      starting(a) !== starting(b) ? (starting(a) ? -1 : 1) : starting(a) ? b.startedAt - a.startedAt : a.startedAt - b.startedAt;
    for (const record of active.sort(order).slice(0, Math.max(0, extra))) this.#drain(record, 'fewer workers');
  }

  #spawn(): void {
    const inUse = new Set([...this.#records.values()].filter((r) => !r.retiring && r.state !== 'draining').map((r) => r.id));
    let id = 1;
    while (inUse.has(id)) id += 1;
    if (this.#respawns.has(id)) this.#respawns.set(id, (this.#respawns.get(id) ?? 0) + 1);
    else this.#respawns.set(id, 0);
    const config: WorkerConfig = { options: this.#options, cwd: this.#cwd, id, heartbeatMs: this.#heartbeatMs };
    const worker = cluster.fork({ TSGI_WORKER: JSON.stringify(config) });
    const pid = worker.process.pid ?? 0;
    const now = Date.now();
    const record: WorkerRecord = {
      id, worker, pid, startedAt: now, lastHeartbeat: now, state: 'starting', retiring: false,
      current: null, rssBytes: 0, stats: null, ending: undefined,
    };
    this.#records.set(pid, record);
    this.#log.info(`Booting worker ${id} (pid ${pid})`);
    worker.on('message', (message: unknown) => {
      if (isWorkerMessage(message)) this.#onMessage(record, message);
    });
    worker.on('exit', (code: number | null, signal: string | null) => this.#onExit(record, code, signal));
    watchChannelErrors(worker, () => `Worker ${record.id} (pid ${record.pid})`, this.#log);
  }

  #onMessage(record: WorkerRecord, message: WorkerMessage): void {
    switch (message.type) {
      case 'tsgi:ready':
        record.state = 'ready';
        record.lastHeartbeat = Date.now();
        this.#everReady = true;
        for (const address of message.addresses) {
          if (this.#announced.has(address)) continue;
          this.#announced.add(address);
          this.#log.info(`Listening at ${address}`);
        }
        this.#log.info(`Worker ${record.id} (pid ${record.pid}) ready`);
        // A new worker is up: one retiring worker may now drain.
        if (this.#stopping) return this.#drain(record, 'stop');
        {
          const retiring = [...this.#records.values()].filter((r) => r.retiring && r.state !== 'draining');
          const oldest = retiring.sort((a, b) => a.startedAt - b.startedAt)[0];
          if (oldest !== undefined) this.#drain(oldest, 'replaced');
        }
        return;
      case 'tsgi:heartbeat':
        record.lastHeartbeat = Date.now();
        record.rssBytes = message.rssBytes;
        record.stats = message.stats;
        return;
      case 'tsgi:current':
        record.current = message.request;
        return;
      case 'tsgi:retire':
        if (record.retiring || record.state === 'draining' || this.#stopping) return;
        record.retiring = true;
        this.#manage();
        return;
      case 'tsgi:closed':
        this.#send(record, { type: 'tsgi:closed-ack' });
        return;
      case 'tsgi:boot-error':
        record.ending = 'boot-error';
        record.bootReported = true;
        return this.#onBootError(record, message.text, message.usage);
    }
  }

  #onBootError(record: WorkerRecord, text: string, usage: boolean): void {
    const retiring = [...this.#records.values()].filter((r) => r.retiring && r.state !== 'draining');
    if (retiring.length > 0 && !this.#stopping) {
      this.#log.error(`Worker ${record.id} (pid ${record.pid}) could not start; the reload is abandoned and the old workers keep serving:\n${text}`);
      for (const r of retiring) r.retiring = false;
      for (const r of this.#records.values()) if (r.state === 'starting') this.#kill(r, 'SIGKILL', 'boot-error');
      return;
    }
    if (this.#stopping) return;
    this.#log.critical(`Worker ${record.id} (pid ${record.pid}) could not start the application; stopping the server:\n${text}`);
    this.#exitStatus = usage ? 2 : 1;
    this.stop(false);
  }

  #onExit(record: WorkerRecord, code: number | null, signal: string | null): void {
    this.#records.delete(record.pid);
    const how = signal === null ? `with status ${code}` : `on ${signal}`;
    const lived = Date.now() - record.startedAt;
    if (code === APP_LOAD_ERROR && record.ending === undefined && record.state === 'starting') {
      // The worker sends its boot report and then exits, and node may deliver the exit
      // first. Taken for a crash, it would be replaced by another worker that cannot
      // load the application either: wait for the report instead.
      record.ending = 'boot-error';
      this.#after(BOOT_REPORT_WAIT_MS, () => {
        if (!record.bootReported) this.#onBootError(record, `It exited with status ${APP_LOAD_ERROR} before its report arrived.`, false);
      });
    }
    if (this.#stopping || record.ending === 'boot-error') {
      this.#maybeFinished();
      return;
    }
    if (record.ending !== undefined) {
      this.#log.info(`Worker ${record.id} (pid ${record.pid}) exited ${how} (${record.ending}).`);
      this.#manage();
      return;
    }
    if (!this.#everReady) {
      this.#log.critical(`Worker ${record.id} (pid ${record.pid}) exited ${how} before it was ready; stopping the server.`);
      this.#exitStatus = 1;
      this.stop(false);
      return;
    }
    if (record.retiring) {
      // Its replacement was already started.
      this.#log.error(`Worker ${record.id} (pid ${record.pid}) exited unexpectedly ${how} while being replaced.`);
      return;
    }
    const delay = this.#backoff.next(lived);
    this.#log.error(
      `Worker ${record.id} (pid ${record.pid}) exited unexpectedly ${how} after ${lived} ms; ` +
        `replacing it in ${delay} ms (crash ${this.#backoff.failures} in a row).`,
    );
    this.#pending += 1;
    this.#after(delay, () => {
      this.#pending -= 1;
      this.#manage();
    });
  }

  /** Kills the workers the watchdog condemns; samples RSS for --evil-reload-on-rss. */
  #watch(): void {
    const now = Date.now();
    for (const record of this.#records.values()) {
      if (this.#limits.evilRssBytes > 0) record.rssBytes = readRss(record.pid) ?? record.rssBytes;
      // Draining or already condemned: bounded by the graceful timeout instead.
      if (record.ending !== undefined) continue;
      // Loading an application can take longer than a short --timeout on a busy host: booting gets at least 30 s.
      const limits = record.state === 'starting' && this.#limits.timeoutMs > 0
        ? { ...this.#limits, timeoutMs: Math.max(this.#limits.timeoutMs, BOOT_ALLOWANCE_MS) }
        : this.#limits;
      const verdict = judgeWorker(record, limits, now);
      if (verdict === undefined) continue;
      this.#log.critical(verdict.message);
      this.#kill(record, 'SIGKILL', verdict.reason);
    }
  }

  #drain(record: WorkerRecord, why: string): void {
    if (record.state === 'draining') return;
    record.state = 'draining';
    record.ending = why;
    this.#send(record, { type: 'tsgi:stop' });
    if (this.#stopping) return;
    this.#after(this.#options.gracefulTimeout * 1000, () => {
      if (!this.#records.has(record.pid)) return;
      this.#log.warning(`Worker ${record.id} (pid ${record.pid}) still busy after --graceful-timeout ${this.#options.gracefulTimeout} s; killing it.`);
      this.#kill(record, 'SIGKILL', why);
    });
  }

  #kill(record: WorkerRecord, signal: NodeJS.Signals, why: string): void {
    // A worker that could not boot stays one: its exit must not be replaced.
    if (record.ending !== 'boot-error') record.ending = why;
    try {
      process.kill(record.pid, signal);
    } catch {
      // Already gone: its 'exit' event is on its way.
    }
  }

  #send(record: WorkerRecord, message: { type: string }): void {
    if (!record.worker.isConnected()) return;
    try {
      record.worker.send(message);
    } catch {
      // The channel closed in between: the worker is exiting.
    }
  }

  #maybeFinished(): void {
    if (!this.#stopping || this.#records.size > 0) return;
    this.#clearTimers();
    this.#log.info('Stopped.');
    this.#finish(this.#exitStatus);
  }

  #after(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, ms);
    this.#timers.add(timer);
  }

  #every(ms: number, action: () => void): void {
    this.#timers.add(setInterval(action, ms));
  }

  #clearTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** A process's resident set size from /proc (Linux), or `undefined`. */
function readRss(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}
