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
 */
import type { HttpRequest, HttpResponseBase } from '../http/index.js';
import type { GetResponse, MaybePromise } from './types.js';

/** A layer of the built chain: the response now, or a Promise of it when something had to wait. Never throws. */
export type LayerRunner = (request: HttpRequest) => MaybePromise<HttpResponseBase>;

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

/** The `getResponse` a factory receives for `run`: the same answers, always as a Promise. */
export function asGetResponse(run: LayerRunner, fail: NextLayer['fail']): GetResponse {
  const getResponse: GetResponse = function getResponse(request) {
    return Promise.resolve(run(request));
  };
  links.set(getResponse, { run, fail, inPipeline: true });
  return getResponse;
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
 * case is converted by `next.fail`, so the Promise only rejects when the
 * layer below's does (mark the handler with `convertsOwnErrors`).
 */
export function afterNext(
  next: NextLayer,
  request: HttpRequest,
  response: MaybePromise<HttpResponseBase>,
  after: (request: HttpRequest, response: HttpResponseBase) => HttpResponseBase,
): MaybePromise<HttpResponseBase> {
  if (!isThenable(response)) return after(request, response);
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
export function convertsOwnErrors<H extends object>(handler: H, next: NextLayer): H {
  if (next.inPipeline) convertingOwnErrors.add(handler);
  return handler;
}

/** Whether `handler` was marked with `convertsOwnErrors`. */
export function isConvertingOwnErrors(handler: unknown): boolean {
  return typeof handler === 'function' && convertingOwnErrors.has(handler);
}
