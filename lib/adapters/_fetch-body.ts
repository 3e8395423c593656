/**
 * A Fetch `Response` body as a tsgi body, for `fromFetchHandler()`: an async
 * iterator yielding the stream's chunks as they come, whose `return()` and
 * `close()` cancel the stream when it was not read to its end and abort the
 * Request's signal, so the Fetch application can tell the client left.
 */
import { describeValue } from '../protocol/describe-value.js';
import { ClientDisconnected } from '../protocol/errors.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const ignore = (): void => {};

export class FetchResponseBody implements AsyncIterableIterator<Uint8Array> {
  readonly #stream: ReadableStream<Uint8Array>;
  readonly #aborter: AbortController;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** Read to its end, failed, or given up: nothing more to do. */
  #over = false;

  constructor(stream: ReadableStream<Uint8Array>, aborter: AbortController) {
    this.#stream = stream;
    this.#aborter = aborter;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#over) return DONE;
    this.#reader ??= this.#stream.getReader();
    let step: Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;
    try {
      step = await this.#reader.read();
    } catch (error) {
      this.#over = true;
      throw error;
    }
    if (step.done) {
      this.#over = true;
      return DONE;
    }
    const chunk: unknown = step.value;
    if (!(chunk instanceof Uint8Array)) {
      this.#giveUp();
      throw new TypeError(
        `fromFetchHandler(): the Response body stream gave ${describeValue(chunk)}; a Response body must yield Uint8Array chunks. ` +
          'Encode text first, e.g. with new TextEncoderStream().',
      );
    }
    return { done: false, value: chunk };
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.#giveUp();
    return DONE;
  }

  /** PEP 3333 close(): called once by the gateway, however the response ended. */
  close(): void {
    this.#giveUp();
  }

  #giveUp(): void {
    if (this.#over) return;
    this.#over = true;
    const reason = new ClientDisconnected('fromFetchHandler(): the response body was not read to its end (the client left, or the server stopped early).');
    this.#aborter.abort(reason);
    // A pending read() then resolves as done; cancelling never fails the response.
    (this.#reader ?? this.#stream).cancel(reason).then(ignore, ignore);
  }
}
