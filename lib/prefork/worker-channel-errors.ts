/**
 * Errors on the master's IPC channel to a worker. node:cluster re-emits
 * the child process's `'error'` events on the `Worker`, and an `'error'`
 * event nobody listens to is thrown: a message sent to a worker that has
 * just died (the channel still looked open, the write then failed with
 * `EPIPE`, or node found it closed on the next tick) would crash the
 * master, and with it the whole server. The worker's `'exit'` event follows
 * such an error and is handled there, so these two are expected and quiet;
 * anything else is logged.
 */
import type { EventEmitter } from 'node:events';
import type { ServerLog } from './server-log.js';

const EXITING_WORKER_CODES = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED']);

/** Handles the `'error'` events of `worker` (a cluster Worker), `name` being how the log calls it. */
export function watchChannelErrors(worker: EventEmitter, name: () => string, log: Pick<ServerLog, 'warning'>): void {
  worker.on('error', (error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && EXITING_WORKER_CODES.has(code)) return;
    log.warning(`${name()}: error on its IPC channel: ${(error as Error | null)?.stack ?? String(error)}`);
  });
}
