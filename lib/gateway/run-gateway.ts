/**
 * Runs one application for one request: builds the environ, calls the
 * application, iterates its body into the sink with backpressure, and always
 * calls `close()` (PEP 3333 "Specification Details"; wsgiref's BaseHandler).
 *
 * Failures never escape: before the head is sent the client gets a plain 500
 * and the traceback goes to `tsgi.errors`; after, the sink is aborted so the
 * client sees a truncated response rather than a wrong one. A client that
 * goes away (`sink.signal`) stops the iteration at the next chunk boundary,
 * and nothing is logged: that is not an application error.
 *
 * The hello-world path (an array body, a sink that writes synchronously)
 * runs without awaiting anything and allocates no Promise.
 */
import { ClientDisconnected, ProtocolError } from '../protocol/errors.js';
import type { Application, StartResponse, Write } from '../protocol/types.js';
import { arrayLength, checkBody, checkChunk, isThenable } from './body-checks.js';
import { closeBody } from './body-close.js';
import { DISCONNECTED, DisconnectWatch } from './disconnect-watch.js';
import { buildEnviron, type EnvironHooks } from './environ.js';
import { ERROR_BODY, errorHead, logError } from './error-response.js';
import {
  bytesBeforeStartError,
  disconnectedError,
  endedWithoutStartError,
  lateWriteError,
  overflowError,
  rejected,
  shortBodyError,
  writeChunkError,
} from './gateway-errors.js';
import { buildHead } from './framing.js';
import { ResponseState } from './start-response.js';
import type { GatewayOptions, GatewayRequest, ResponseSink } from './types.js';

/**
 * Runs `app` for `request` and writes the response to `sink`. Never rejects;
 * resolves once the response is finished (ended or aborted) and the body's
 * `close()` has been called.
 */
export function runGateway(
  app: Application,
  request: GatewayRequest,
  sink: ResponseSink,
  options: GatewayOptions,
): Promise<void> {
  return new Exchange(request, sink, options).run(app);
}

const RESOLVED: Promise<void> = Promise.resolve();
const NO_MORE_CHUNKS: readonly unknown[] = Object.freeze([]);
const ignore = (): void => {};

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

class Exchange {
  readonly #request: GatewayRequest;
  readonly #sink: ResponseSink;
  readonly #options: GatewayOptions;
  readonly #state = new ResponseState();
  /** Body bytes handed to the sink. */
  #sent = 0;
  /** The most bytes the framing allows (a Content-Length), once the head is out. */
  #limit = Infinity;
  /** The body length known before sending: an array body without write(). */
  #knownLength: number | undefined;
  /** The framing is `none`: body bytes are dropped and iteration ends. */
  #discard = false;
  /** Stop pulling chunks at the next boundary (Content-Length reached, no body allowed). */
  #stop = false;
  #usedWrite = false;
  /** The error logged when the body overran its Content-Length. */
  #overflow: ProtocolError | undefined;
  /** Ended, aborted or given up: nothing more is sent. */
  #finished = false;
  #iterator: AnyIterator | undefined;
  /** The iterator was neither exhausted nor failed: `return()` it when done. */
  #iteratorOpen = false;
  /** An async `next()` is still pending (we stopped waiting for it on disconnect). */
  #nextPending = false;
  /** Created when the gateway first has to wait on something. */
  #watch: DisconnectWatch | undefined;

  constructor(request: GatewayRequest, sink: ResponseSink, options: GatewayOptions) {
    this.#request = request;
    this.#sink = sink;
    this.#options = options;
  }

  /**
   * Runs the exchange. Synchronous until something has to be waited for, so
   * a response sent in one go (the hello-world path) costs no Promise but the
   * shared resolved one.
   */
  run(app: Application): Promise<void> {
    let body: unknown;
    try {
      const hooks = this.#sink.sendContinue ? this.#continueHooks() : undefined;
      body = app(buildEnviron(this.#request, this.#options, hooks), this.startResponse);
      if (isThenable(body)) return this.#runLate(body);
    } catch (error) {
      return this.#failEarly(error);
    }
    return this.#respond(body, false);
  }

  /**
   * The application returned a Promise of its body: the client may leave meanwhile.
   * A `then()` rather than an async function: a suspended async function keeps a
   * frame object and two resume closures per request, which this path does not need.
   */
  #runLate(promise: PromiseLike<unknown>): Promise<void> {
    return Promise.resolve(promise).then(
      (body) => this.#respondLate(body),
      (error: unknown) => this.#failEarly(error),
    ) as Promise<void>;
  }

  /**
   * `#respond` for a body that came late. A reaction that returns a Promise settles two
   * microtasks after it, so one that responded at once returns nothing.
   */
  #respondLate(body: unknown): Promise<void> | undefined {
    const responding = this.#respond(body, true);
    return responding === RESOLVED ? undefined : responding;
  }

  /** The application failed before giving a body: there is nothing to close. */
  async #failEarly(error: unknown): Promise<void> {
    await this.#fail(error);
    this.#done();
  }

  /** Sends the body, then closes it. */
  #respond(body: unknown, settledLate: boolean): Promise<void> {
    let sending: void | Promise<void>;
    try {
      sending = this.#send(body, settledLate);
    } catch (error) {
      return this.#closeAfter(this.#fail(error), body);
    }
    if (sending !== undefined) return this.#closeAfter(sending.catch((error: unknown) => this.#fail(error)), body);
    return this.#closeNow(body);
  }

  async #closeAfter(sending: Promise<void>, body: unknown): Promise<void> {
    await sending;
    const closing = this.#closeNow(body);
    if (closing !== RESOLVED) await closing;
  }

  #closeNow(body: unknown): Promise<void> {
    this.#finished = true;
    const closing = this.#close(body);
    if (closing !== undefined) return closing.then(() => this.#done());
    this.#done();
    return RESOLVED;
  }

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    this.#state.start(status, headers, excInfo);
    return this.write;
  };

  /** PEP 3333 `write()`: the data goes out before the body's, as if yielded. */
  readonly write: Write = (chunk) => {
    if (this.#finished || this.#clientGone()) return this.#lateWrite(chunk);
    if (!(chunk instanceof Uint8Array)) throw writeChunkError(chunk);
    this.#usedWrite = true;
    if (this.#overflow) return rejected(this.#overflow);
    const pending = this.#deliver(chunk, 'write()');
    // PEP 3333: a write() past Content-Length should raise.
    if (this.#overflow) return rejected(this.#overflow);
    if (pending === undefined) return RESOLVED;
    const ready = this.#untilDisconnect(pending).then((outcome) => {
      if (outcome === DISCONNECTED) throw disconnectedError();
    });
    // Marked handled: an application that does not await write() must not crash the process.
    ready.catch(ignore);
    return ready;
  };

  #lateWrite(chunk: unknown): Promise<void> {
    if (this.#clientGone()) return rejected(disconnectedError());
    const error = lateWriteError(chunk);
    this.#log('Protocol error', error);
    return rejected(error);
  }

  /** Made apart from `run()`: a closure there would cost every request a context for `this`. */
  #continueHooks(): EnvironHooks {
    return { sendContinue: () => this.#sendContinue() };
  }

  /** `100 Continue`, only while it can still precede the response (RFC 9110 §10.1.1). */
  #sendContinue(): void {
    if (!this.#state.headersSent && !this.#finished && !this.#clientGone()) this.#sink.sendContinue?.();
  }

  /**
   * Starts iterating the body; returns a Promise only when something had to be awaited.
   * `settledLate`: the application returned a Promise, so the client may have left meanwhile.
   */
  #send(body: unknown, settledLate: boolean): void | Promise<void> {
    if (Array.isArray(body)) {
      if (!this.#usedWrite) this.#knownLength = arrayLength(body);
      if (body.length === 1) return this.#sendOne(body[0] as unknown, settledLate);
      return this.#sendSync(body[Symbol.iterator](), settledLate);
    }
    checkBody(body);
    if (this.#clientGone()) return;
    if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      return this.#sendAsync((body as AsyncIterable<unknown>)[Symbol.asyncIterator]());
    }
    return this.#sendSync((body as Iterable<unknown>)[Symbol.iterator](), false);
  }

  /**
   * `askClient`: check `sink.signal` before sending the first chunk too.
   * Otherwise it is checked from the second chunk on: reading it can cost the
   * front-end an AbortController, which a response sent in one go never needs.
   */
  #sendSync(iterator: Iterator<unknown>, askClient: boolean): void | Promise<void> {
    this.#iterator = iterator;
    this.#iteratorOpen = true;
    for (;;) {
      if (this.#stop) return this.#finish();
      let step: IteratorResult<unknown>;
      try {
        step = iterator.next();
      } catch (error) {
        this.#iteratorOpen = false;
        throw error;
      }
      if (step.done) {
        this.#iteratorOpen = false;
        return this.#finish();
      }
      if (askClient && this.#clientGone()) return;
      askClient = true;
      const pending = this.#deliver(checkChunk(step.value), 'body');
      if (pending !== undefined) return this.#resumeSync(iterator, pending);
    }
  }

  /**
   * A body of one chunk, the commonest one: `#sendSync` without an iterator.
   * An array's iterator has nothing to close, so there is none to remember.
   */
  #sendOne(chunk: unknown, askClient: boolean): void | Promise<void> {
    if (askClient && this.#clientGone()) return;
    const pending = this.#deliver(checkChunk(chunk), 'body');
    if (pending !== undefined) return this.#resumeSync(NO_MORE_CHUNKS[Symbol.iterator](), pending);
    return this.#finish();
  }

  /** The slow half of `#sendSync`: wait for the sink, then carry on synchronously. */
  async #resumeSync(iterator: Iterator<unknown>, pending: Promise<void>): Promise<void> {
    if ((await this.#untilDisconnect(pending)) === DISCONNECTED) return;
    const rest = this.#sendSync(iterator, true);
    if (rest !== undefined) await rest;
  }

  async #sendAsync(iterator: AsyncIterator<unknown>): Promise<void> {
    this.#iterator = iterator;
    this.#iteratorOpen = true;
    for (;;) {
      if (this.#stop) return this.#finish();
      if (this.#clientGone()) return;
      let step: IteratorResult<unknown> | typeof DISCONNECTED;
      try {
        step = await this.#untilDisconnect(iterator.next());
      } catch (error) {
        this.#iteratorOpen = false;
        throw error;
      }
      if (step === DISCONNECTED) {
        this.#nextPending = true;
        return;
      }
      if (step.done) {
        this.#iteratorOpen = false;
        return this.#finish();
      }
      const pending = this.#deliver(checkChunk(step.value), 'body');
      if (pending !== undefined && (await this.#untilDisconnect(pending)) === DISCONNECTED) return;
    }
  }

  /** Sends one chunk (the head first, if it is still pending), within the Content-Length. */
  #deliver(chunk: Uint8Array, from: 'body' | 'write()'): void | Promise<void> {
    if (chunk.length === 0) return;
    const state = this.#state;
    if (!state.headersSent) {
      if (state.status === undefined) throw bytesBeforeStartError(from, chunk.length);
      this.#sendHead();
    }
    if (this.#discard) {
      this.#stop = true;
      return;
    }
    let piece = chunk;
    const room = this.#limit - this.#sent;
    if (chunk.length > room) {
      piece = chunk.subarray(0, room);
      this.#stop = true;
      this.#overflow = overflowError(this.#limit, from, chunk.length, this.#sent);
      this.#log('Protocol error', this.#overflow);
      if (piece.length === 0) return;
    }
    this.#sent += piece.length;
    return this.#sink.write(piece);
  }

  #sendHead(): void {
    const state = this.#state;
    if (state.invalid) throw state.invalid;
    const head = buildHead(state, {
      method: this.#request.method,
      protocol: this.#request.protocol,
      serverSoftware: this.#options.serverSoftware,
      knownLength: this.#knownLength,
      addDate: this.#sink.addsDate !== true,
    });
    this.#sink.start(head);
    state.headersSent = true;
    if (head.framing.kind === 'length') this.#limit = head.framing.length;
    else if (head.framing.kind === 'none') this.#discard = true;
  }

  /** The body is exhausted (or no longer wanted): complete the response. */
  #finish(): void | Promise<void> {
    const state = this.#state;
    if (!state.headersSent) {
      if (state.status === undefined) throw endedWithoutStartError();
      // Nothing was sent, so the length is known: 0 (wsgiref's finish_content).
      this.#knownLength = 0;
      this.#sendHead();
    }
    this.#finished = true;
    if (this.#limit !== Infinity && this.#sent < this.#limit) {
      // PEP 3333: fewer bytes than Content-Length: the client must be able to tell.
      const error = shortBodyError(this.#limit, this.#sent);
      this.#log('Protocol error', error);
      this.#sink.abort(error);
      return;
    }
    const ending = this.#sink.end();
    if (ending !== undefined) return this.#untilDisconnect(ending).then(ignore);
  }

  /** Handles any failure: a 500 before the head went out, an aborted response after. */
  async #fail(error: unknown): Promise<void> {
    const finished = this.#finished;
    this.#finished = true;
    if (this.#clientGone()) return;
    if (error instanceof ClientDisconnected) {
      if (!finished) this.#abort(error);
      return;
    }
    // The application re-threw what write() told it about the overflow: that was logged,
    // and the response itself is complete.
    const overflowed = error === this.#overflow;
    if (!overflowed) this.#log('Application error', error);
    if (finished) return;
    try {
      if (this.#state.headersSent && !overflowed) {
        this.#abort(error);
        return;
      }
      if (!overflowed) {
        this.#sink.start(errorHead(this.#request.method, this.#options.serverSoftware));
        this.#state.headersSent = true;
        if (this.#request.method !== 'HEAD') await this.#whenReady(this.#sink.write(ERROR_BODY));
      }
      await this.#whenReady(this.#sink.end());
    } catch (sinkError) {
      if (this.#clientGone() || sinkError instanceof ClientDisconnected) return;
      this.#log('Error sending the response', sinkError);
      this.#abort(sinkError);
    }
  }

  #abort(reason: unknown): void {
    try {
      this.#sink.abort(reason);
    } catch (error) {
      this.#log('Error aborting the response', error);
    }
  }

  /** PEP 3333: `close()` exactly once, after `return()` on an iterator we stopped early. */
  #close(body: unknown): void | Promise<void> {
    const open = this.#iteratorOpen ? this.#iterator : undefined;
    this.#iteratorOpen = false;
    return closeBody(body, open, this.#nextPending, this.#request, this.#options);
  }

  /** Resolves with what `promise` gives, or with DISCONNECTED if the client goes away first. */
  #untilDisconnect<T>(promise: PromiseLike<T>): Promise<T | typeof DISCONNECTED> {
    this.#watch ??= new DisconnectWatch(this.#sink.signal);
    return this.#watch.until(promise);
  }

  /** Waits for a sink call that returned a Promise, unless the client leaves first. */
  async #whenReady(result: void | Promise<void>): Promise<void> {
    if (result !== undefined) await this.#untilDisconnect(result);
  }

  /**
   * The client went away. Asks the sink's cheap `disconnected` when it has
   * one: reading `signal` may make the front-end build an AbortController.
   */
  #clientGone(): boolean {
    const sink = this.#sink;
    return sink.disconnected ?? sink.signal.aborted;
  }

  #done(): void {
    this.#finished = true;
    this.#watch?.stop();
  }

  #log(what: string, error: unknown): void {
    logError(this.#options.errors, what, this.#request.method, this.#request.target, error);
  }
}
