/**
 * A tiny, compliant server for the validator's tests, so they do not depend
 * on the gateway: it builds an environ with `setupTestingDefaults`, records
 * what the application sends, iterates the body the way docs/SPEC.md §8
 * asks (one chunk at a time, `return()` when it stops early, `close()` once),
 * and reports the first error instead of turning it into a 500.
 */
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { setupTestingDefaults } from '../../lib/protocol/setup-testing-defaults.js';
import type { Application, Body, Environ, HeaderList, StartResponse } from '../../lib/protocol/types.js';

export interface Exchange {
  status: string | undefined;
  headers: HeaderList | undefined;
  /** Every chunk the server received, from write() and from the body, in order. */
  chunks: Uint8Array[];
  /** The chunks joined, as text. */
  text: string;
  /** The error that ended the request, if any. */
  error: unknown;
  /** What was written to tsgi.errors. */
  errors: string;
  /** The body the server received (the validator's wrapper, when validated). */
  body: Body | undefined;
}

/** A `startResponse` as a server provides it: it stores, it never sends, and it re-throws `excInfo` once headers are out. */
export function fakeStartResponse(exchange: Exchange, sent: () => boolean): StartResponse {
  return (status, headers, excInfo) => {
    if (excInfo !== undefined && sent()) throw excInfo;
    exchange.status = status;
    exchange.headers = headers;
    return (chunk) => {
      exchange.chunks.push(chunk);
      return Promise.resolve();
    };
  };
}

/** An environ for `overrides`, with every other key filled in. */
export function environFor(overrides: Record<string, unknown> = {}): Environ {
  return setupTestingDefaults({ 'tsgi.errors': new MemoryErrorStream(), ...overrides });
}

/** Runs `app` for one request, the way a server would, and records the exchange. */
export async function run(app: Application, overrides: Record<string, unknown> = {}): Promise<Exchange> {
  const environ = environFor(overrides);
  const errors = environ['tsgi.errors'] as MemoryErrorStream;
  const exchange: Exchange = { status: undefined, headers: undefined, chunks: [], text: '', error: undefined, errors: '', body: undefined };
  const startResponse = fakeStartResponse(exchange, () => exchange.chunks.some((chunk) => chunk.length > 0));
  let body: Body | undefined;
  try {
    body = await app(environ, startResponse);
    exchange.body = body;
    if (Symbol.asyncIterator in body) {
      for await (const chunk of body as AsyncIterable<Uint8Array>) exchange.chunks.push(chunk);
    } else {
      for (const chunk of body as Iterable<Uint8Array>) exchange.chunks.push(chunk);
    }
  } catch (error) {
    exchange.error = error;
  } finally {
    try {
      await body?.close?.();
    } catch (error) {
      exchange.error ??= error;
    }
  }
  exchange.text = Buffer.concat(exchange.chunks).toString();
  exchange.errors = errors.text;
  return exchange;
}

/** The message of the error a run ended with. */
export function messageOf(exchange: Exchange): string | undefined {
  return exchange.error instanceof Error ? exchange.error.message : undefined;
}

/** A compliant application: `200 OK`, text/plain, the given chunks, and a close() that counts. */
export function helloApp(chunks: string[] = ['Hello, ', 'world'], closes: { count: number } = { count: 0 }): Application {
  return (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    const body = chunks.map((chunk) => Buffer.from(chunk));
    return Object.assign(body, { close: () => void closes.count++ });
  };
}

export const TEXT: HeaderList = [['Content-Type', 'text/plain']];
