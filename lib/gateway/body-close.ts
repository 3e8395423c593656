/**
 * The end of a body's life (PEP 3333 "Specification Details"): `return()` on
 * an iterator the gateway stopped before it was exhausted, then the body's
 * `close()`, exactly once, whatever happened before. A failure in either is
 * logged to `tsgi.errors`, never thrown: the response is already decided.
 * A client that went away is not a failure, and is not logged.
 */
import { ClientDisconnected } from '../protocol/errors.js';
import { isThenable } from './body-checks.js';
import { logError } from './error-response.js';
import type { GatewayOptions, GatewayRequest } from './types.js';

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

const ignore = (): void => {};

/**
 * Returns `iterator` (given only while it is still open), then closes `body`.
 * `nextPending`: an async `next()` was left unsettled (the client went away);
 * `return()` would queue behind it, maybe forever, so it is not waited for.
 * Returns a Promise only when `return()` or `close()` did.
 */
export function closeBody(
  body: unknown,
  iterator: AnyIterator | undefined,
  nextPending: boolean,
  request: GatewayRequest,
  options: GatewayOptions,
): void | Promise<void> {
  const returning = iterator === undefined ? undefined : returnIterator(iterator, nextPending, request, options);
  if (returning !== undefined) return closeAfter(returning, body, request, options);
  return callClose(body, request, options);
}

// The closures live in functions of their own, made only when needed: a closure in a
// function gives every call of it a context for what it captures, even when not made.

function closeAfter(returning: Promise<void>, body: unknown, request: GatewayRequest, options: GatewayOptions): Promise<void> {
  return returning.then(() => callClose(body, request, options));
}

function returnIterator(
  iterator: AnyIterator,
  nextPending: boolean,
  request: GatewayRequest,
  options: GatewayOptions,
): void | Promise<void> {
  if (typeof iterator.return !== 'function') return;
  const what = 'Error in the body iterator return()';
  try {
    const returned = iterator.return();
    if (!isThenable(returned)) return;
    const settled = Promise.resolve(returned).then(ignore, reporter(what, request, options));
    if (!nextPending) return settled;
  } catch (error) {
    reporter(what, request, options)(error);
  }
}

function callClose(body: unknown, request: GatewayRequest, options: GatewayOptions): void | Promise<void> {
  const close = (body as { close?: unknown } | null | undefined)?.close;
  if (typeof close !== 'function') return;
  const what = 'Error in the body close()';
  try {
    const closed: unknown = close.call(body);
    if (isThenable(closed)) return Promise.resolve(closed).then(ignore, reporter(what, request, options));
  } catch (error) {
    reporter(what, request, options)(error);
  }
}

/** Logs what failed, unless it was only the client going away. */
function reporter(what: string, request: GatewayRequest, options: GatewayOptions): (error: unknown) => void {
  return (error) => {
    if (!(error instanceof ClientDisconnected)) logError(options.errors, what, request.method, request.target, error);
  };
}
