/**
 * The stats server behind `tsgi serve --stats HOST:PORT`: a tiny node:http
 * server in the master answering `GET /` (and `GET /stats`) with the current
 * `StatsSnapshot` as JSON — uWSGI's stats server, over HTTP so `curl` and
 * `tsgi top` read it alike. It never serves applications and never fails
 * the master: an error while taking the snapshot is a 500 with its message.
 *
 * Bind it to loopback (or a private address): the snapshot shows request
 * targets in progress, which may carry tokens in query strings.
 *
 * `readListenQueue(port)` gives the snapshot's `listenQueue`: on Linux the
 * kernel shows, in /proc/net/tcp and tcp6, how many connections on a
 * listening socket wait to be accepted (`rx_queue` of the LISTEN row).
 * A growing queue means every worker is busy. Elsewhere, and for unix
 * sockets, it is `null`.
 *
 * @example
 * const stats = await createStatsServer({ host: '127.0.0.1', port: 1717 }, () => master.statsSnapshot());
 * console.log(`stats at ${stats.url}`); // http://127.0.0.1:1717/
 * // curl -s http://127.0.0.1:1717/ | jq '.workers[].requests'
 * await stats.close();
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import type { StatsSnapshot } from './worker-stats.js';

export interface StatsServerOptions {
  /** The address to listen on; keep it private (see above). */
  host: string;
  /** The TCP port; `0` picks a free one (see `url`). */
  port: number;
}

/** A running stats server. */
export interface StatsServer {
  /** Where it answers, with the port actually bound: `http://127.0.0.1:1717/`. */
  readonly url: string;
  /** Stops listening and drops open connections (keep-alive clients included). */
  close(): Promise<void>;
}

const PATHS = new Set(['/', '/stats']);

/** Starts the stats server; resolves once it listens, rejects when it cannot. */
export async function createStatsServer(
  options: StatsServerOptions,
  getSnapshot: () => StatsSnapshot | Promise<StatsSnapshot>,
): Promise<StatsServer> {
  checkOptions(options, getSnapshot);
  const server = createServer((request, response) => void answer(request, response, getSnapshot));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new ImproperlyConfigured(
          `The stats server cannot listen on ${hostPort(options.host, options.port)}: ${(error as Error).message}. ` +
            'Pick another --stats address.',
          { cause: error },
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${hostPort(options.host, port)}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  getSnapshot: () => StatsSnapshot | Promise<StatsSnapshot>,
): Promise<void> {
  const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
  if (!PATHS.has(path)) return send(response, 404, 'text/plain; charset=utf-8', `No stats at ${path}: ask for / or /stats.\n`);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return send(response, 405, 'text/plain; charset=utf-8', `The stats server only answers GET; got ${request.method}.\n`);
  }
  let json: string;
  try {
    json = JSON.stringify(await getSnapshot());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return send(response, 500, 'text/plain; charset=utf-8', `The stats snapshot failed: ${message}\n`);
  }
  send(response, 200, 'application/json', `${json}\n`);
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    // Numbers change every moment: a cached snapshot would lie.
    'Cache-Control': 'no-store',
  });
  response.end(body);
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function checkOptions(options: StatsServerOptions, getSnapshot: unknown): void {
  if (typeof options?.host !== 'string' || options.host === '') {
    throw new ImproperlyConfigured(`createStatsServer() host must be an address such as '127.0.0.1'; got ${describeValue(options?.host)}.`);
  }
  const { port } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ImproperlyConfigured(`createStatsServer() port must be an integer from 0 to 65535; got ${describeValue(port)}.`);
  }
  if (typeof getSnapshot !== 'function') {
    throw new TypeError(`createStatsServer() needs a function returning the StatsSnapshot; got ${describeValue(getSnapshot)}.`);
  }
}

// --- The listen queue ------------------------------------------------------

/** TCP_LISTEN in the `st` column of /proc/net/tcp (include/net/tcp_states.h). */
const LISTEN = '0A';

/**
 * Connections waiting in the accept queue of the listening TCP sockets on
 * `port` (every address, IPv4 and IPv6, summed), or `null` when unknown: not
 * Linux, no /proc, or no socket listening on that port.
 */
export function readListenQueue(port: number, files: readonly string[] = ['/proc/net/tcp', '/proc/net/tcp6']): number | null {
  let total: number | null = null;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    const queued = parseListenQueue(text, port);
    if (queued !== null) total = (total ?? 0) + queued;
  }
  return total;
}

/**
 * The same, from the text of one /proc/net/tcp-style table. For a LISTEN
 * row the kernel puts the accept queue's length in `rx_queue` (and its limit,
 * the backlog, in `tx_queue`); the port is the hex after the last `:` of
 * `local_address`.
 */
export function parseListenQueue(text: string, port: number): number | null {
  let total: number | null = null;
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [, local, , state, queues] = fields;
    if (local === undefined || state !== LISTEN || queues === undefined) continue;
    if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) !== port) continue;
    const rx = Number.parseInt(queues.slice(queues.indexOf(':') + 1), 16);
    if (Number.isNaN(rx)) continue;
    total = (total ?? 0) + rx;
  }
  return total;
}
