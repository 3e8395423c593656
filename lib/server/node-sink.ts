/**
 * The gateway's `ResponseSink` over node's `ServerResponse`. The gateway
 * decides the framing; this sink only tells node about it, and node writes
 * the bytes (status line, headers, chunking).
 */
import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { ResponseHead, ResponseSink } from '../gateway/types.js';
import { ClientDisconnected } from '../protocol/errors.js';

/** What the sink needs to know about its server when the head goes out. */
export interface SinkServerState {
  /** True once `close()` was called: responses then end their connection. */
  readonly closing: boolean;
  /** Told about each response that ends while the server is closing, so its connection can go. */
  endedWhileClosing(res: ServerResponse): void;
}

export class NodeSink implements ResponseSink {
  /** The status code sent, `0` until `start()`; for the access log. */
  status = 0;
  /** Body bytes handed to node; for the access log. */
  bytesSent = 0;
  /**
   * Present only for a request that carried `Expect: 100-continue` and came
   * through node's 'checkContinue' event, so `100 Continue` goes out only
   * when the application reads `tsgi.input` (RFC 9110 §10.1.1).
   */
  declare sendContinue?: () => void;
  /**
   * node:http adds `Date` to a head without one, from its per-second cache;
   * a `Date` from the gateway would cost node a header check on every response.
   */
  readonly addsDate = true;

  readonly #res: ServerResponse;
  readonly #server: SinkServerState;
  #controller: AbortController | undefined;
  #closeDelimited = false;
  /** The Content-Length of the response, or -1 when it is not length-framed. */
  #length = -1;

  constructor(res: ServerResponse, server: SinkServerState, expectsContinue: boolean) {
    this.#res = res;
    this.#server = server;
    // Through a function of its own: a closure made here would cost every sink a context for `res`.
    if (expectsContinue) this.sendContinue = continueSender(res);
  }

  /**
   * Aborted when the connection closes before the response finished: the
   * client went away, or the sink was aborted. Created on first use so a
   * request that never asks for it pays nothing.
   */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      const res = this.#res;
      if (res.destroyed) {
        if (!res.writableFinished) controller.abort(disconnected());
      } else {
        res.once('close', () => {
          if (!res.writableFinished) controller.abort(disconnected());
        });
      }
    }
    return this.#controller.signal;
  }

  /**
   * The cheap check behind `signal`: the connection closed (or the sink
   * aborted it) before the response finished. No AbortController is built.
   */
  get disconnected(): boolean {
    const res = this.#res;
    return res.destroyed && !res.writableFinished;
  }

  start(head: ResponseHead): void {
    const res = this.#res;
    this.status = head.status;
    if (head.framing.kind === 'close') {
      // Delimit the body by closing the connection (RFC 9112 §6.3 rule 8).
      // Without this node would chunk for an HTTP/1.0 client sending `TE: chunked`.
      res.useChunkedEncodingByDefault = false;
      res.shouldKeepAlive = false;
      this.#closeDelimited = true;
    }
    // While the server shuts down, every response ends its connection
    // (`Connection: close`) so close() does not wait on keep-alive sockets.
    if (this.#server.closing) res.shouldKeepAlive = false;
    // With no header set before, node hands this array straight to its
    // serializer: no per-header object is built. 'chunked' needs nothing
    // more: with no Content-Length node chunks an HTTP/1.1 response itself;
    // 'none' (HEAD, 1xx, 204, 304) node recognises from the method and status.
    // node's own reason phrase goes out when the application used it (no string cut per response).
    if (head.statusLine === nodeStatusLine(head.status)) {
      res.writeHead(head.status, head.headers);
    } else {
      res.writeHead(head.status, head.statusLine.slice(4), head.headers);
    }
    if (head.framing.kind === 'length') this.#length = head.framing.length;
  }

  write(chunk: Uint8Array): void | Promise<void> {
    this.bytesSent += chunk.byteLength;
    // The chunk that completes a Content-Length body completes the response:
    // hand it to end(), which sends head, body and finish in one write (the
    // hello-world path of every benchmark). The gateway's end() then has nothing left to do.
    if (this.bytesSent === this.#length) {
      // A small whole body goes as latin1 text (byte for byte the same): node
      // joins text to the head string, so the socket's writev() gathers one
      // piece fewer (~1k instructions less there, ~0.6k more to make the
      // text: ~0.4k a response), as for a handler that ends with a string.
      if (chunk.byteLength === this.bytesSent && chunk.byteLength <= JOINED_BODY_LIMIT) this.#res.end(latin1Text(chunk), 'latin1');
      else this.#res.end(chunk);
      return;
    }
    if (this.#res.write(chunk)) return;
    return this.#drained();
  }

  end(): void {
    if (!this.#res.writableEnded) this.#res.end();
    if (this.#server.closing) this.#server.endedWhileClosing(this.#res);
  }

  /**
   * Ends the connection early so the client can tell the response is
   * incomplete: a chunked one lacks its last chunk, a sized one its last
   * bytes. A close-delimited body (HTTP/1.0) would look complete after a
   * normal close, so that connection is reset instead.
   */
  abort(_reason: unknown): void {
    const res = this.#res;
    const socket = res.socket;
    if (socket !== null && !socket.destroyed) {
      // node corks the socket while a response writes and uncorks on the
      // next tick: flush now, or the head and the bytes before the cut are
      // lost and the client sees no response at all.
      while (socket.writableCorked > 0) socket.uncork();
      if (this.#closeDelimited) {
        socket.resetAndDestroy();
        return;
      }
    }
    res.destroy();
  }

  /** Resolves on 'drain', or on 'close' when the client went away meanwhile. */
  #drained(): Promise<void> {
    const res = this.#res;
    if (res.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
}

/** Bodies up to this size are joined to the head; a copy costs more than a second buffer beyond it. */
const JOINED_BODY_LIMIT = 4096;

/** The bytes as a latin1 string: one code unit per byte, so writing it with 'latin1' sends the same bytes. */
function latin1Text(chunk: Uint8Array): string {
  const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return bytes.toString('latin1');
}

function continueSender(res: ServerResponse): () => void {
  return () => res.writeContinue();
}

/** `200 OK`, `404 Not Found`, …: the status lines node writes by itself, by code, made on first use. */
const NODE_STATUS_LINES: Array<string | null | undefined> = [];

function nodeStatusLine(code: number): string | null {
  let line = NODE_STATUS_LINES[code];
  if (line === undefined) {
    const reason = STATUS_CODES[code];
    line = NODE_STATUS_LINES[code] = reason === undefined ? null : `${code} ${reason}`;
  }
  return line;
}

function disconnected(): ClientDisconnected {
  return new ClientDisconnected('The client closed the connection before the response was complete.');
}
