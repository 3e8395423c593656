/**
 * The production server's log destinations (`--access-log`, `--error-log`):
 * `'-'` is stdout, `'stderr'` is stderr, anything else a file path opened
 * for appending (created when missing), so several processes can share one
 * file: every write is one `write(2)` of whole lines, appended atomically.
 *
 * `reopen()` is for log rotation (SIGUSR1, as gunicorn and nginx): logrotate
 * renames the file, the server reopens the same path — the renamed file keeps
 * the lines written so far, new lines go to a new file. If the path cannot be
 * opened again, the old file is kept and the failure reported.
 *
 * Writes are buffered for one turn of the event loop, then written with one
 * system call (a busy worker logs many lines per turn), and flushed when the
 * process exits. A log that fails never fails the caller: the error is
 * reported once on stderr and the lines are lost until a reopen succeeds.
 * Opening a path that cannot be opened throws at once (configuration is
 * checked at start).
 *
 * A log file is an `ErrorStream`, so it can be the gateway's `errors` and
 * an `accessLog({ stream })`. `withPid(log, pid)` prefixes each line with
 * `[pid] `, so lines from different workers in one file can be told apart.
 *
 * @example
 * const access = openLogFile('/var/log/tsgi/access.log');
 * process.on('SIGUSR1', () => access.reopen());
 * const app = accessLog({ stream: withPid(access, process.pid) })(site);
 */
import { Buffer } from 'node:buffer';
import { closeSync, openSync, writeSync } from 'node:fs';
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import type { ErrorStream } from '../protocol/types.js';

/** Where log text goes. `write` takes text with its own `\n` line ends. */
export interface LogFile extends ErrorStream {
  /** The target as given: `'-'`, `'stderr'` or the path. */
  readonly target: string;
  /** Closes and opens the path again (after rotation); nothing for stdout/stderr. */
  reopen(): void;
  /** Writes what is buffered and closes the file; later writes are dropped. Never closes stdout/stderr. */
  close(): void;
}

/** Past this many buffered characters, write at once instead of waiting for the next turn. */
const FLUSH_AT = 64 * 1024;

/** Opens `'-'` (stdout), `'stderr'`, or a file path in append mode. Throws when the file cannot be opened. */
export function openLogFile(target: string): LogFile {
  if (typeof target !== 'string' || target === '') {
    throw new ImproperlyConfigured(`A log target must be '-' (stdout), 'stderr' or a file path; got ${describeValue(target)}.`);
  }
  if (target === '-' || target === 'stderr') return standardStream(target);
  return new AppendFile(target, openPath(target));
}

/** `log`, with `[pid] ` at the start of every line it is given. */
export function withPid<T extends { write(text: string): unknown }>(log: T, pid: number): ErrorStream {
  const prefix = `[${pid}] `;
  let atLineStart = true;
  const write = (text: string): void => {
    if (text === '') return;
    // Prefix after each \n except a final one, whose line has not started yet.
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    const prefixed = `${atLineStart ? prefix : ''}${body.replaceAll('\n', `\n${prefix}`)}${body === text ? '' : '\n'}`;
    atLineStart = text.endsWith('\n');
    log.write(prefixed);
  };
  return {
    write,
    writelines: (lines) => {
      for (const line of lines) write(line);
    },
    flush: () => (log as Partial<ErrorStream>).flush?.(),
  };
}

function openPath(path: string): number {
  try {
    return openSync(path, 'a');
  } catch (error) {
    throw new ImproperlyConfigured(
      `The log file ${describeValue(path)} cannot be opened for appending: ${(error as Error).message}. ` +
        'Check that its directory exists and is writable, or log to - (stdout).',
      { cause: error },
    );
  }
}

class AppendFile implements LogFile {
  readonly target: string;
  #fd: number | null;
  #pending: string[] = [];
  #pendingLength = 0;
  #scheduled = false;
  #reported = false;
  readonly #flushOnExit = (): void => this.flush();

  constructor(target: string, fd: number) {
    this.target = target;
    this.#fd = fd;
    process.on('exit', this.#flushOnExit);
  }

  write(text: string): void {
    if (this.#fd === null || text === '') return;
    this.#pending.push(text);
    this.#pendingLength += text.length;
    if (this.#pendingLength >= FLUSH_AT) return this.flush();
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.flush();
      });
    }
  }

  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }

  flush(): void {
    if (this.#fd === null || this.#pending.length === 0) return;
    const data = Buffer.from(this.#pending.join(''), 'utf8');
    this.#pending = [];
    this.#pendingLength = 0;
    try {
      // writeSync may write less than asked (a full disk, a signal): finish or fail.
      for (let offset = 0; offset < data.length; ) offset += writeSync(this.#fd, data, offset);
    } catch (error) {
      this.#report(`tsgi: cannot write to the log file ${this.target}: ${(error as Error).message}. Lines are lost until it is reopened (SIGUSR1). Reported once.\n`);
    }
  }

  reopen(): void {
    if (this.#fd === null) return;
    // Lines written before the rotation belong in the old file.
    this.flush();
    let fd: number;
    try {
      fd = openSync(this.target, 'a');
    } catch (error) {
      this.#report(`tsgi: cannot reopen the log file ${this.target}: ${(error as Error).message}. Still writing to the file opened before.\n`);
      return;
    }
    closeQuietly(this.#fd);
    this.#fd = fd;
    this.#reported = false;
  }

  close(): void {
    if (this.#fd === null) return;
    this.flush();
    closeQuietly(this.#fd);
    this.#fd = null;
    process.removeListener('exit', this.#flushOnExit);
  }

  #report(message: string): void {
    if (this.#reported) return;
    this.#reported = true;
    try {
      process.stderr.write(message);
    } catch {
      // stderr itself is gone: nowhere left to say it.
    }
  }
}

/** Streams already given an 'error' listener (one each, however many logs share them). */
const guarded = new WeakSet<NodeJS.WriteStream>();

function standardStream(target: '-' | 'stderr'): LogFile {
  const stream = target === '-' ? process.stdout : process.stderr;
  const name = target === '-' ? 'stdout' : 'stderr';
  let reported = false;
  const report = (error: unknown): void => {
    if (reported) return;
    reported = true;
    try {
      process.stderr.write(`tsgi: cannot write to ${name}: ${(error as Error).message}. Lines are lost. Reported once.\n`);
    } catch {
      // stderr itself is gone: nowhere left to say it.
    }
  };
  // A closed pipe (EPIPE) arrives as an 'error' event, which would kill the process unheard.
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', report);
  }
  const write = (text: string): void => {
    try {
      stream.write(text);
    } catch (error) {
      report(error);
    }
  };
  return {
    target,
    write,
    writelines: (lines) => {
      for (const line of lines) write(line);
    },
    flush: () => undefined,
    reopen: () => undefined,
    close: () => undefined,
  };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or never valid: nothing to release.
  }
}
