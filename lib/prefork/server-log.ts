/**
 * The prefork server's error log: what the master and the workers say about
 * themselves (booting, recycling, harakiri, crashes), one line each, in
 * gunicorn's layout so log tooling that reads gunicorn reads tsgi:
 *
 *     [2026-11-24 19:40:01 +0100] [4242] [INFO] Booting worker 1 (pid 4242)
 *
 * The pid is the process writing the line (the master's for supervision
 * messages); applications' tracebacks (`tsgi.errors`) go to the same file
 * through `withPid()`.
 *
 * @example
 * const log = createServerLog(openLogFile('-'));
 * log.info('Listening at http://127.0.0.1:8000');
 */
import type { LogFile } from './log-file.js';

export type LogLevel = 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

export interface ServerLog {
  readonly file: LogFile;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  critical(message: string): void;
}

/** A log writing leveled lines for process `pid` to `file`. */
export function createServerLog(file: LogFile, pid: number = process.pid, now: () => number = Date.now): ServerLog {
  const line = (level: LogLevel, message: string): void => {
    // A message of several lines (a stack) keeps its lines together, under one prefix.
    file.write(`[${logTime(now())}] [${pid}] [${level}] ${message}\n`);
  };
  return {
    file,
    info: (message) => line('INFO', message),
    warning: (message) => line('WARNING', message),
    error: (message) => line('ERROR', message),
    critical: (message) => line('CRITICAL', message),
  };
}

/** `2026-11-24 19:40:01 +0100`, local time, as gunicorn's error log. */
export function logTime(ms: number): string {
  const date = new Date(ms);
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`
  );
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
