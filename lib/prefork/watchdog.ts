/**
 * The master's verdict on one worker at one instant: is it stuck in a
 * request past `--harakiri`, silent past `--timeout` (an event loop blocked
 * in synchronous code sends no heartbeat), or over `--evil-reload-on-rss`?
 * Node cannot interrupt synchronous JavaScript, so the master's only remedy
 * is to kill the process; this module only decides, and says why in words
 * an operator can act on (uWSGI's `HARAKIRI ON WORKER`, gunicorn's
 * `WORKER TIMEOUT`).
 *
 * Pure: the master passes the clock and what it knows.
 *
 * @example
 * const verdict = judgeWorker(worker, { harakiriMs: 30_000, timeoutMs: 30_000, evilRssBytes: 0 }, Date.now());
 * if (verdict !== undefined) { log(verdict.message); process.kill(worker.pid, 'SIGKILL'); }
 */
import { escapeLogItem } from '../../middleware/_internal/access-log-format.js';
import type { CurrentRequest } from './worker-stats.js';

/** What the master knows about a worker. Times in ms since the epoch. */
export interface WatchedWorker {
  readonly id: number;
  readonly pid: number;
  /** The last heartbeat, or when the worker was spawned. */
  readonly lastHeartbeat: number;
  /** The oldest request in progress, as the worker last reported it. */
  readonly current: CurrentRequest | null;
  /** The latest RSS sample, 0 when unknown. */
  readonly rssBytes: number;
}

/** The limits, each 0 when off. */
export interface WatchLimits {
  readonly harakiriMs: number;
  readonly timeoutMs: number;
  readonly evilRssBytes: number;
}

export interface Verdict {
  readonly reason: 'harakiri' | 'timeout' | 'evil-rss';
  /** One log line, without a line end. */
  readonly message: string;
}

const MIB = 1024 * 1024;

/** Why `worker` must be killed now, or `undefined` when it is fine. Harakiri first: it names the request. */
export function judgeWorker(worker: WatchedWorker, limits: WatchLimits, now: number): Verdict | undefined {
  const who = `worker ${worker.id} (pid ${worker.pid})`;
  const request = worker.current;
  if (limits.harakiriMs > 0 && request !== null && now - request.startedAt > limits.harakiriMs) {
    return {
      reason: 'harakiri',
      message:
        `HARAKIRI: ${who} spent ${seconds(now - request.startedAt)} in one request, over --harakiri ` +
        `${seconds(limits.harakiriMs)}: ${escapeLogItem(request.method)} ${escapeLogItem(request.uri)}. Killing it.`,
    };
  }
  if (limits.timeoutMs > 0 && now - worker.lastHeartbeat > limits.timeoutMs) {
    return {
      reason: 'timeout',
      message:
        `WORKER TIMEOUT: ${who} sent no heartbeat for ${seconds(now - worker.lastHeartbeat)}, over --timeout ` +
        `${seconds(limits.timeoutMs)} (its event loop is blocked). Killing it.`,
    };
  }
  if (limits.evilRssBytes > 0 && worker.rssBytes > limits.evilRssBytes) {
    return {
      reason: 'evil-rss',
      message:
        `EVIL RELOAD ON RSS: ${who} uses ${(worker.rssBytes / MIB).toFixed(1)} MiB, over --evil-reload-on-rss ` +
        `${(limits.evilRssBytes / MIB).toFixed(0)} MiB. Killing it.`,
    };
  }
  return undefined;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
