/**
 * Answers requests node's parser (llhttp) refused, before any application
 * sees them: malformed requests, oversized heads, slow clients. Each gets a
 * short, complete HTTP response and its connection is closed; the server
 * keeps serving everyone else.
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a refused connection may stay half-closed while the client reads the answer. */
const LINGER_MS = 1000;

/** The status for each parser or server error code node reports (see node's `http` docs, 'clientError'). */
const STATUS_FOR_CODE: Readonly<Record<string, string>> = {
  // The request head is larger than maxHeaderSize (RFC 6585 §5).
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  // Chunk extensions past node's limit: a body-size DoS guard (CVE-2024-22019).
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Content Too Large',
  // headersTimeout or requestTimeout expired (RFC 9110 §15.5.9).
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/** The whole response for a refused request: status, a plain-text reason, `Connection: close`. */
export function clientErrorResponse(code: string | undefined): string {
  const status = (code !== undefined && STATUS_FOR_CODE[code]) || '400 Bad Request';
  const body = `${status.slice(4)}\n`;
  return (
    `HTTP/1.1 ${status}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${body.length}\r\n` +
    'Connection: close\r\n' +
    '\r\n' +
    body
  );
}

/** Node's response in flight on a socket, if any (node's own 'clientError' default reads the same field). */
function responseInFlight(socket: Duplex): ServerResponse | null | undefined {
  return (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
}

/**
 * The server's 'clientError' listener. Keeps the sockets it is closing so
 * the server's `close()` need not wait for their linger time.
 */
export class ClientErrorResponder {
  readonly #closing = new Set<Duplex>();

  /** Listener for `server.on('clientError')`. */
  readonly handle = (error: Error & { code?: string }, socket: Duplex): void => {
    // The parser stays in its error state and may report again for bytes
    // still arriving: answer once.
    if (this.#closing.has(socket) || socket.destroyed) return;
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const inFlight = responseInFlight(socket);
    if (inFlight === null || inFlight === undefined || inFlight.writableFinished) {
      this.#refuse(socket, error.code);
    } else if (inFlight.req.complete) {
      // Bad bytes pipelined after a good request: answer in order, after the
      // response already under way, never in the middle of it.
      this.#track(socket);
      inFlight.once('finish', () => this.#refuse(socket, error.code));
    } else {
      // The error is in the body of the request being served (a bad chunk,
      // a body too slow): the rest of it will never come, and an application
      // reading it would wait forever. Answer if nothing was sent yet, then
      // drop the connection, which ends the body and aborts the response.
      if (!inFlight.headersSent) socket.write(clientErrorResponse(error.code));
      socket.destroy();
    }
  };

  /** Sends the refusal and half-closes; the socket is destroyed after a short linger. */
  #refuse(socket: Duplex, code: string | undefined): void {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    this.#track(socket);
    // end(), not write() + destroy(): a reset right after the write can make
    // the client drop the answer unread while it is still sending (a huge head).
    socket.end(clientErrorResponse(code));
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }

  /** Remembers a socket being refused until it closes. */
  #track(socket: Duplex): void {
    if (this.#closing.has(socket)) return;
    this.#closing.add(socket);
    socket.once('close', () => this.#closing.delete(socket));
  }

  /** Closes every connection still lingering after an answer. */
  destroyAll(): void {
    for (const socket of this.#closing) socket.destroy();
    this.#closing.clear();
  }
}

