/**
 * How the layers of the chain call each other without a Promise per layer.
 *
 * A factory receives `getResponse`, which always returns a Promise (the
 * public contract: `await getResponse(request)`). Underneath, every layer is
 * a `LayerRunner`: it answers with the response itself when nothing below
 * it had to wait (a sync view, sync middleware), and with a Promise only
 * when something did. Like `getResponse`, a runner never throws and never
 * rejects: the layer's exceptions have become responses (apart from
 * `propagateExceptions`).
 *
 * The bundled middleware ask for the layer behind their `getResponse` with
 * `nextLayer()` and finish the response with `afterNext()`, converting their
 * own late errors, so the pipeline need not follow their Promises again
 * (`convertsOwnErrors`). A user's middleware awaits `getResponse` as usual.
 * Both see the same responses, in the same order.
 *
 * Once something below had to wait, the bundled layers do not each follow
 * the Promise: they add their work to one `PendingResponse` (see there), so
 * a stack of them costs one `then()`, not one per layer.
 */
import { HttpResponseBase, type HttpRequest } from '../http/index.js';
import { PendingResponse, type ResponseStep } from './pending-response.js';
import type { GetResponse, MaybePromise, MiddlewareFunction } from './types.js';

/** What a layer answers: the response now, or (when something had to wait) a Promise or a `PendingResponse` of it. */
export type LayerAnswer = MaybePromise<HttpResponseBase> | PendingResponse;

/** A layer of the built chain. Never throws. */
export type LayerRunner = (request: HttpRequest) => LayerAnswer;

/** What a bundled layer needs of the layer below: its runner, and the conversion of its own errors. */
export interface NextLayer {
  readonly run: LayerRunner;
  /** True when the pipeline built it: `run` never rejects (unless propagating) and `fail` converts. */
  readonly inPipeline: boolean;
  /** Turns an error of the calling layer into its response (rethrows it outside a pipeline). */
  readonly fail: (request: HttpRequest, error: unknown) => MaybePromise<HttpResponseBase>;
}

const links = new WeakMap<GetResponse, NextLayer>();
const convertingOwnErrors = new WeakSet<object>();

/** Whether `value` is a Promise or another thenable (what `await` would wait for). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * The link from a layer to the one below it, when the pipeline built it:
 * `getResponse` is what the layer's factory receives.
 */
export class PipelineLink implements NextLayer {
  readonly inPipeline = true;
  readonly run: LayerRunner;
  readonly fail: NextLayer['fail'];
  /** Same answers as `run`, always as a Promise (the public contract). */
  readonly getResponse: GetResponse;
  /**
   * The Promise `getResponse` handed out last, until `passedOn()` looks at
   * it. Such a Promise settles with a checked response (or rejects only when
   * propagating), so a layer that returns it unchanged needs no checking.
   * At most one per layer stays here (when a layer called `getResponse`
   * after an `await`), until the next request through the layer.
   */
  #lastAnswer: Promise<HttpResponseBase> | undefined;
  /** The response `#lastAnswer` was made from, when the layer below answered at once. */
  #lastResponse: HttpResponseBase | undefined;

  constructor(run: LayerRunner, fail: NextLayer['fail']) {
    this.run = run;
    this.fail = fail;
    const getResponse: GetResponse = (request) => {
      const answer = run(request);
      if (answer instanceof HttpResponseBase) {
        this.#lastResponse = answer;
        return (this.#lastAnswer = Promise.resolve(answer));
      }
      this.#lastResponse = undefined;
      return (this.#lastAnswer = answer instanceof PendingResponse ? answer.promise() : Promise.resolve(answer));
    };
    this.getResponse = getResponse;
    links.set(getResponse, this);
  }

  /**
   * What a layer that answered `answer` answered, when `answer` is the
   * Promise `getResponse` handed out last, passed on unchanged: the response
   * itself when the layer below had it at once (so a layer that only passes
   * the request on keeps a synchronous chain synchronous), else that
   * Promise. Undefined for any other answer. Forgets the Promise either way.
   */
  passedOn(answer: Promise<unknown>): MaybePromise<HttpResponseBase> | undefined {
    const last = this.#lastAnswer;
    const response = this.#lastResponse;
    this.#lastAnswer = this.#lastResponse = undefined;
    if (answer !== last) return undefined;
    return response ?? last;
  }
}

function rethrow(_request: HttpRequest, error: unknown): never {
  throw error;
}

/**
 * The layer behind `getResponse` when the pipeline built it; else
 * `getResponse` itself, whose errors are rethrown (a factory called by hand,
 * in a test).
 */
export function nextLayer(getResponse: GetResponse): NextLayer {
  return links.get(getResponse) ?? { run: getResponse, fail: rethrow, inPipeline: false };
}

/**
 * `after(request, response)` once the layer below answered `response`: now
 * when it is here, else when it settles. An error of `after` in the second
 * case is converted by `next.fail`, so the answer only rejects when the
 * layer below's does (mark the handler with `convertsOwnErrors`). In a
 * pipeline, a later `after` is a step of the `PendingResponse` the layers
 * share.
 */
export function afterNext(
  next: NextLayer,
  request: HttpRequest,
  response: LayerAnswer,
  after: (request: HttpRequest, response: HttpResponseBase) => MaybePromise<HttpResponseBase>,
): LayerAnswer {
  if (!isThenable(response)) return after(request, response);
  if (next.inPipeline) {
    const step: ResponseStep = { request, after, fail: next.fail, catches: false, next: undefined };
    if (response instanceof PendingResponse) {
      return response.open ? response.addStep(step) : new PendingResponse(response.promise(), step);
    }
    return new PendingResponse(response instanceof Promise ? response : Promise.resolve(response), step);
  }
  return Promise.resolve(response).then((answered) => {
    try {
      return after(request, answered);
    } catch (error) {
      return next.fail(request, error);
    }
  });
}

/**
 * Marks `handler`, whose Promises come from `afterNext(next, …)`, as
 * converting their errors itself, so the pipeline does not follow them
 * again (it still converts what the handler throws at once). Only when
 * `next` is the pipeline's: a hand-made `getResponse` may reject.
 */
export function convertsOwnErrors(handler: (request: HttpRequest) => LayerAnswer, next: NextLayer): MiddlewareFunction {
  if (next.inPipeline) convertingOwnErrors.add(handler);
  // Its answer is a PendingResponse only inside a pipeline, where only the pipeline reads it (a thenable all the same).
  return handler as MiddlewareFunction;
}

/** Whether `handler` was marked with `convertsOwnErrors`. */
export function isConvertingOwnErrors(handler: unknown): boolean {
  return typeof handler === 'function' && convertingOwnErrors.has(handler);
}
