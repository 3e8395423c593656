/**
 * `PendingResponse`: a response the chain will only have later, together
 * with the work every layer above is waiting to do with it.
 *
 * Once a layer below has had to wait (an async view, a user's `async`
 * middleware), each layer above used to follow its Promise with one
 * `then()` of its own: one more Promise, one more microtask and one more
 * resolution per layer, for work that is synchronous (add a header, check
 * the answer is a response). Instead, the first layer that sees the Promise
 * wraps it in a `PendingResponse`, and the layers above add their work as
 * *steps* to the same object. When the source settles, the steps run in the
 * order the layers would have run their `then()` callbacks (bottom layer
 * first), with the same rules:
 *
 * - a step's `after(request, response)` gives the response the layer
 *   answers; if it throws, the step's `fail(request, error)` answers instead
 *   (the layer's own error, converted where the layer would have converted it);
 * - a failure below passes a step by, unless the step `catches` it: then
 *   `fail` answers (the exception-to-response conversion of each layer);
 * - a step that answers with a Promise (an error page being built) holds the
 *   steps above until it settles.
 *
 * Only the pipeline makes and reads these (`afterNext`, `PipelineLink`,
 * `convertExceptionToResponse`, `createApplication`); a user's middleware
 * always gets a native Promise from `getResponse`. It is a thenable all the
 * same, so anything that awaits a layer's answer keeps working.
 */
import type { HttpRequest, HttpResponseBase } from '../http/index.js';
import type { MaybePromise } from './types.js';

/** One layer's work on the response, once the layer below answered. */
export interface ResponseStep {
  readonly request: HttpRequest;
  /** The layer's answer, given the one from below. May throw (then `fail` answers). */
  readonly after: (request: HttpRequest, response: HttpResponseBase) => MaybePromise<HttpResponseBase>;
  /** Answers for an error: the layer's own (thrown by `after`), or, when `catches`, one from below. */
  readonly fail: (request: HttpRequest, error: unknown) => MaybePromise<HttpResponseBase>;
  /** Whether a failure from below is given to `fail` (true) or passes this layer by. */
  readonly catches: boolean;
  /** The step of the layer above, once it added one (set by `PendingResponse`; give `undefined`). */
  next: ResponseStep | undefined;
}

export class PendingResponse implements PromiseLike<HttpResponseBase> {
  readonly #source: Promise<unknown>;
  // The steps are linked through `next` rather than kept in an array: no array to allocate and grow.
  readonly #first: ResponseStep;
  #last: ResponseStep;
  /** Set once the steps are run for a reader: no step may be added after. */
  #promise: Promise<HttpResponseBase> | undefined;
  /** Set by `finish()`, whose reader takes the outcome for itself. */
  #finished = false;

  /** `source` (the waiting layer's Promise), with `step` as the first thing to do with its answer. */
  constructor(source: Promise<unknown>, step: ResponseStep) {
    this.#source = source;
    this.#first = this.#last = step;
  }

  /** Whether steps can still be added (nothing has read the outcome yet). */
  get open(): boolean {
    return this.#promise === undefined && !this.#finished;
  }

  /** Adds the work of the layer above; only while `open`. */
  addStep(step: ResponseStep): this {
    if (!this.open) throw new Error('PendingResponse.addStep() after its outcome was read: wrap promise() in a new PendingResponse.');
    this.#last = this.#last.next = step;
    return this;
  }

  /** The outcome after every step, as one native Promise (the same one on every call). */
  promise(): Promise<HttpResponseBase> {
    if (this.#finished) throw new Error('PendingResponse.promise() after finish(): its outcome went to the last reader.');
    return (this.#promise ??= this.#source.then(
      (value) => runSteps(this.#first, value, false),
      (error: unknown) => runSteps(this.#first, error, true),
    ));
  }

  /**
   * `promise().then(reader.respond, reader.fail)` for the chain's last
   * reader (the application, handing the response to the server): the
   * reader runs in the reaction that runs the steps, a Promise fewer, and
   * is one object rather than two closures. Nothing may read the outcome after.
   */
  finish<T>(reader: ResponseReader<T>): Promise<Awaited<T>> {
    if (!this.open) throw new Error('PendingResponse.finish() after its outcome was read: use promise().then().');
    this.#finished = true;
    const first = this.#first;
    return this.#source.then(
      (value) => settle(first, value, false, reader),
      (error: unknown) => settle(first, error, true, reader),
    ) as Promise<Awaited<T>>;
  }

  then<A = HttpResponseBase, B = never>(
    onFulfilled?: ((response: HttpResponseBase) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.promise().then(onFulfilled, onRejected);
  }
}

/** What the last reader of a `PendingResponse` does with its outcome (see `finish()`). */
export interface ResponseReader<T> {
  respond(response: HttpResponseBase): T;
  fail(error: unknown): T;
}

/** `finish()`'s reaction: the steps from `first` on the outcome below, then the reader. */
function settle<T>(first: ResponseStep, value: unknown, failed: boolean, reader: ResponseReader<T>): T | Promise<T> {
  let response: MaybePromise<HttpResponseBase>;
  try {
    response = runSteps(first, value, failed);
  } catch (error) {
    return reader.fail(error);
  }
  return response instanceof Promise ? response.then((answered) => reader.respond(answered), (error: unknown) => reader.fail(error)) : reader.respond(response);
}

/**
 * Runs the steps from `step` on on the outcome below (`value`, an error when
 * `failed`): synchronously until a step answers with a Promise.
 */
function runSteps(step: ResponseStep | undefined, value: unknown, failed: boolean): MaybePromise<HttpResponseBase> {
  for (; step !== undefined; step = step.next) {
    let answer: MaybePromise<HttpResponseBase>;
    if (failed) {
      if (!step.catches) continue;
      failed = false;
      answer = step.fail(step.request, value);
    } else {
      try {
        answer = step.after(step.request, value as HttpResponseBase);
      } catch (error) {
        answer = step.fail(step.request, error);
      }
    }
    if (answer instanceof Promise) {
      const rest = step.next;
      return answer.then(
        (response) => runSteps(rest, response, false),
        (error: unknown) => runSteps(rest, error, true),
      );
    }
    value = answer;
  }
  if (failed) throw value;
  return value as HttpResponseBase;
}
