/**
 * What a prefork worker counts about the requests it serves, and the shapes
 * of the stats the master publishes (`--stats`, read by `tsgi top`): uWSGI's
 * stats server, trimmed to what an operator looks at — requests, status
 * classes, response times, memory, respawns and the request in progress.
 *
 * `WorkerStats` is a plain accumulator with an injected clock (pure, no I/O);
 * `statsMiddleware(stats)` feeds it: the worker wraps its application with
 * it, outermost, so a request counts from the call until the server closes
 * its body (PEP 3333: `close()` is called however the request ends), with
 * the status the application gave (500 when it failed before sending
 * anything). The master adds what only it knows (pid, state, respawns, RSS)
 * when it asks for a `snapshot()`.
 *
 * A worker serves many requests at once (one event loop), so `current` is
 * the oldest request still in progress — the one a `--harakiri` limit would
 * hit first — and `inFlight` says how many there are.
 *
 * @example
 * const stats = new WorkerStats();
 * const app = statsMiddleware(stats)(site);
 * // …later, answering the master:
 * process.send?.({ stats: stats.snapshot({ id: 1, pid: process.pid, state: 'ready', startedAt, respawns: 0, rssBytes: process.memoryUsage.rss() }) });
 */
import { isBody, observeBody } from '../protocol/observe-body.js';
import { describeValue } from '../protocol/describe-value.js';
import type { Application, Body, Environ, Middleware, StartResponse } from '../protocol/types.js';

/** The request a worker is busy with. */
export interface CurrentRequest {
  method: string;
  /** The request target as received (`REQUEST_URI`): a byte string, never escaped. */
  uri: string;
  /** When it arrived, in ms since the epoch. */
  startedAt: number;
}

/** One worker, as the stats server shows it. Times are ms since the epoch. */
export interface WorkerStatsSnapshot {
  /** The worker's slot, 1…N; a replacement keeps the slot of the worker it replaces. */
  id: number;
  pid: number;
  state: 'starting' | 'ready' | 'draining';
  startedAt: number;
  /** Requests finished by this process (a replacement starts from 0). */
  requests: number;
  /**
   * Finished requests by status: the classes `'1xx'`…`'5xx'` (always
   * present) and each exact code seen (`'200'`, `'404'`). A code is counted in
   * both, so sum the classes, not every key. A request that ended before any
   * status was sent (the client left first) is in `requests` only.
   */
  statusCounts: Record<string, number>;
  /** The mean response time over `requests` (0 before the first). */
  avgResponseMs: number;
  /** The slowest response so far. */
  peakResponseMs: number;
  rssBytes: number;
  /** How many times this slot's worker was replaced. */
  respawns: number;
  /** The oldest request in progress, or null when idle. */
  current: CurrentRequest | null;
  /** Requests in progress (absent when the worker has not reported yet). */
  inFlight?: number;
}

/** What `--stats` serves: the master and its workers. */
export interface StatsSnapshot {
  /** tsgi's version. */
  version: string;
  /** The master's pid. */
  pid: number;
  startedAt: number;
  /** When the snapshot was taken: ages and uptime are relative to it. */
  now: number;
  /** Connections waiting to be accepted (Linux TCP; null where unknown, see readListenQueue). */
  listenQueue: number | null;
  workers: WorkerStatsSnapshot[];
}

/** What the master knows about a worker, merged into its snapshot. */
export type WorkerBase = Pick<WorkerStatsSnapshot, 'id' | 'pid' | 'state' | 'startedAt' | 'respawns' | 'rssBytes'>;

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** The counters of one worker process. Not thread-safe, and needs not be: one event loop. */
export class WorkerStats {
  #requests = 0;
  #totalMs = 0;
  #peakMs = 0;
  #statusCounts: Record<string, number> = Object.fromEntries(STATUS_CLASSES.map((name) => [name, 0]));
  // In arrival order, so the first is the oldest (what `current` shows).
  #inFlight = new Set<CurrentRequest>();

  /** Records a request's arrival; returns its record, to pass to `requestFinished`. */
  requestStarted(method: string, uri: string, now: number): CurrentRequest {
    const request: CurrentRequest = { method, uri, startedAt: now };
    this.#inFlight.add(request);
    return request;
  }

  /**
   * Records a request's end with the status it was answered with (`0`: none was
   * sent). `request` is what `requestStarted` returned; without it, the
   * oldest request in progress is the one that ended.
   */
  requestFinished(status: number, now: number, request?: CurrentRequest): void {
    const finished = request ?? this.#inFlight.values().next().value;
    if (finished === undefined || !this.#inFlight.delete(finished)) return;
    // A clock that stepped back (NTP) must not make a negative duration.
    const elapsed = Math.max(0, now - finished.startedAt);
    this.#requests += 1;
    this.#totalMs += elapsed;
    if (elapsed > this.#peakMs) this.#peakMs = elapsed;
    if (status >= 100 && status <= 599) {
      const name = `${Math.floor(status / 100)}xx`;
      this.#statusCounts[name] = (this.#statusCounts[name] ?? 0) + 1;
      this.#statusCounts[String(status)] = (this.#statusCounts[String(status)] ?? 0) + 1;
    }
  }

  /** Requests finished so far (what `--max-requests` compares against). */
  get requests(): number {
    return this.#requests;
  }

  /** The worker's numbers, completed with what the master knows. A copy: later requests do not change it. */
  snapshot(base: WorkerBase): WorkerStatsSnapshot {
    const oldest = this.#inFlight.values().next().value;
    return {
      id: base.id,
      pid: base.pid,
      state: base.state,
      startedAt: base.startedAt,
      requests: this.#requests,
      statusCounts: { ...this.#statusCounts },
      avgResponseMs: this.#requests === 0 ? 0 : this.#totalMs / this.#requests,
      peakResponseMs: this.#peakMs,
      rssBytes: base.rssBytes,
      respawns: base.respawns,
      current: oldest === undefined ? null : { ...oldest },
      inFlight: this.#inFlight.size,
    };
  }
}

/**
 * A middleware counting every request into `stats`: started when the
 * application is called, finished when the server closes the body. The
 * status is the last one given to `startResponse`, `500` when the
 * application failed before anything was sent (the gateway answers that),
 * and `0` when nothing was sent at all. Outermost in the worker's stack, so
 * the time covers every layer.
 */
export function statsMiddleware(stats: WorkerStats, now: () => number = Date.now): Middleware {
  if (!(stats instanceof WorkerStats)) {
    throw new TypeError(`statsMiddleware() needs a WorkerStats to count into; got ${describeValue(stats)}. Pass new WorkerStats().`);
  }
  return function statsCounted(app: Application): Application {
    return async function countedApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const request = stats.requestStarted(environ.REQUEST_METHOD, requestUri(environ), now());
      let status = 0;
      let sentBytes = false;
      let failed = false;
      const finish = (): void => {
        // Failed before a byte went out: the gateway answers 500 in its place.
        const answered = failed && !sentBytes ? 500 : status;
        stats.requestFinished(answered, now(), request);
      };
      const recording: StartResponse = (statusLine, headers, excInfo) => {
        const write = startResponse(statusLine, headers, excInfo);
        // After the call, so a refused second call (headers already sent) changes nothing.
        status = Number.parseInt(statusLine, 10) || 0;
        return (chunk) => {
          if (chunk.length > 0) sentBytes = true;
          return write(chunk);
        };
      };
      let body: Body;
      try {
        body = await app(environ, recording);
      } catch (error) {
        failed = true;
        finish();
        throw error;
      }
      if (!isBody(body)) {
        // The gateway reports the bad value and answers 500; there is no close() to wait for.
        failed = true;
        finish();
        return body;
      }
      return observeBody(body, {
        chunk: (chunk) => void (sentBytes ||= chunk.length > 0),
        error: () => void (failed = true),
        closed: finish,
      });
    };
  };
}

/** The target as the client sent it; rebuilt from the CGI variables when the server gave none. */
function requestUri(environ: Environ): string {
  if (typeof environ.REQUEST_URI === 'string') return environ.REQUEST_URI;
  const query = environ.QUERY_STRING ? `?${environ.QUERY_STRING}` : '';
  return `${environ.SCRIPT_NAME}${environ.PATH_INFO}${query}`;
}
