/**
 * Turns node's `IncomingMessage` into the gateway's `GatewayRequest`.
 * llhttp has already parsed and checked the request; nothing here parses HTTP.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { GatewayRequest } from '../gateway/types.js';

/** The server's own address, fixed once it is bound. */
export interface LocalAddress {
  readonly serverName: string;
  readonly serverPort: number;
}

/**
 * The request as the gateway wants it. The body is `null` when the request
 * has none, i.e. neither `Content-Length` nor `Transfer-Encoding` (RFC 9112
 * §6.3: such a request's body length is zero).
 */
export function toGatewayRequest(req: IncomingMessage, local: LocalAddress): GatewayRequest {
  // A socket already reset by the client has no peer. Both keys are in the literal either
  // way, so every request object has the same shape from the start.
  const peer = peerOf(req.socket);
  return {
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    protocol: protocolOf(req),
    rawHeaders: req.rawHeaders,
    body: hasBody(req.rawHeaders) ? bodyOf(req) : null,
    serverName: local.serverName,
    serverPort: local.serverPort,
    urlScheme: 'http',
    remoteAddress: peer?.address,
    remotePort: peer?.port,
  };
}

interface Peer {
  address: string;
  port: number;
}

/**
 * The peers of the connections seen, so each is asked once: node's
 * `remoteAddress` and `remotePort` getters cost more than the rest of this
 * file per request, and a kept-alive connection keeps its peer.
 */
const peers = new WeakMap<Socket, Peer>();

function peerOf(socket: Socket): Peer | undefined {
  let peer = peers.get(socket);
  if (peer === undefined) {
    const address = socket.remoteAddress;
    const port = socket.remotePort;
    if (address === undefined || port === undefined) return undefined;
    peer = { address, port };
    peers.set(socket, peer);
  }
  return peer;
}

/**
 * `HTTP/1.1` or `HTTP/1.0` as constant strings: node builds `httpVersion`
 * afresh for each request, and comparing fresh strings costs more than
 * comparing constants.
 */
function protocolOf(req: IncomingMessage): string {
  if (req.httpVersionMajor === 1) {
    if (req.httpVersionMinor === 1) return 'HTTP/1.1';
    if (req.httpVersionMinor === 0) return 'HTTP/1.0';
  }
  return `HTTP/${req.httpVersion}`;
}

/**
 * True when the head announces a body. Scans `rawHeaders` rather than
 * `req.headers`, which node builds lazily: the hello-world path never pays for it.
 */
function hasBody(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (
      (name.length === 14 && name.toLowerCase() === 'content-length') ||
      (name.length === 17 && name.toLowerCase() === 'transfer-encoding')
    ) {
      return true;
    }
  }
  return false;
}

/**
 * The body as an async iterable of Buffers. `destroyOnReturn: false`
 * matters: `tsgi.input` stops pulling at `CONTENT_LENGTH` and may call
 * `return()`; node's default iterator would then destroy the request and with
 * it the keep-alive socket. Unread bytes are instead drained by node when the
 * response finishes.
 */
function bodyOf(req: IncomingMessage): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => req.iterator({ destroyOnReturn: false }) as AsyncIterator<Uint8Array>,
  };
}
