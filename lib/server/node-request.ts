/**
 * Turns node's `IncomingMessage` into the gateway's `GatewayRequest`.
 * llhttp has already parsed and checked the request; nothing here parses HTTP.
 */
import type { IncomingMessage } from 'node:http';
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
  const socket = req.socket;
  const request: GatewayRequest = {
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    protocol: `HTTP/${req.httpVersion}`,
    rawHeaders: req.rawHeaders,
    body: hasBody(req.rawHeaders) ? bodyOf(req) : null,
    serverName: local.serverName,
    serverPort: local.serverPort,
    urlScheme: 'http',
  };
  // exactOptionalPropertyTypes: leave the peer out rather than set undefined
  // (a socket already reset by the client has no address).
  const remoteAddress = socket.remoteAddress;
  if (remoteAddress !== undefined) request.remoteAddress = remoteAddress;
  const remotePort = socket.remotePort;
  if (remotePort !== undefined) request.remotePort = remotePort;
  return request;
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
