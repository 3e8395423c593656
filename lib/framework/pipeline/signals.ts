/**
 * The application's signals (Django's `request_started`, `request_finished`,
 * `got_request_exception`) as a small typed emitter. There is no global
 * dispatcher: each application has its own `app.signals`.
 *
 * A listener that throws (or returns a rejected Promise) is reported to the
 * request's `tsgi.errors` and never breaks the request or the other
 * listeners. Listeners run synchronously, in the order they were added; a
 * Promise a listener returns is not awaited.
 *
 * @example
 * app.signals.on('requestFinished', ({ request }) => pool.release(request));
 */
import { inspect } from 'node:util';
import type { Environ, ErrorStream } from '../../protocol/types.js';
import { describeValue } from '../../protocol/describe-value.js';
import type { HttpRequest } from '../http/index.js';

/** The payload of each signal. */
export interface SignalEvents {
  /** Before the HttpRequest is built (Django's `request_started`). */
  requestStarted: { readonly environ: Environ };
  /**
   * When the server closes the response body, after the request was closed
   * (Django's `request_finished`). Not sent when the exception propagates
   * (`propagateExceptions`).
   */
  requestFinished: { readonly environ: Environ; readonly request: HttpRequest };
  /**
   * An exception became a 500 (or an error handler failed), before the 500
   * handler runs (Django's `got_request_exception`). Not sent for 404, 403 and 400.
   */
  gotRequestException: { readonly request: HttpRequest; readonly error: unknown };
}

export type SignalName = keyof SignalEvents;
export type SignalListener<N extends SignalName> = (payload: SignalEvents[N]) => unknown;

const NAMES: readonly string[] = ['requestStarted', 'requestFinished', 'gotRequestException'];

export class Signals {
  readonly #listeners: { [N in SignalName]: Array<SignalListener<N>> } = {
    requestStarted: [],
    requestFinished: [],
    gotRequestException: [],
  };

  /** Adds `listener`; returns a function that removes it. */
  on<N extends SignalName>(name: N, listener: SignalListener<N>): () => void {
    this.#check(name, listener, 'on');
    this.#listeners[name].push(listener);
    return () => this.off(name, listener);
  }

  /** Adds `listener` for the next emission only. */
  once<N extends SignalName>(name: N, listener: SignalListener<N>): () => void {
    this.#check(name, listener, 'once');
    const wrapper: SignalListener<N> = (payload) => {
      this.off(name, wrapper);
      return listener(payload);
    };
    this.#listeners[name].push(wrapper);
    return () => this.off(name, wrapper);
  }

  /** Removes `listener` (its first registration); returns whether it was there. */
  off<N extends SignalName>(name: N, listener: SignalListener<N>): boolean {
    const list = this.#listeners[name] as Array<SignalListener<N>> | undefined;
    const index = list?.indexOf(listener) ?? -1;
    if (index === -1) return false;
    list!.splice(index, 1);
    return true;
  }

  /** The number of listeners of `name`. */
  listenerCount(name: SignalName): number {
    // Asked twice per request: a named load per signal stays one map check, where a load keyed
    // by `name` turns megamorphic (a hash lookup) once two names have gone through it.
    const listeners = this.#listeners;
    switch (name) {
      case 'requestStarted':
        return listeners.requestStarted.length;
      case 'requestFinished':
        return listeners.requestFinished.length;
      default:
        return listeners[name].length;
    }
  }

  /**
   * Calls every listener of `name` with `payload`; their failures go to
   * `errors` (the request's `tsgi.errors`).
   */
  emit<N extends SignalName>(name: N, payload: SignalEvents[N], errors: ErrorStream): void {
    const list = this.#listeners[name] as Array<SignalListener<N>>;
    if (list.length === 0) return;
    for (const listener of [...list]) {
      try {
        const result = listener(payload);
        if (result instanceof Promise) result.catch((error: unknown) => report(errors, name, listener, error));
      } catch (error) {
        report(errors, name, listener, error);
      }
    }
  }

  #check(name: string, listener: unknown, method: string): void {
    if (!NAMES.includes(name)) {
      throw new TypeError(`signals.${method}() got an unknown signal ${describeValue(name)}. Signals: ${NAMES.join(', ')}.`);
    }
    if (typeof listener !== 'function') {
      throw new TypeError(`signals.${method}('${name}') expects a listener function; got ${describeValue(listener)}.`);
    }
  }

  toString(): string {
    const counts = NAMES.map((name) => `${name}=${this.#listeners[name as SignalName].length}`).join(' ');
    return `<Signals ${counts}>`;
  }
}

function report(errors: ErrorStream, name: string, listener: Function, error: unknown): void {
  try {
    errors.write(`A ${name} listener (${listener.name || 'anonymous'}) failed; the request goes on:\n${inspect(error)}\n`);
  } catch {
    // A broken log must not break the request either.
  }
}
