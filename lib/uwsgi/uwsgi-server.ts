/**
 * The uwsgi protocol server: what nginx's `uwsgi_pass` talks to. A
 * `net.Server` on TCP or a unix socket; each connection carries one request
 * (a uwsgi packet, then the body) and gets back a raw HTTP response. The
 * gateway runs the application; this file only wires sockets to it.
 *
 * Never expose a uwsgi socket to the internet (uWSGI's advice too): the
 * protocol trusts its peer for every CGI variable, REMOTE_ADDR included.
 * Bind to loopback or a unix socket, and let nginx face the clients.
 *
 * Unix sockets: a socket file left by a server that died is removed and the
 * bind retried — but only when the path is a socket and nothing accepts
 * connections on it. Any other file there, or a live server, is an error.
 * `close()` removes the socket file.
 *
 * @example
 * const server = await makeUwsgiServer({ host: '127.0.0.1', port: 3031 }, app);
 * // nginx: location / { include uwsgi_params; uwsgi_pass 127.0.0.1:3031; }
 * process.on('SIGTERM', () => void server.close());
 */
import { lstat, unlink } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { hostname } from 'node:os';
import { defaultGatewayOptions } from '../gateway/default-options.js';
import type { GatewayOptions } from '../gateway/types.js';
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import type { Application } from '../protocol/types.js';
import { serveConnection } from './uwsgi-connection.js';
import type { ConnectionContext } from './uwsgi-connection.js';
import { resolveUwsgiServerOptions } from './uwsgi-server-options.js';
import type { UwsgiServerOptions } from './uwsgi-server-options.js';

/** Where a uwsgi server listens (or a client connects): TCP host and port, or a unix socket path. */
export type UwsgiAddress = { host: string; port: number } | { path: string };

/** A running uwsgi server: its address (the bound port when 0 was asked), the net.Server, and close(). */
export type UwsgiServer = UwsgiAddress & {
  /** The node:net server underneath. */
  readonly server: Server;
  /**
   * Stops accepting, drops connections that have not sent a whole packet,
   * lets requests in flight finish, and resolves when every connection has
   * closed. Idempotent: later calls return the same promise.
   */
  close(): Promise<void>;
};

/**
 * Binds a uwsgi server and starts serving `app`. Resolves once listening.
 * @throws TypeError at once for a bad bind or app; ImproperlyConfigured for a bad option
 */
export async function makeUwsgiServer(bind: UwsgiAddress, app: Application, options?: UwsgiServerOptions): Promise<UwsgiServer> {
  checkBind(bind);
  if (typeof app !== 'function') {
    throw new TypeError(`makeUwsgiServer() app must be a tsgi application, a function (environ, startResponse); got ${describeValue(app)}.`);
  }
  const resolved = resolveUwsgiServerOptions(options);
  const overrides: Partial<GatewayOptions> = { multiprocess: resolved.multiprocess };
  if (resolved.errors !== undefined) overrides.errors = resolved.errors;
  if (resolved.serverSoftware !== undefined) overrides.serverSoftware = resolved.serverSoftware;
  if (resolved.baseEnviron !== undefined) overrides.baseEnviron = resolved.baseEnviron;
  const gatewayOptions = defaultGatewayOptions(overrides);

  // allowHalfOpen: a response still goes out after a peer that half-closed; the sink decides what a FIN means.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true });
  await listen(server, bind);
  const address = server.address();
  const local = typeof address === 'string' || address === null ? { serverName: hostname(), serverPort: 0 } : localOf(address, bind);
  const context: ConnectionContext = {
    app,
    gatewayOptions,
    maxBlockSize: resolved.maxBlockSize,
    headersTimeout: resolved.headersTimeout,
    log: resolved.log,
    ...local,
  };
  /** Connections still waiting for their packet: dropped by close(). */
  const waiting = new Set<Socket>();
  let closing: Promise<void> | undefined;
  server.on('connection', (socket: Socket) => {
    if (closing !== undefined) {
      socket.destroy();
      return;
    }
    waiting.add(socket);
    void serveConnection(socket, context, () => waiting.delete(socket)).then(() => waiting.delete(socket));
  });
  // An accept() failure later (EMFILE) must not crash the process.
  server.on('error', (error: Error) => gatewayOptions.errors.write(`tsgi uwsgi server error: ${error.stack ?? error}\n`));

  const controls = {
    server,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of waiting) socket.destroy();
        waiting.clear();
      });
      return closing;
    },
  };
  if ('path' in bind) return { path: bind.path, ...controls };
  const info = address as AddressInfo;
  return { host: info.address, port: info.port, ...controls };
}

function checkBind(bind: unknown): asserts bind is UwsgiAddress {
  const value = bind as Partial<{ host: unknown; port: unknown; path: unknown }> | null;
  if (typeof value === 'object' && value !== null && 'path' in value) {
    if (typeof value.path === 'string' && value.path !== '') return;
  } else if (typeof value === 'object' && value !== null && typeof value.host === 'string') {
    const port = value.port;
    if (typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535) return;
  }
  throw new TypeError(
    `makeUwsgiServer() bind must be { host, port } (port 0 to 65535; 0 lets the system pick) or { path } for a unix socket; got ${describeValue(bind)}.`,
  );
}

/** Listens on `bind`, replacing a stale unix socket file once. */
async function listen(server: Server, bind: UwsgiAddress): Promise<void> {
  try {
    await listenOnce(server, bind);
  } catch (error) {
    if (!('path' in bind) || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (!(await isStaleSocket(bind.path))) {
      throw new ImproperlyConfigured(
        `makeUwsgiServer() cannot bind unix socket ${describeValue(bind.path)}: the path is in use by a live server or is not a socket. ` +
          'Stop that server, or choose another path.',
        { cause: error },
      );
    }
    await unlink(bind.path);
    await listenOnce(server, bind);
  }
}

function listenOnce(server: Server, bind: UwsgiAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if ('path' in bind) server.listen(bind.path, done);
    else if (bind.host === '') server.listen(bind.port, done);
    else server.listen(bind.port, bind.host, done);
  });
}

/** The path is a socket nobody accepts on: left behind by a server that died. */
async function isStaleSocket(path: string): Promise<boolean> {
  const stats = await lstat(path).catch(() => undefined);
  if (stats === undefined || !stats.isSocket()) return false;
  return new Promise((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** SERVER_NAME/SERVER_PORT for requests whose vars leave them out. */
function localOf(address: AddressInfo, bind: UwsgiAddress): { serverName: string; serverPort: number } {
  const wildcard = !('host' in bind) || bind.host === '' || address.address === '0.0.0.0' || address.address === '::';
  return { serverName: wildcard || !('host' in bind) ? hostname() : bind.host, serverPort: address.port };
}
