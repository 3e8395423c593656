/**
 * The development server: tsgi's `wsgiref.simple_server`. node:http (llhttp)
 * parses, the gateway runs the application; this file only wires the two
 * together, adds the access log, and manages the server's lifetime.
 *
 * It is meant for development and tests: one process, no supervision. In
 * production, at least put it behind a reverse proxy that buffers slow clients.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { defaultGatewayOptions, runGateway } from '../gateway/index.js';
import type { GatewayOptions } from '../gateway/types.js';
import { describeValue } from '../protocol/describe-value.js';
import type { Application } from '../protocol/types.js';
import { accessLogLine } from './access-log.js';
import { ClientErrorResponder } from './client-error.js';
import { toGatewayRequest } from './node-request.js';
import type { LocalAddress } from './node-request.js';
import { NodeSink } from './node-sink.js';
import type { SinkServerState } from './node-sink.js';
import { resolveServerOptions } from './server-options.js';
import type { ResolvedServerOptions, ServerOptions } from './server-options.js';

/** A running development server. */
export interface TsgiServer {
  /** The address the server is bound to, e.g. `127.0.0.1` or `::`. */
  readonly host: string;
  /** The bound port: the one picked by the system when `makeServer()` got `0`. */
  readonly port: number;
  /** A URL clients can use, e.g. `http://127.0.0.1:8000/` (loopback for a wildcard host). */
  readonly url: string;
  /** The node:http server underneath, for what this interface does not cover. */
  readonly httpServer: Server;
  /**
   * Serves every request (the default after `makeServer()`), releasing any
   * held by `handleRequest()` mode. Resolves when the server has closed.
   */
  serveForever(): Promise<void>;
  /**
   * Serves exactly one request and resolves once it has been answered. From
   * the first call on, requests no call is waiting for are held, parsed but
   * not dispatched, until the next `handleRequest()` or `serveForever()`.
   * Resolves at once when the server is closed.
   */
  handleRequest(): Promise<void>;
  /**
   * Stops accepting connections, closes idle keep-alive connections, lets
   * requests in flight finish (their responses carry `Connection: close`),
   * answers held requests `503`, and resolves when every connection is
   * closed. Idempotent: later calls return the same promise.
   */
  close(): Promise<void>;
}

/** A request parsed by node and not yet given to the application. */
interface PendingRequest {
  req: IncomingMessage;
  res: ServerResponse;
  expectsContinue: boolean;
}

/**
 * Binds a development server on `host`:`port` and starts serving `app`.
 * `host` `''` binds every interface; `port` `0` lets the system pick one.
 * Resolves once the server is listening.
 *
 * @throws TypeError/RangeError at once for a bad argument, ImproperlyConfigured for a bad option.
 * @example
 * const server = await makeServer('127.0.0.1', 8000, demoApp);
 * console.log(`Serving HTTP on ${server.host} port ${server.port} ...`);
 * await server.serveForever();
 */
export function makeServer(
  host: string,
  port: number,
  app: Application,
  options?: ServerOptions,
): Promise<TsgiServer> {
  if (typeof host !== 'string') {
    throw new TypeError(
      `makeServer() host must be a string; got ${describeValue(host)}. Pass '127.0.0.1', 'localhost', or '' for every interface.`,
    );
  }
  if (typeof port !== 'number' || !Number.isInteger(port)) {
    throw new TypeError(`makeServer() port must be an integer; got ${describeValue(port)}. Pass 0 to let the system pick one.`);
  }
  if (port < 0 || port > 65535) {
    throw new RangeError(`makeServer() port must be from 0 to 65535; got ${port}. Pass 0 to let the system pick one.`);
  }
  if (typeof app !== 'function') {
    throw new TypeError(
      `makeServer() app must be a tsgi application, a function (environ, startResponse); got ${describeValue(app)}.`,
    );
  }
  const server = new DevServer(app, resolveServerOptions(options));
  return server.listen(host, port);
}

class DevServer implements TsgiServer {
  readonly httpServer: Server;
  host = '';
  port = 0;
  url = '';

  readonly #app: Application;
  readonly #log: ((line: string) => void) | false;
  readonly #gatewayOptions: GatewayOptions;
  readonly #clientErrors = new ClientErrorResponder();
  /** Shared with every NodeSink: read when a head goes out and when a response ends. */
  readonly #state: SinkServerState & { closing: boolean } = {
    closing: false,
    endedWhileClosing: (res) => this.#closeWhenFinished(res),
  };
  #local: LocalAddress = { serverName: '', serverPort: 0 };
  /** True once handleRequest() was called: requests then wait for a call. */
  #oneAtATime = false;
  readonly #held: PendingRequest[] = [];
  readonly #waiting: Array<() => void> = [];
  #closing: Promise<void> | undefined;
  readonly #closed: Promise<void>;

  constructor(app: Application, options: ResolvedServerOptions) {
    this.#app = app;
    this.#log = options.log;
    const overrides: Partial<GatewayOptions> = { multiprocess: false, runOnce: false };
    if (options.errors !== undefined) overrides.errors = options.errors;
    if (options.serverSoftware !== undefined) overrides.serverSoftware = options.serverSoftware;
    if (options.baseEnviron !== undefined) overrides.baseEnviron = options.baseEnviron;
    this.#gatewayOptions = defaultGatewayOptions(overrides);

    this.httpServer = createServer({
      requestTimeout: options.requestTimeout,
      headersTimeout: options.headersTimeout,
      keepAliveTimeout: options.keepAliveTimeout,
      maxHeaderSize: options.maxHeaderSize,
      // Node checks the two timeouts only this often (30 s by default), which
      // would stretch a 10 s headersTimeout to 40 s.
      connectionsCheckingInterval: checkingInterval(options),
    });
    this.httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => this.#dispatch(req, res, false));
    // Handling 'checkContinue' stops node from sending `100 Continue` itself:
    // the gateway sends it when the application first reads tsgi.input.
    this.httpServer.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.#dispatch(req, res, true));
    this.httpServer.on('clientError', this.#clientErrors.handle);
    this.#closed = new Promise((resolve) => this.httpServer.once('close', () => resolve()));
  }

  listen(host: string, port: number): Promise<TsgiServer> {
    const httpServer = this.httpServer;
    return new Promise((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(host === '' ? { port } : { port, host }, () => {
        httpServer.off('error', reject);
        // An accept() failure later (EMFILE) must not crash the process.
        httpServer.on('error', (error: Error) => this.#gatewayOptions.errors.write(`tsgi server error: ${error.stack ?? error}\n`));
        const address = httpServer.address() as AddressInfo;
        this.host = address.address;
        this.port = address.port;
        this.url = `http://${urlHost(address)}:${address.port}/`;
        // SERVER_NAME for requests without a Host header, as wsgiref's getfqdn(host).
        const wildcard = host === '' || address.address === '0.0.0.0' || address.address === '::';
        this.#local = { serverName: wildcard ? hostname() : host, serverPort: address.port };
        resolve(this);
      });
    });
  }

  serveForever(): Promise<void> {
    this.#oneAtATime = false;
    for (const pending of this.#held.splice(0)) void this.#serve(pending.req, pending.res, pending.expectsContinue);
    return this.#closed;
  }

  handleRequest(): Promise<void> {
    if (this.#closing !== undefined) return Promise.resolve();
    this.#oneAtATime = true;
    const held = this.#held.shift();
    if (held !== undefined) return this.#serve(held.req, held.res, held.expectsContinue);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#state.closing = true;
      this.#closing = new Promise<void>((resolve) => {
        // Stops listening and (node >= 19) closes idle keep-alive connections.
        this.httpServer.close(() => resolve());
      });
      for (const resolveWaiting of this.#waiting.splice(0)) resolveWaiting();
      for (const { res } of this.#held.splice(0)) refuse(res);
      this.#clientErrors.destroyAll();
    }
    return this.#closing;
  }

  #dispatch(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void {
    const waiting = this.#waiting.shift();
    if (waiting !== undefined) {
      void this.#serve(req, res, expectsContinue).then(waiting);
    } else if (this.#oneAtATime) {
      this.#held.push({ req, res, expectsContinue });
    } else {
      void this.#serve(req, res, expectsContinue);
    }
  }

  /**
   * Runs the application for one request; resolves when it has been answered. Never rejects.
   * (No closure is made here: V8 would give every call a context for what it captures,
   * logged or not. `#logWhenAnswered` makes it only when there is a log.)
   */
  #serve(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> {
    const sink = new NodeSink(res, this.#state, expectsContinue);
    const request = toGatewayRequest(req, this.#local);
    const answered = runGateway(this.#app, request, sink, this.#gatewayOptions);
    const log = this.#log;
    if (log === false) return answered;
    return this.#logWhenAnswered(answered, log, req, sink);
  }

  #logWhenAnswered(answered: Promise<void>, log: (line: string) => void, req: IncomingMessage, sink: NodeSink): Promise<void> {
    return answered.then(() => this.#writeLog(log, req, sink));
  }

  #writeLog(log: (line: string) => void, req: IncomingMessage, sink: NodeSink): void {
    const line = accessLogLine({
      remoteAddress: req.socket.remoteAddress,
      method: req.method ?? '',
      target: req.url ?? '',
      protocol: `HTTP/${req.httpVersion}`,
      status: sink.status,
      bytesSent: sink.bytesSent,
    });
    try {
      log(line);
    } catch (error) {
      this.#gatewayOptions.errors.write(`tsgi server: the access log function threw: ${(error as Error)?.stack ?? error}\n`);
    }
  }

  /**
   * A response whose head went out before close() kept its connection alive;
   * once it has been flushed the connection is idle and may be closed.
   */
  #closeWhenFinished(res: ServerResponse): void {
    const closeIdle = (): void => this.httpServer.closeIdleConnections();
    if (res.writableFinished) setImmediate(closeIdle);
    else res.once('close', () => setImmediate(closeIdle));
  }
}

/** Answers a request that was held and never dispatched because the server closed. */
function refuse(res: ServerResponse): void {
  res.shouldKeepAlive = false;
  res.writeHead(503, 'Service Unavailable', [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', '20'],
  ]);
  res.end('Service Unavailable\n');
}

/** How often node checks headersTimeout/requestTimeout: a quarter of the shorter, within 50 ms–1 s. */
function checkingInterval(options: ResolvedServerOptions): number {
  const timeouts = [options.headersTimeout, options.requestTimeout].filter((ms) => ms > 0);
  if (timeouts.length === 0) return 30_000;
  return Math.min(1000, Math.max(50, Math.floor(Math.min(...timeouts) / 4)));
}

/** The host part of the server's URL: loopback for a wildcard address, brackets for IPv6. */
function urlHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}
