/**
 * Runs `tsgi serve` as a real process for the prefork tests: spawns
 * `node dist/lib/cli/main.js serve ...`, reads the bound port from the
 * error log's `Listening at` line, waits for log lines, and always kills
 * the master (and so its workers) in teardown.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';

export const MAIN = fileURLToPath(new URL('../../lib/cli/main.js', import.meta.url));
/** The fixture application, compiled. */
export const FIXTURE_APP = fileURLToPath(new URL('../fixtures/prefork/worker-app.js', import.meta.url));
export const LOAD_ERROR_APP = fileURLToPath(new URL('../fixtures/prefork/load-error.js', import.meta.url));
export const SILENT_LOAD_ERROR_APP = fileURLToPath(new URL('../fixtures/prefork/silent-load-error.js', import.meta.url));

/** How long a test waits for a log line before failing (generous: the machine is shared). */
const WAIT_MS = 20_000;

export interface ServeProcess {
  readonly child: ChildProcess;
  /** Everything written to stderr (the error log) so far. */
  stderr(): string;
  stdout(): string;
  /** Resolves with the match once stderr (from `from` on) matches `pattern`. */
  waitFor(pattern: RegExp, from?: number): Promise<RegExpExecArray>;
  /** The port of the first `Listening at http://...` line. */
  port(): Promise<number>;
  /** Resolves with the exit status (or signal name) when the master exits. */
  readonly exited: Promise<number | string>;
  signal(name: NodeJS.Signals): void;
}

/** Spawns `node NODE-ARGS tsgi serve ARGS`; the test's teardown kills it if it still runs. */
export function startServe(t: ExecutionContext, args: string[], options: { cwd?: string; nodeArgs?: string[] } = {}): ServeProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN, 'serve', ...args], {
    cwd: options.cwd ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  const watchers = new Set<() => void>();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const watcher of watchers) watcher();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const watcher of watchers) watcher();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? -1);
      for (const watcher of watchers) watcher();
    });
  });
  let alive = true;
  void exited.then(() => (alive = false));
  t.teardown(() => {
    // SIGKILL of the master closes the workers' IPC channel; node:cluster exits them.
    if (alive) child.kill('SIGKILL');
  });

  const waitFor = (pattern: RegExp, from = 0): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(stderr.slice(from));
        if (match !== null) {
          watchers.delete(check);
          clearTimeout(timer);
          resolve(match);
        } else if (!alive) {
          watchers.delete(check);
          clearTimeout(timer);
          reject(new Error(`tsgi serve exited before logging ${pattern}; stderr:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        watchers.delete(check);
        reject(new Error(`no ${pattern} within ${WAIT_MS} ms; stderr:\n${stderr}`));
      }, WAIT_MS);
      watchers.add(check);
      check();
    });

  return {
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    waitFor,
    port: async () => Number((await waitFor(/Listening at http:\/\/127\.0\.0\.1:(\d+)/))[1]),
    exited,
    signal: (name) => child.kill(name),
  };
}

export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One GET on a fresh connection. Rejects on a connection error (a failed request). */
export function get(
  port: number,
  path: string,
  options: { socketPath?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = options.socketPath === undefined ? { host: '127.0.0.1', port } : { socketPath: options.socketPath };
    const req = request({ ...target, path, agent: false, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    // node:cluster may hand a connection to a worker that is then killed (harakiri): such a
    // connection is never answered nor closed, so a request gives up after a while.
    req.setTimeout(options.timeoutMs ?? 20_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The pid a `/pid` request reports. */
export async function workerPid(port: number): Promise<number> {
  return Number((await get(port, '/pid')).body);
}

/**
 * The pid of a worker that answers, retrying requests that a stuck or dying
 * worker swallowed (node:cluster hands connections out in turn, to a blocked
 * worker too).
 */
export async function answeringWorkerPid(port: number): Promise<number> {
  return Number((await getRetrying(port, '/pid')).body);
}

/**
 * `get()`, sent again when no answer came: a connection node:cluster handed to
 * a worker that then died or was killed is never answered, and never reached
 * the application either.
 */
export async function getRetrying(port: number, path: string): Promise<Answer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await get(port, path, { timeoutMs: 2_000 });
    } catch (error) {
      if (attempt >= 10) throw error;
      await delay(100);
    }
  }
}

/** Keeps sending requests one after another until `stop()`; counts answers and failures. */
export function load(port: number, path = '/'): { stop(): Promise<{ ok: number; failed: string[]; pids: Set<string> }> } {
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const pids = new Set<string>();
  const loop = (async () => {
    while (running) {
      try {
        const answer = await get(port, path);
        if (answer.status === 200) {
          ok += 1;
          pids.add(answer.body.split(' ').at(-1) ?? '');
        } else failed.push(`status ${answer.status}`);
      } catch (error) {
        failed.push((error as Error).message);
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { ok, failed, pids };
    },
  };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
