/**
 * The test client's end of the gateway: a ResponseSink that records the
 * response in memory like a client that read it all — or, with
 * `onBodyChunk`, hands each chunk to the test as it streams (its Promise is
 * the gateway's backpressure) — and can play a client that goes away after
 * some bytes (`disconnectAfter`).
 */
import type { ResponseHead, ResponseSink } from '../gateway/types.js';

export interface ClientSinkOptions {
  /** The request carried `Expect: 100-continue`: offer `sendContinue()`. */
  expectContinue?: boolean;
  /** Disconnect once this many body bytes arrived (0: when the head arrives). */
  disconnectAfter?: number | undefined;
  /** Consume chunks instead of keeping them. */
  onBodyChunk?: ((chunk: Uint8Array) => void | Promise<void>) | undefined;
}

export class ClientSink implements ResponseSink {
  head: ResponseHead | undefined;
  readonly chunks: Uint8Array[] = [];
  bodyLength = 0;
  ended = false;
  aborted = false;
  abortReason: unknown = undefined;
  /** `100 Continue` responses sent. */
  continues = 0;
  /** True once the simulated client went away. */
  disconnected = false;
  readonly sendContinue?: () => void;
  readonly #controller = new AbortController();
  readonly #disconnectAfter: number | undefined;
  readonly #onBodyChunk: ((chunk: Uint8Array) => void | Promise<void>) | undefined;

  constructor(options: ClientSinkOptions = {}) {
    this.#disconnectAfter = options.disconnectAfter;
    this.#onBodyChunk = options.onBodyChunk;
    // Only a request that asked for 100 Continue may get one (RFC 9110 §10.1.1).
    if (options.expectContinue === true) {
      this.sendContinue = () => {
        this.continues += 1;
      };
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  start(head: ResponseHead): void {
    this.head = head;
    if (this.#disconnectAfter === 0) this.disconnect();
  }

  write(chunk: Uint8Array): void | Promise<void> {
    if (this.disconnected) return undefined;
    this.bodyLength += chunk.length;
    const pending = this.#onBodyChunk === undefined ? this.#keep(chunk) : this.#onBodyChunk(chunk);
    if (this.#disconnectAfter !== undefined && this.bodyLength >= this.#disconnectAfter) this.disconnect();
    return pending;
  }

  end(): void {
    this.ended = true;
  }

  abort(reason: unknown): void {
    this.aborted = true;
    this.abortReason = reason;
  }

  /** The client goes away: the gateway sees `signal` abort. */
  disconnect(): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.#controller.abort(new Error('The test client disconnected.'));
  }

  /** Every body byte kept so far. */
  body(): Buffer {
    return Buffer.concat(this.chunks);
  }

  #keep(chunk: Uint8Array): void {
    // Copy: the app may reuse its buffer for the next chunk.
    this.chunks.push(Buffer.from(chunk));
  }
}
