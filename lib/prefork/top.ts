/**
 * `tsgi top`: a terminal view of the stats server (`tsgi serve --stats`),
 * as uwsgitop is for uWSGI. One row per worker — slot, pid, state, requests,
 * 2xx/4xx/5xx, mean and peak response time, RSS, respawns, and the oldest
 * request in progress with its age — under a header with the totals, the
 * master's pid, its uptime and the listen queue.
 *
 * `renderTop(snapshot, { width })` is pure: the frame as text, every line
 * cut to `width`. Request targets come from clients, so control characters
 * and non-ASCII bytes are shown as `\xHH`: a crafted URL cannot send
 * escape sequences to the operator's terminal.
 *
 * `runTop({ url })` polls the URL, clears the screen and redraws every
 * `intervalMs` until SIGINT (Ctrl-C) or `signal`; with `once` it prints one
 * frame, without escape codes, for scripts and tests. If the first poll
 * fails it rejects with a message saying what to check; a server lost later
 * is reported on screen while polling goes on.
 *
 * @example
 * await runTop({ url: 'http://127.0.0.1:1717/' });           // refreshes until Ctrl-C
 * await runTop({ url: 'http://127.0.0.1:1717/', once: true }); // one frame to stdout
 */
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured, TsgiError } from '../protocol/errors.js';
import type { StatsSnapshot, WorkerStatsSnapshot } from './worker-stats.js';

export interface RenderTopOptions {
  /** Terminal columns: longer lines are cut. @default 80 */
  width?: number;
}

/** Where frames go: a stream with `write`, and `columns` when it is a terminal. */
export interface TopOutput {
  write(text: string): unknown;
  readonly columns?: number;
}

export interface RunTopOptions {
  /** The stats server, e.g. `http://127.0.0.1:1717/`. */
  url: string;
  /** Between polls. @default 1000 */
  intervalMs?: number;
  /** @default process.stdout */
  out?: TopOutput;
  /** Print one frame (no screen clearing) and return. @default false */
  once?: boolean;
  /** Stops the refresh loop, as SIGINT does. */
  signal?: AbortSignal;
}

const CLEAR = '\x1b[H\x1b[2J';
/** The table's columns: title, width, and how a worker fills it (numbers right-aligned). */
const COLUMNS: ReadonlyArray<[title: string, width: number, cell: (worker: WorkerStatsSnapshot, now: number) => string | number]> = [
  ['WID', 4, (worker) => worker.id],
  ['PID', 8, (worker) => worker.pid],
  ['STATE', -8, (worker) => worker.state],
  ['REQS', 8, (worker) => worker.requests],
  ['2xx', 7, (worker) => count(worker, '2xx')],
  ['4xx', 6, (worker) => count(worker, '4xx')],
  ['5xx', 6, (worker) => count(worker, '5xx')],
  ['AVG ms', 8, (worker) => worker.avgResponseMs.toFixed(1)],
  ['PEAK ms', 8, (worker) => worker.peakResponseMs.toFixed(1)],
  ['RSS MiB', 8, (worker) => mib(worker.rssBytes)],
  ['RESP', 5, (worker) => worker.respawns],
  ['CURRENT', 0, (worker, now) => current(worker, now)],
];

/** One frame of `tsgi top`, lines joined by `\n`, each at most `width` long. */
export function renderTop(snapshot: StatsSnapshot, options: RenderTopOptions = {}): string {
  const width = Math.max(20, Math.floor(options.width ?? 80));
  const { workers } = snapshot;
  const sum = (pick: (worker: WorkerStatsSnapshot) => number): number => workers.reduce((total, worker) => total + pick(worker), 0);
  const states = (['ready', 'starting', 'draining'] as const)
    .map((state) => [state, workers.filter((worker) => worker.state === state).length] as const)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`);
  const queue = snapshot.listenQueue === null ? 'n/a' : String(snapshot.listenQueue);
  const lines = [
    `tsgi ${clean(snapshot.version)} | master pid ${snapshot.pid} | up ${duration(snapshot.now - snapshot.startedAt)} | listen queue ${queue}`,
    `workers ${workers.length}${states.length > 0 ? ` (${states.join(', ')})` : ''} | requests ${sum((w) => w.requests)}` +
      ` | 2xx ${sum((w) => count(w, '2xx'))} 4xx ${sum((w) => count(w, '4xx'))} 5xx ${sum((w) => count(w, '5xx'))}` +
      ` | in flight ${sum((w) => w.inFlight ?? (w.current === null ? 0 : 1))} | RSS ${mib(sum((w) => w.rssBytes))} MiB`,
    '',
    COLUMNS.map(([title, size]) => cell(title, size)).join(' '),
    ...workers.map((worker) => COLUMNS.map(([, size, fill]) => cell(fill(worker, snapshot.now), size)).join(' ')),
  ];
  return lines.map((line) => line.slice(0, width).trimEnd()).join('\n');
}

/** The method, the target and how long it has been running; `-` when idle. */
function current(worker: WorkerStatsSnapshot, now: number): string {
  if (worker.current === null) return '-';
  const { method, uri, startedAt } = worker.current;
  return `${clean(method)} ${clean(uri)} (${duration(now - startedAt)})`;
}

function count(worker: WorkerStatsSnapshot, key: string): number {
  return worker.statusCounts[key] ?? 0;
}

/** A positive size right-aligns, a negative one left-aligns, 0 leaves the text as it is. */
function cell(value: number | string, size: number): string {
  return size >= 0 ? String(value).padStart(size) : String(value).padEnd(-size);
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** `850ms`, `3.2s`, `2m05s`, `1h02m`, `3d04h`: short enough for a column. */
export function duration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 1000) return `${Math.round(value)}ms`;
  if (value < 60_000) return `${(Math.floor(value / 100) / 10).toFixed(1)}s`;
  const seconds = Math.floor(value / 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${two(seconds % 60)}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h${two(Math.floor(seconds / 60) % 60)}m`;
  return `${Math.floor(seconds / 86_400)}d${two(Math.floor(seconds / 3600) % 24)}h`;
}

/** Anything outside printable ASCII as `\xHH` (byte strings hold one byte per code unit). */
function clean(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

// --- Polling ----------------------------------------------------------------

/** Polls and draws until SIGINT or `signal` (or once); see the module doc. */
export async function runTop(options: RunTopOptions): Promise<void> {
  const { url, intervalMs = 1000, out = process.stdout, once = false, signal } = options;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImproperlyConfigured(`tsgi top needs the stats server's URL, such as http://127.0.0.1:1717/; got ${describeValue(url)}.`);
  }
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new ImproperlyConfigured(`tsgi top interval must be a positive number of milliseconds; got ${describeValue(intervalMs)}.`);
  }
  const first = await fetchSnapshot(parsed, intervalMs);
  const width = (): number => out.columns ?? 80;
  if (once) {
    out.write(`${renderTop(first, { width: width() })}\n`);
    return;
  }

  const stop = new AbortController();
  const onSigint = (): void => stop.abort();
  process.once('SIGINT', onSigint);
  signal?.addEventListener('abort', onSigint, { once: true });
  try {
    let frame = renderTop(first, { width: width() });
    while (!stop.signal.aborted && signal?.aborted !== true) {
      out.write(`${CLEAR}${frame}\n`);
      await sleep(intervalMs, stop.signal);
      if (stop.signal.aborted) break;
      try {
        frame = renderTop(await fetchSnapshot(parsed, intervalMs), { width: width() });
      } catch (error) {
        frame = `${(error as Error).message}\nRetrying every ${duration(intervalMs)}; Ctrl-C to quit.`;
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    signal?.removeEventListener('abort', onSigint);
  }
}

async function fetchSnapshot(url: URL, intervalMs: number): Promise<StatsSnapshot> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(Math.max(2000, 2 * intervalMs)) });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const reason = String(cause?.code ?? cause?.message ?? (error as Error).message);
    throw new TsgiError(
      `tsgi top cannot reach the stats server at ${url.href} (${reason}): is tsgi serve running with --stats ${url.host}?`,
      { cause: error },
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw new TsgiError(`The stats server at ${url.href} answered ${response.status}: ${text.trim() || response.statusText}`);
  }
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(text);
  } catch {
    snapshot = undefined;
  }
  if (!Array.isArray((snapshot as Partial<StatsSnapshot> | undefined)?.workers)) {
    throw new TsgiError(
      `${url.href} is not a tsgi stats server: it answered ${describeValue(text)}. Give tsgi top the address of tsgi serve --stats.`,
    );
  }
  return snapshot as StatsSnapshot;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
