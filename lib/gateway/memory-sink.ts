/**
 * A `ResponseSink` that records the response in memory: the gateway's tests
 * and the in-process test client use it instead of a socket.
 *
 * It is strict about the sink contract, so a gateway bug shows up as an
 * error rather than a quietly wrong recording: one `start()` before any
 * `write()`, nothing after the end, never more bytes than a `length`
 * framing allows and none at all for `none`. It can also play a slow client
 * (`writeDelayMs`, `highWaterMark`) and one that leaves (`disconnect()`).
 *
 * @example
 * const sink = new MemorySink();
 * await runGateway(app, request, sink, defaultGatewayOptions());
 * sink.head?.status; // 200
 * sink.body().toString(); // 'hello'
 */
import { Buffer } from 'node:buffer';
import { ClientDisconnected } from '../protocol/errors.js';
import type { ResponseHead, ResponseSink } from './types.js';

export interface MemorySinkOptions {
  /**
   * The request carried `Expect: 100-continue`: the sink offers
   * `sendContinue()` and counts its calls in `continues`.
   * @default false
   */
  expectContinue?: boolean;
  /**
   * Every `write()` returns a Promise that resolves after this many
   * milliseconds: a slow consumer.
   * @default undefined (writes complete at once)
   */
  writeDelayMs?: number;
  /**
   * `write()` returns a Promise once this many bytes wait unread; the
   * consumer reads them all on the next turn of the event loop (setImmediate),
   * like a socket draining.
   * @default undefined (no limit)
   */
  highWaterMark?: number;
  /**
   * Keep a copy of every chunk in `chunks`. Turn off to stream gigabytes
   * through the sink, counting them in `bytesWritten` only.
   * @default true
   */
  keepChunks?: boolean;
}

/** A recording `ResponseSink`. */
export class MemorySink implements ResponseSink {
  /** The head, once the gateway sent it. */
  head: ResponseHead | undefined;
  /** Copies of the body chunks, in order (empty when `keepChunks` is false). */
  readonly chunks: Uint8Array[] = [];
  bytesWritten = 0;
  /** The response completed cleanly. */
  ended = false;
  /** The gateway aborted the response (the client would see it truncated). */
  aborted = false;
  abortReason: unknown;
  /** How many times `100 Continue` was sent. */
  continues = 0;
  /** Made on first use: an AbortController per request is most of an in-process request's cost. */
  #controller: AbortController | undefined;
  /** Set by `disconnect()`: the reason `signal` aborts with, whenever it is made. */
  #gone: ClientDisconnected | undefined;
  /** Present only when the sink was made with `expectContinue`. */
  declare readonly sendContinue?: () => void;

  readonly #writeDelayMs: number | undefined;
  readonly #highWaterMark: number | undefined;
  readonly #keepChunks: boolean;
  #unread = 0;
  #drainScheduled = false;
  #drainWaiters: Array<() => void> = [];

  constructor(options: MemorySinkOptions = {}) {
    const { expectContinue = false, writeDelayMs, highWaterMark, keepChunks = true } = options;
    if (writeDelayMs !== undefined && !(Number.isFinite(writeDelayMs) && writeDelayMs >= 0)) {
      throw new RangeError(`MemorySink writeDelayMs must be a number >= 0; got ${String(writeDelayMs)}.`);
    }
    if (highWaterMark !== undefined && !(Number.isSafeInteger(highWaterMark) && highWaterMark > 0)) {
      throw new RangeError(`MemorySink highWaterMark must be a positive integer; got ${String(highWaterMark)}.`);
    }
    this.#writeDelayMs = writeDelayMs;
    this.#highWaterMark = highWaterMark;
    this.#keepChunks = keepChunks;
    if (expectContinue) {
      this.sendContinue = () => {
        if (this.head !== undefined) throw new Error('MemorySink: sendContinue() after the head was sent.');
        this.continues++;
      };
    }
  }

  /** Aborted once `disconnect()` was called. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#gone !== undefined) this.#controller.abort(this.#gone);
    }
    return this.#controller.signal;
  }

  /** True once `disconnect()` was called: `signal`'s state, without making it. */
  get disconnected(): boolean {
    return this.#gone !== undefined;
  }

  start(head: ResponseHead): void {
    if (this.disconnected) return;
    if (this.head !== undefined) throw new Error('MemorySink: start() was called twice.');
    // The headers may be the application's own list, which it could still change.
    this.head = { ...head, headers: head.headers.map(([name, value]) => [name, value]) };
  }

  write(chunk: Uint8Array): void | Promise<void> {
    if (this.disconnected) return;
    const head = this.#open('write()');
    if (head.framing.kind === 'none') throw new Error(`MemorySink: write() of ${chunk.length} bytes with framing 'none'.`);
    if (head.framing.kind === 'length' && this.bytesWritten + chunk.length > head.framing.length) {
      throw new Error(
        `MemorySink: write() past Content-Length ${head.framing.length} (${this.bytesWritten} + ${chunk.length} bytes).`,
      );
    }
    this.bytesWritten += chunk.length;
    if (this.#keepChunks) this.chunks.push(Buffer.from(chunk));
    const drained = this.#highWaterMark === undefined ? undefined : this.#buffer(chunk.length, this.#highWaterMark);
    const delayMs = this.#writeDelayMs;
    if (delayMs === undefined) return drained;
    const delayed = new Promise<void>((resolve) => setTimeout(resolve, delayMs));
    return drained === undefined ? delayed : Promise.all([drained, delayed]).then(() => undefined);
  }

  end(): void {
    if (this.disconnected) return;
    this.#open('end()');
    this.ended = true;
  }

  abort(reason: unknown): void {
    if (this.ended) throw new Error('MemorySink: abort() after end().');
    this.aborted = true;
    this.abortReason = reason;
  }

  /** The client goes away: `signal` aborts, and later `start()`, `write()` and `end()` calls are dropped. */
  disconnect(): void {
    if (this.#gone !== undefined) return;
    this.#gone = new ClientDisconnected('The client disconnected.');
    this.#controller?.abort(this.#gone);
  }

  /** All body bytes written so far. */
  body(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** The body decoded as UTF-8. */
  text(): string {
    return this.body().toString('utf8');
  }

  #open(call: string): ResponseHead {
    if (this.head === undefined) throw new Error(`MemorySink: ${call} before start().`);
    if (this.ended || this.aborted) throw new Error(`MemorySink: ${call} after the response ${this.ended ? 'ended' : 'was aborted'}.`);
    return this.head;
  }

  /** Counts unread bytes; past the high-water mark the writer waits for the next drain. */
  #buffer(length: number, highWaterMark: number): Promise<void> | undefined {
    this.#unread += length;
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      setImmediate(() => {
        this.#drainScheduled = false;
        this.#unread = 0;
        const waiters = this.#drainWaiters;
        this.#drainWaiters = [];
        for (const resolve of waiters) resolve();
      });
    }
    if (this.#unread < highWaterMark) return undefined;
    return new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
  }
}
