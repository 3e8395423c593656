/**
 * The gateway's `ResponseSink` for `runCgi()`: a CGI response on stdout
 * (RFC 3875 §6). The head is a `Status:` line and the header lines, then a
 * blank line; the body follows as it is. A CGI response has no framing of its
 * own: the web server in front frames it for its client, so the gateway's
 * framing matters here only as "body or no body".
 */
import { Buffer } from 'node:buffer';
import type { Writable } from 'node:stream';
import type { ResponseHead, ResponseSink } from '../gateway/types.js';
import { ClientDisconnected } from '../protocol/errors.js';

export class CgiSink implements ResponseSink {
  /** The status code sent, `0` until `start()`. */
  status = 0;
  /** The response was cut short after its head (nothing on stdout can say so). */
  aborted = false;
  readonly signal: AbortSignal;

  readonly #out: Writable;
  readonly #aborter = new AbortController();
  /** Writes whose callback has not run yet. */
  #unflushed = 0;
  #flushed: (() => void) | undefined;

  constructor(out: Writable) {
    this.#out = out;
    this.signal = this.#aborter.signal;
    // EPIPE: the web server stopped reading (its client left).
    out.once('error', () => this.#aborter.abort(new ClientDisconnected('The web server closed the CGI script\'s stdout.')));
  }

  get disconnected(): boolean {
    return this.signal.aborted;
  }

  start(head: ResponseHead): void {
    if (this.signal.aborted) return;
    this.status = head.status;
    let text = `Status: ${head.statusLine}\r\n`;
    for (const [name, value] of head.headers) text += `${name}: ${value}\r\n`;
    // Header values are byte strings: one byte per code unit.
    void this.#send(Buffer.from(`${text}\r\n`, 'latin1'));
  }

  write(chunk: Uint8Array): void | Promise<void> {
    if (this.signal.aborted) return;
    return this.#send(chunk);
  }

  /** Resolves once stdout has taken every byte, so the script may exit (even with process.exit()). */
  end(): void | Promise<void> {
    if (this.signal.aborted || this.#unflushed === 0) return;
    return new Promise((resolve) => {
      this.#flushed = resolve;
    });
  }

  abort(_reason: unknown): void {
    // Stop writing: the web server sees the output end early. The gateway has logged why to stderr.
    this.aborted = true;
  }

  #send(chunk: Uint8Array): void | Promise<void> {
    this.#unflushed += 1;
    if (this.#out.write(chunk, this.#onFlushed)) return;
    return this.#drained();
  }

  /** A write's callback: called in order, with or without an error. */
  readonly #onFlushed = (): void => {
    this.#unflushed -= 1;
    if (this.#unflushed === 0) {
      const flushed = this.#flushed;
      this.#flushed = undefined;
      flushed?.();
    }
  };

  /** Resolves on 'drain', or when stdout fails or closes meanwhile. */
  #drained(): Promise<void> {
    const out = this.#out;
    return new Promise((resolve) => {
      const done = (): void => {
        out.off('drain', done);
        out.off('close', done);
        out.off('error', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
      out.on('error', done);
    });
  }
}
