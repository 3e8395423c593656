/**
 * The gateway's `ResponseSink` for `toFetchHandler()`: instead of writing to a
 * socket it builds a Fetch `Response`, whose body is a `ReadableStream` the
 * runtime pulls from.
 *
 * Backpressure runs through the stream's queue: `write()` enqueues the chunk
 * and, once the queue holds `HIGH_WATER_MARK` bytes, returns a Promise that
 * resolves when the consumer pulls again. A consumer that cancels the stream
 * (the client left) aborts `signal`, so the gateway stops and calls `close()`.
 *
 * A Fetch runtime frames the response itself, so the gateway's framing only
 * decides between a streamed body and none (`null` for HEAD, 204, 205, 304),
 * and hop-by-hop headers are never handed over.
 */
import type { ResponseHead, ResponseSink } from '../gateway/types.js';
import { ClientDisconnected, ProtocolError, TsgiError } from '../protocol/errors.js';
import { isHopByHop } from '../protocol/hop-by-hop.js';

/** Bytes the stream may queue before `write()` waits for the consumer. */
const HIGH_WATER_MARK = 64 * 1024;

/** Statuses a Fetch `Response` must have a null body for (Fetch "null body status"). */
const NULL_BODY_STATUS: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

export class FetchSink implements ResponseSink {
  /** Resolves with the Response once the head is sent; rejects when none can be made. */
  readonly response: Promise<Response>;
  readonly signal: AbortSignal;

  readonly #aborter = new AbortController();
  #resolve!: (response: Response) => void;
  #reject!: (reason: unknown) => void;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #started = false;
  /** The stream is closed, errored or cancelled: nothing more goes into it. */
  #closed = false;
  #sent = 0;
  /** Why the response was aborted, until the queued chunks are read and the stream can error. */
  #failure: TsgiError | undefined;
  /** Resolves the Promise a full queue made `write()` return. */
  #waiting: (() => void) | undefined;

  constructor() {
    this.signal = this.#aborter.signal;
    this.response = new Promise<Response>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  get disconnected(): boolean {
    return this.signal.aborted;
  }

  /** The client went away (the runtime aborted the Request's signal). */
  disconnect(): void {
    this.#aborter.abort(new ClientDisconnected('The client disconnected: the Fetch request was aborted.'));
    this.#wake();
  }

  /** Called once the gateway is done: a response that never started cannot be sent. */
  finish(): void {
    if (this.#started) return;
    this.#reject(new ClientDisconnected('toFetchHandler(): the request was aborted before the application sent a response head.'));
  }

  start(head: ResponseHead): void {
    if (this.signal.aborted) return;
    if (head.status < 200 || head.status > 599) {
      // Thrown before the head counts as sent: the gateway answers with a 500 instead.
      throw new ProtocolError(
        `toFetchHandler(): a Fetch Response cannot carry the status '${head.statusLine}'; it takes 200 to 599 only. ` +
          'Send a final status from a tsgi application served on a Fetch runtime.',
      );
    }
    const headers = new Headers();
    for (const [name, value] of head.headers) {
      if (!isHopByHop(name)) headers.append(name, value);
    }
    const init: ResponseInit = { status: head.status, statusText: head.statusLine.slice(4), headers };
    this.#started = true;
    if (head.framing.kind === 'none' || NULL_BODY_STATUS.has(head.status)) {
      this.#closed = true;
      this.#resolve(new Response(null, init));
      return;
    }
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => this.#pulled(),
        cancel: () => {
          this.#closed = true;
          this.#failure = undefined;
          this.#aborter.abort(new ClientDisconnected('The client disconnected: the Response body stream was cancelled.'));
          this.#wake();
        },
      },
      { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
    );
    this.#resolve(new Response(body, init));
  }

  write(chunk: Uint8Array): void | Promise<void> {
    const controller = this.#controller;
    if (controller === undefined || this.#closed) return;
    controller.enqueue(chunk);
    this.#sent += chunk.byteLength;
    if ((controller.desiredSize ?? 0) > 0) return;
    return new Promise<void>((resolve) => {
      this.#waiting = resolve;
    });
  }

  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#controller?.close();
  }

  abort(reason: unknown): void {
    if (!this.#started) {
      this.#reject(reason);
      return;
    }
    if (this.#closed) return;
    this.#closed = true;
    this.#failure = new TsgiError(
      `toFetchHandler(): the response body was aborted after ${this.#sent} bytes; it is incomplete. ` +
        'The cause is below and in tsgi.errors.',
      { cause: reason },
    );
    this.#failIfDrained();
    this.#wake();
  }

  /**
   * Errors the stream once the consumer has read every queued chunk: its
   * read() then rejects, and the runtime ends the response so the client can
   * tell it is incomplete. Erroring at once would discard the queued chunks.
   */
  #failIfDrained(): void {
    const failure = this.#failure;
    const controller = this.#controller;
    if (failure === undefined || controller === undefined || controller.desiredSize !== HIGH_WATER_MARK) return;
    this.#failure = undefined;
    controller.error(failure);
  }

  #pulled(): void {
    this.#failIfDrained();
    this.#wake();
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }
}
