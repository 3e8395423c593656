/**
 * The master's signals, as gunicorn's arbiter reads them:
 *
 * | signal          | effect                                                        |
 * |-----------------|---------------------------------------------------------------|
 * | SIGTERM         | graceful stop: stop accepting, finish in-flight, exit         |
 * | SIGINT, SIGQUIT | quick stop (also during a graceful one)                       |
 * | SIGHUP          | graceful reload: new workers up before the old ones drain     |
 * | SIGTTIN/SIGTTOU | one worker more / less                                        |
 * | SIGUSR1         | reopen the log files (after logrotate)                        |
 *
 * @example
 * const release = handleMasterSignals(master);
 * await master.run();
 * release();
 */
import type { Master } from './master.js';

/** Installs the handlers; returns a function removing them. */
export function handleMasterSignals(master: Master): () => void {
  const handlers: Array<[NodeJS.Signals, () => void]> = [
    ['SIGTERM', () => master.stop(true)],
    ['SIGINT', () => master.stop(false)],
    ['SIGQUIT', () => master.stop(false)],
    ['SIGHUP', () => master.reload()],
    ['SIGTTIN', () => master.resize(1)],
    ['SIGTTOU', () => master.resize(-1)],
    ['SIGUSR1', () => master.reopenLogs()],
  ];
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
