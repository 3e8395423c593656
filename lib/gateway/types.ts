/**
 * The contract between the gateway and its front-ends. A front-end (the dev
 * server, the test client, the uwsgi server, an adapter, CGI) turns whatever
 * it speaks into a `GatewayRequest` and a `ResponseSink`; the gateway does
 * everything else: the environ, `startResponse`, iteration, framing, close().
 */
import type { ErrorStream, FileWrapperFactory, HeaderList } from '../protocol/types.js';

/** One parsed request, as the transport delivered it. All strings are byte strings. */
export interface GatewayRequest {
  /** The method token, e.g. `GET`. */
  method: string;
  /** The request-target exactly as received (`/a%20b?x=1`), or an absolute URI. */
  target: string;
  /** `HTTP/1.0` or `HTTP/1.1` (anything else is passed through to `SERVER_PROTOCOL`). */
  protocol: string;
  /** Header names and values alternating, in arrival order (node's `rawHeaders`). */
  rawHeaders: readonly string[];
  /**
   * The request body as it arrives, already de-chunked by the transport, or
   * `null` when the request has none. Pulled only when the application reads
   * `tsgi.input`, so the transport's own backpressure applies.
   */
  body: AsyncIterable<Uint8Array> | null;
  /** The peer, when known (undefined or absent otherwise). */
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
  /** The local side: used for `SERVER_NAME`/`SERVER_PORT` when there is no Host header. */
  serverName: string;
  serverPort: number;
  urlScheme: 'http' | 'https';
}

/** How the response body is delimited on the wire. */
export type Framing =
  /** `Content-Length` is set (by the app, or computed by the gateway). */
  | { kind: 'length'; length: number }
  /** HTTP/1.1 with an unknown length: chunked transfer coding. */
  | { kind: 'chunked' }
  /** HTTP/1.0 with an unknown length: the body ends when the connection closes. */
  | { kind: 'close' }
  /** No body may follow (HEAD, 1xx, 204, 304); headers are sent as they are. */
  | { kind: 'none' };

/** The final response head, with every header the gateway adds. */
export interface ResponseHead {
  status: number;
  /** The full status as the app gave it, e.g. `404 Not Found`. */
  statusLine: string;
  /**
   * App headers plus `Date` (unless the sink adds it), `Server`, and `Content-Length` when computed.
   * When the gateway adds nothing this is the application's own list: read it, never change it,
   * and copy it if you keep it past `start()`.
   */
  headers: HeaderList;
  framing: Framing;
}

/**
 * Where the gateway writes one response. The sink applies the framing it is
 * told about; it never decides framing itself.
 */
export interface ResponseSink {
  /** Sends the head; called once, before any `write`. */
  start(head: ResponseHead): void;
  /** Sends body bytes; a returned Promise means "wait before writing more". */
  write(chunk: Uint8Array): void | Promise<void>;
  /**
   * Completes the response cleanly (the terminating chunk, if chunked).
   * `start`, `write` and `end` may still be called after the client left:
   * the gateway reads `signal` between chunks, not before every call (reading
   * it may cost the front-end an AbortController). They must then do nothing harmful.
   */
  end(): void | Promise<void>;
  /**
   * Ends the response so the client can tell it is incomplete: destroy the
   * connection, never send a terminating chunk.
   */
  abort(reason: unknown): void;
  /** Aborted when the client goes away; the gateway stops iterating then. */
  readonly signal: AbortSignal;
  /**
   * `true` once the client has gone away: the same state as `signal.aborted`,
   * offered by sinks whose signal is costly to create (node's AbortController
   * costs about as much as the rest of a hello-world request, so the node
   * front-end creates it only when asked). Read this to check; use `signal`
   * only to wait.
   */
  readonly disconnected?: boolean;
  /** Sends `100 Continue`; present when the request carried `Expect: 100-continue`. */
  sendContinue?(): void;
  /**
   * `true` when the transport itself adds a `Date` header to a head that has
   * none (node:http does, from a per-second cache). The gateway then leaves
   * `Date` to it instead of adding its own, which node would check again.
   */
  readonly addsDate?: boolean;
}

/** What stays the same for every request a front-end serves. */
export interface GatewayOptions {
  /** `tsgi.errors`, and where tracebacks of failed requests go. */
  errors: ErrorStream;
  multithread: boolean;
  multiprocess: boolean;
  runOnce: boolean;
  /** The `Server` header and `SERVER_SOFTWARE`; `''` leaves both out. */
  serverSoftware: string;
  /** Offered as `tsgi.file_wrapper`; omit to offer none. */
  fileWrapper?: FileWrapperFactory;
  /** Extra keys copied into every environ before the request's own (like wsgiref's base_environ). */
  baseEnviron?: Readonly<Record<string, unknown>>;
}
