/**
 * node's own `IncomingMessage` and `ServerResponse` for one request of
 * `fromNodeHandler`, set up as node's server would for them, on the
 * adapter's socket: the request from the environ (method, mount-relative
 * URLs, version, headers, the environ itself for `environOf`), the response
 * with node's own framing turned off (the gateway frames the real one), and
 * its release once complete.
 *
 * Both stay in V8's fast mode: everything is an ordinary assignment, no
 * accessor is put on them, since Express reads and writes their properties
 * dozens of times per request.
 *
 * @example
 * const req = nodeRequest(environ, socket);
 * const res = nodeResponse(req, socket);
 * res.on('finish', () => letGo(res, socket));
 */
import { IncomingMessage, OutgoingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Environ } from '../protocol/types.js';
import { rawHeadersOf } from './_node-headers.js';
import type { AdapterSocket } from './_node-socket.js';
import type { NodeTarget } from './_node-target.js';

/** Where a request keeps its environ: a symbol own property (Express swaps prototypes, not own properties). */
const ENVIRON = Symbol('tsgi.environ');

/** The environ `req` was made from by `nodeRequest`; undefined for other requests. */
export function environOfRequest(req: IncomingMessage): Environ | undefined {
  return (req as unknown as Partial<Record<symbol, Environ>>)[ENVIRON];
}

/** The request a handler gets for `environ`, on `socket`. */
export function nodeRequest(environ: Environ, target: NodeTarget, socket: AdapterSocket): IncomingMessage {
  const req = new IncomingMessage(socket as unknown as Socket);
  req.method = environ.REQUEST_METHOD;
  req.url = target.url;
  // Own properties that Express's and connect's routers keep (`req.baseUrl || ''`, `req.originalUrl || req.url`).
  const routed = req as IncomingMessage & { baseUrl: string; originalUrl: string };
  routed.baseUrl = target.baseUrl;
  routed.originalUrl = target.originalUrl;
  const version = httpVersion(environ.SERVER_PROTOCOL);
  req.httpVersionMajor = version.major;
  req.httpVersionMinor = version.minor;
  req.httpVersion = version.text;
  const rawHeaders = rawHeadersOf(environ);
  // What node's parser calls to hand a request its headers; `req.headers` is built from it lazily.
  (req as unknown as { _addHeaderLines(lines: string[], count: number): void })._addHeaderLines(rawHeaders, rawHeaders.length);
  (req as unknown as Record<symbol, Environ>)[ENVIRON] = environ;
  return req;
}

/** The response to `req`, writing to `socket`, with node's framing (chunking, Date, keep-alive) off. */
export function nodeResponse(req: IncomingMessage, socket: AdapterSocket): ServerResponse {
  const res = new ServerResponse(req);
  res.useChunkedEncodingByDefault = false;
  res.shouldKeepAlive = false;
  res.sendDate = false;
  // What `res.removeHeader('Connection')` sets: node then adds no `Connection: close` line of its
  // own, which the adapter would only parse and drop (hop-by-hop). A handler's own Connection
  // header still reaches the head (node clears the flag) and is dropped with the names it lists.
  (res as unknown as { _removedConnection: boolean })._removedConnection = true;
  (res as unknown as HeadWriter)._storeHeader = storeHeaderUnchunked;
  res.assignSocket(socket as unknown as Socket);
  return res;
}

/**
 * Lets a complete response go of its socket as node's server does after
 * 'finish' on a kept-alive connection: detached, then `'close'` on the next
 * tick. The socket is not destroyed (that would cost node an error object).
 */
export function letGo(res: ServerResponse, socket: AdapterSocket): void {
  res.detachSocket(socket as unknown as Socket);
  process.nextTick(emitClose, res);
}

/** What node's server does once a response let go of its connection (`emitCloseNT`). */
function emitClose(res: ServerResponse): void {
  const state = res as unknown as { _closed: boolean; destroyed: boolean };
  if (state._closed) return;
  state.destroyed = true;
  state._closed = true;
  res.emit('close');
}

interface HeadWriter {
  chunkedEncoding: boolean;
  _storeHeader(firstLine: string, headers: unknown): void;
}
const storeHeader = (OutgoingMessage.prototype as unknown as HeadWriter)._storeHeader;

/**
 * node's `_storeHeader` (what `writeHead()` serializes the head with), then
 * chunked coding off again: node turns it on when the handler sets
 * `Transfer-Encoding: chunked`. An own property, so it survives Express
 * swapping the prototype; pinning `chunkedEncoding` with an accessor instead
 * would put the response in V8's slow dictionary mode.
 */
function storeHeaderUnchunked(this: HeadWriter, firstLine: string, headers: unknown): void {
  storeHeader.call(this, firstLine, headers);
  this.chunkedEncoding = false;
}

interface HttpVersion {
  major: number;
  minor: number;
  text: string;
}
const HTTP_1_1: HttpVersion = { major: 1, minor: 1, text: '1.1' };
const HTTP_1_0: HttpVersion = { major: 1, minor: 0, text: '1.0' };

/** `HTTP/1.1` → 1, 1, `'1.1'`; anything unreadable counts as 1.1. */
function httpVersion(protocol: string): HttpVersion {
  if (protocol === 'HTTP/1.1') return HTTP_1_1;
  if (protocol === 'HTTP/1.0') return HTTP_1_0;
  const version = /^HTTP\/(\d)\.(\d)$/.exec(protocol);
  if (version === null) return HTTP_1_1;
  return { major: Number(version[1]), minor: Number(version[2]), text: `${version[1]}.${version[2]}` };
}
