/**
 * The gateway's `ResponseSink` for a uwsgi connection: a raw HTTP/1.1
 * response written to the socket — status line, headers, blank line, body —
 * which is what nginx's `uwsgi_pass` expects back (uWSGI does the same).
 *
 * nginx reads a uwsgi response until `Content-Length` or until the
 * connection closes, and has no chunked decoder for it: a `chunked` framing
 * from the gateway is therefore sent close-delimited, never chunked. Every
 * response carries `Connection: close` (one request per connection,
 * RFC 9112 §9.6). An aborted response resets the connection, so a proxy
 * reading to the close cannot take a cut body for a complete one.
 *
 * @example
 * const sink = new UwsgiSink(socket);
 * await runGateway(app, request, sink, options);
 */
import type { Socket } from 'node:net';
import type { ResponseHead, ResponseSink } from '../gateway/types.js';
import { ClientDisconnected } from '../protocol/errors.js';

/** How long an aborted close-delimited response waits before the reset: time for the peer to read what came before. */
const RESET_DELAY_MS = 100;

export class UwsgiSink implements ResponseSink {
  /** The status code sent, `0` until `start()`; for the access log. */
  status = 0;
  /** Body bytes written; for the access log. */
  bytesSent = 0;

  readonly #socket: Socket;
  #controller: AbortController | undefined;
  #gone = false;
  #finished = false;
  #aborted = false;
  /** The body ends with the connection (the gateway said `chunked` or `close`). */
  #closeDelimited = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.once('close', () => this.#peerLeft());
    // uwsgi peers never half-close while waiting for a response (nginx closes when its client aborts).
    socket.once('end', () => this.#peerLeft());
  }

  /** Aborted when the peer goes away before the response finished; built on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#gone) this.#controller.abort(disconnected());
    }
    return this.#controller.signal;
  }

  get disconnected(): boolean {
    return this.#gone;
  }

  start(head: ResponseHead): void {
    this.status = head.status;
    this.#closeDelimited = head.framing.kind === 'chunked' || head.framing.kind === 'close';
    let text = `HTTP/1.1 ${head.statusLine}\r\n`;
    for (const [name, value] of head.headers) text += `${name}: ${value}\r\n`;
    text += 'Connection: close\r\n\r\n';
    if (this.#gone) return;
    // Head and first chunk leave in one write: uncorked by write(), end() or abort().
    this.#socket.cork();
    this.#socket.write(text, 'latin1');
  }

  write(chunk: Uint8Array): void | Promise<void> {
    this.bytesSent += chunk.byteLength;
    const socket = this.#socket;
    if (this.#gone) return;
    const flushed = socket.write(chunk);
    while (socket.writableCorked > 0) socket.uncork();
    if (flushed) return;
    return new Promise((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  end(): void {
    this.#finished = true;
    const socket = this.#socket;
    while (socket.writableCorked > 0) socket.uncork();
    if (!socket.writableEnded) socket.end();
  }

  /**
   * Ends the connection so the peer can tell the response is incomplete. A
   * sized body just stops short. A close-delimited one would look complete
   * after a clean close, so the connection is reset instead — a moment
   * later: a reset that arrives together with unread bytes is reported by
   * libuv (node) and nginx as a clean end of stream, once those bytes are read.
   */
  abort(_reason: unknown): void {
    this.#finished = true;
    this.#aborted = true;
    const socket = this.#socket;
    while (socket.writableCorked > 0) socket.uncork();
    if (socket.destroyed) return;
    if (!this.#closeDelimited) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => {
      if (!socket.destroyed) socket.resetAndDestroy();
    }, RESET_DELAY_MS);
    socket.once('close', () => clearTimeout(timer));
  }

  /** True once `abort()` was called: the connection is being torn down by the sink. */
  get aborted(): boolean {
    return this.#aborted;
  }

  #peerLeft(): void {
    if (this.#finished || this.#gone) return;
    this.#gone = true;
    this.#controller?.abort(disconnected());
  }
}

function disconnected(): ClientDisconnected {
  return new ClientDisconnected('The uwsgi peer closed the connection before the response was complete.');
}
