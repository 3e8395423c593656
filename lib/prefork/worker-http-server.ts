/**
 * The HTTP front-end of a prefork worker: one node:http server per bind,
 * the development server's pieces (`toGatewayRequest`, `NodeSink`,
 * `ClientErrorResponder`) and the gateway, plus what production adds —
 * listening on unix sockets with a backlog, gunicorn's request limits, and
 * a `close()` that drains: stop accepting, close idle keep-alive
 * connections, let requests in flight finish with `Connection: close`.
 *
 * Under node:cluster the `listen()` here is answered by the master, which
 * owns the listening socket and hands connections to workers round-robin;
 * that is what lets a new worker take over before an old one drains.
 *
 * @example
 * const server = new WorkerHttpServer(app, options);
 * const url = await server.listen(parseBind('127.0.0.1:8000'), 2048);
 * process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { runGateway } from '../gateway/index.js';
import type { GatewayOptions } from '../gateway/types.js';
import type { Application } from '../protocol/types.js';
import { ClientErrorResponder } from '../server/client-error.js';
import { toGatewayRequest } from '../server/node-request.js';
import type { LocalAddress } from '../server/node-request.js';
import { NodeSink } from '../server/node-sink.js';
import type { SinkServerState } from '../server/node-sink.js';
import type { Bind } from './parse-bind.js';
import { checkRequestLimits, nodeMaxHeadersCount } from './request-limits.js';
import type { RequestLimits } from './request-limits.js';

export interface WorkerHttpOptions {
  readonly gateway: GatewayOptions;
  readonly limits: RequestLimits;
  /** node:http timeouts and sizes, in ms and bytes. */
  readonly requestTimeout: number;
  readonly headersTimeout: number;
  readonly keepAliveTimeout: number;
  readonly maxHeaderSize: number;
}

/** A worker's HTTP servers, one per bind. */
export class WorkerHttpServer {
  readonly #app: Application;
  readonly #options: WorkerHttpOptions;
  readonly #servers: Server[] = [];
  readonly #clientErrors = new ClientErrorResponder();
  readonly #state: SinkServerState & { closing: boolean } = {
    closing: false,
    endedWhileClosing: (res) => this.#closeWhenFinished(res),
  };
  #closing: Promise<void> | undefined;

  constructor(app: Application, options: WorkerHttpOptions) {
    this.#app = app;
    this.#options = options;
  }

  /** Listens on `bind`; resolves with its URL (`http://127.0.0.1:8000`, `unix:/run/x.sock`). */
  listen(bind: Bind, backlog: number): Promise<string> {
    const options = this.#options;
    const server = createServer({
      requestTimeout: options.requestTimeout,
      headersTimeout: options.headersTimeout,
      keepAliveTimeout: options.keepAliveTimeout,
      maxHeaderSize: options.maxHeaderSize,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(options.headersTimeout / 4) || 1000)),
    });
    server.maxHeadersCount = nodeMaxHeadersCount(options.limits);
    this.#servers.push(server);
    let local: LocalAddress = { serverName: '', serverPort: 0 };
    // Handling 'checkContinue' stops node from answering `100 Continue` itself: the gateway does.
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#serve(req, res, local, false));
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.#serve(req, res, local, true));
    server.on('clientError', this.#clientErrors.handle);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      const ready = (): void => {
        server.off('error', reject);
        server.on('error', (error: Error) => options.gateway.errors.write(`tsgi worker: server error: ${error.stack ?? error}\n`));
        if (bind.kind === 'unix') {
          local = { serverName: hostname(), serverPort: 0 };
          resolve(`unix:${bind.path}`);
          return;
        }
        const address = server.address() as AddressInfo;
        const wildcard = bind.host === '' || address.address === '0.0.0.0' || address.address === '::';
        local = { serverName: wildcard ? hostname() : bind.host, serverPort: address.port };
        resolve(`http://${urlHost(address)}:${address.port}`);
      };
      if (bind.kind === 'unix') server.listen({ path: bind.path, backlog }, ready);
      else server.listen(bind.host === '' ? { port: bind.port, backlog } : { host: bind.host, port: bind.port, backlog }, ready);
    });
  }

  /** Stops accepting and resolves once every connection is closed. Idempotent. */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#state.closing = true;
      this.#closing = Promise.all(
        this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      ).then(() => undefined);
      this.#clientErrors.destroyAll();
    }
    return this.#closing;
  }

  /** Drops every connection at once (after the graceful time ran out). */
  closeAllConnections(): void {
    for (const server of this.#servers) server.closeAllConnections();
  }

  #serve(req: IncomingMessage, res: ServerResponse, local: LocalAddress, expectsContinue: boolean): void {
    const refusal = checkRequestLimits(req.method ?? '', req.url ?? '', req.httpVersion, req.rawHeaders, this.#options.limits);
    if (refusal !== undefined) {
      res.shouldKeepAlive = false;
      res.writeHead(Number.parseInt(refusal.status, 10), refusal.status.slice(4), [
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Content-Length', String(Buffer.byteLength(refusal.body))],
      ]);
      res.end(refusal.body);
      return;
    }
    const sink = new NodeSink(res, this.#state, expectsContinue);
    void runGateway(this.#app, toGatewayRequest(req, local), sink, this.#options.gateway);
  }

  /** A response that ended while closing leaves an idle connection, which may now go. */
  #closeWhenFinished(res: ServerResponse): void {
    const closeIdle = (): void => {
      for (const server of this.#servers) server.closeIdleConnections();
    };
    if (res.writableFinished) setImmediate(closeIdle);
    else res.once('close', () => setImmediate(closeIdle));
  }
}

/** The host part of a URL: loopback for a wildcard address, brackets for IPv6. */
function urlHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}
