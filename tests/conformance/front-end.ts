/**
 * The one interface every front-end implements for the server-conformance
 * suite (STYLE.md "One conformance suite per interface"): start a front-end
 * for an app, send it requests, read back what a client observed.
 */
import type { Headers } from '../../lib/protocol/headers.js';
import type { Application } from '../../lib/protocol/types.js';

/** One request, described independently of the transport. */
export interface ConformanceRequest {
  /** @default 'GET' */
  method?: string;
  /** The request-target exactly as sent. @default '/' */
  target?: string;
  /** @default 'HTTP/1.1' */
  protocol?: 'HTTP/1.0' | 'HTTP/1.1';
  /** Header lines exactly as sent, in order, repeats kept (a Host line is added when missing). */
  headers?: Array<[string, string]>;
  /** A whole body, sent with Content-Length (unless `headers` give one). */
  body?: string | Uint8Array;
  /** A chunked upload (Transfer-Encoding: chunked, no Content-Length). */
  bodyChunks?: Uint8Array[];
  /** Send `Expect: 100-continue` and the body only once `100 Continue` arrives. */
  expectContinue?: boolean;
  /** Disconnect after receiving this many body bytes (0: as soon as the head arrives). */
  disconnectAfter?: number;
  /** Consume body chunks as they arrive (a returned Promise slows the reader); `body` then stays empty. */
  onBodyChunk?: (chunk: Uint8Array) => void | Promise<void>;
}

/** How the client saw the body delimited. */
export type FramingKind = 'length' | 'chunked' | 'close' | 'none';

/** What a client observed. */
export interface ConformanceResponse {
  status: number;
  /** `'200 OK'`: the code and reason, without the HTTP version. */
  statusLine: string;
  headers: Headers;
  body: Buffer;
  /** Body bytes received, also when `onBodyChunk` consumed them. */
  bodyLength: number;
  framing: FramingKind;
  /** The response ended before it was complete (or the client disconnected on purpose). */
  aborted: boolean;
  /** A `100 Continue` arrived before the final response. */
  continued: boolean;
  /** What the server wrote to its error stream while serving this request. */
  errorsText: string;
}

/** A running front-end serving one application. */
export interface FrontEnd {
  send(request?: ConformanceRequest): Promise<ConformanceResponse>;
  /** Everything written to the error stream since the front-end started. */
  errorsText(): string;
  close(): Promise<void>;
}

/** Ids of the suite's behaviours a front-end may be unable to show. */
export type ConformanceFeature = 'http-1.0' | 'expect-continue' | 'disconnect' | 'raw-headers' | 'chunked-request' | 'chunked-response';

export interface FrontEndFactory {
  start(app: Application): Promise<FrontEnd>;
  /** Behaviours this front-end cannot show, each with the reason; their tests register as skips saying why. */
  unobservable?: Partial<Record<ConformanceFeature, string>>;
}

/** The framing a client can tell from the method, status and headers (RFC 9112 §6.3). */
export function framingOf(method: string, status: number, headers: Headers): FramingKind {
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return 'none';
  if (/\bchunked\b/i.test(headers.get('Transfer-Encoding') ?? '')) return 'chunked';
  if (headers.has('Content-Length')) return 'length';
  return 'close';
}
