/**
 * What the master and its workers say to each other over the cluster IPC
 * channel. Plain JSON objects with a `type`; each side checks what it gets
 * with the guards here rather than trusting the other process.
 */
import type { CurrentRequest, WorkerStatsSnapshot } from './worker-stats.js';

/** Worker -> master. */
export type WorkerMessage =
  /** The application loaded and every bind is listening; `addresses` as `http://127.0.0.1:8000`. */
  | { type: 'tsgi:ready'; addresses: string[] }
  /** The application failed to load (or a bind failed): the master stops instead of respawning. */
  | { type: 'tsgi:boot-error'; text: string; usage: boolean }
  /** Sent every heartbeat interval; its absence for `--timeout` means a blocked event loop. */
  | { type: 'tsgi:heartbeat'; rssBytes: number; stats: WorkerStatsSnapshot | null }
  /** The oldest request in progress changed (only with `--harakiri`): sent before the application runs. */
  | { type: 'tsgi:current'; request: CurrentRequest | null }
  /** The worker wants replacing (max-requests, reload-on-rss); it keeps serving until told to stop. */
  | { type: 'tsgi:retire'; reason: string }
  /**
   * The worker closed its servers and wants to exit. The master answers
   * `tsgi:closed-ack`; see that message for why the worker waits for it.
   */
  | { type: 'tsgi:closed' };

/** Master -> worker. */
export type MasterMessage =
  /** Stop accepting, finish in-flight requests, exit. */
  | { type: 'tsgi:stop' }
  /** Reopen log files (SIGUSR1). */
  | { type: 'tsgi:reopen-logs' }
  /**
   * The answer to `tsgi:closed`. node:cluster's master may still be handing
   * connections to a worker that has closed its servers (until it reads the
   * worker's close); the worker sends them back, but only while it lives. IPC
   * keeps order, so once this answer arrives every connection sent before it
   * has been handed back, and the worker may exit without losing one.
   */
  | { type: 'tsgi:closed-ack' };

const WORKER_TYPES = new Set(['tsgi:ready', 'tsgi:boot-error', 'tsgi:heartbeat', 'tsgi:current', 'tsgi:retire', 'tsgi:closed']);
const MASTER_TYPES = new Set(['tsgi:stop', 'tsgi:reopen-logs', 'tsgi:closed-ack']);

/** True for a message a tsgi worker sends (anything else on the channel is the application's own). */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return typeof value === 'object' && value !== null && WORKER_TYPES.has((value as { type?: unknown }).type as string);
}

/** True for a message the tsgi master sends. */
export function isMasterMessage(value: unknown): value is MasterMessage {
  return typeof value === 'object' && value !== null && MASTER_TYPES.has((value as { type?: unknown }).type as string);
}
