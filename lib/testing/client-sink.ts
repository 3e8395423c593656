/**
 * The test client's end of the gateway: the gateway's strict recording
 * `MemorySink`, plus two client behaviours a test asks for — handing each
 * chunk to the test as it streams (`onBodyChunk`, whose Promise is the
 * gateway's backpressure), and going away after some bytes (`disconnectAfter`).
 */
import { MemorySink } from '../gateway/memory-sink.js';
import type { ResponseHead } from '../gateway/types.js';

export interface ClientSinkOptions {
  /** The request carried `Expect: 100-continue`: offer `sendContinue()`. */
  expectContinue?: boolean;
  /** Disconnect once this many body bytes arrived (0: when the head arrives). */
  disconnectAfter?: number | undefined;
  /** Consume chunks instead of keeping them. */
  onBodyChunk?: ((chunk: Uint8Array) => void | Promise<void>) | undefined;
}

export class ClientSink extends MemorySink {
  readonly #disconnectAfter: number | undefined;
  readonly #onBodyChunk: ((chunk: Uint8Array) => void | Promise<void>) | undefined;

  constructor(options: ClientSinkOptions = {}) {
    super({ expectContinue: options.expectContinue ?? false, keepChunks: options.onBodyChunk === undefined });
    this.#disconnectAfter = options.disconnectAfter;
    this.#onBodyChunk = options.onBodyChunk;
  }

  override start(head: ResponseHead): void {
    super.start(head);
    if (this.#disconnectAfter === 0) this.disconnect();
  }

  override write(chunk: Uint8Array): void | Promise<void> {
    if (this.disconnected) return undefined;
    super.write(chunk);
    const pending = this.#onBodyChunk?.(chunk);
    if (this.#disconnectAfter !== undefined && this.bytesWritten >= this.#disconnectAfter) this.disconnect();
    return pending;
  }
}
