/**
 * Shared test applications (STYLE.md "Shared fixtures in one helpers
 * module"). Each is a small, compliant tsgi application unless its name says
 * it fails; tests of every layer and front-end reuse them.
 */
import type { Application, Body, BodyChunks, Environ } from '../../lib/protocol/types.js';

const TEXT = ['Content-Type', 'text/plain; charset=utf-8'] as [string, string];

/** `200 OK`, `text/plain`, the body `Hello world!` (12 bytes, one chunk). */
export const helloApp: Application = function helloApp(_environ, startResponse) {
  startResponse('200 OK', [TEXT]);
  return [Buffer.from('Hello world!')];
};

/** The environ's string-valued keys as a JSON object (`application/json`), sorted by key. */
export const echoEnvironApp: Application = function echoEnvironApp(environ, startResponse) {
  const strings: Record<string, string> = {};
  for (const key of Object.keys(environ).sort()) {
    const value = environ[key];
    if (typeof value === 'string') strings[key] = value;
  }
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [Buffer.from(JSON.stringify(strings), 'utf8')];
};

/**
 * Streams `chunks` (strings sent as UTF-8) from an async generator, waiting
 * `delayMs` before each: no Content-Length, so chunked on HTTP/1.1.
 */
export function streamingApp(chunks: ReadonlyArray<string | Uint8Array>, delayMs = 0): Application {
  const bytes = chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk));
  return function streamingApp(_environ, startResponse) {
    startResponse('200 OK', [TEXT]);
    return (async function* () {
      for (const chunk of bytes) {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        yield chunk;
      }
    })();
  };
}

/** Where `failingApp` throws. */
export type FailureMoment = 'before-start' | 'after-start' | 'in-iteration' | 'after-first-chunk';

/**
 * An app that throws `Error('failingApp: boom <when>')`:
 * - `before-start`: before calling startResponse;
 * - `after-start`: after startResponse, before returning (headers not sent yet);
 * - `in-iteration`: when its body is first iterated, before any chunk;
 * - `after-first-chunk`: after yielding `first chunk` (headers already sent).
 */
export function failingApp(when: FailureMoment): Application {
  const error = (): Error => new Error(`failingApp: boom ${when}`);
  return function failingApp(_environ, startResponse) {
    if (when === 'before-start') throw error();
    startResponse('200 OK', [TEXT]);
    if (when === 'after-start') throw error();
    return (function* () {
      if (when === 'in-iteration') throw error();
      yield Buffer.from('first chunk');
      throw error();
    })();
  };
}

/** Reads `tsgi.input` to the end and echoes it, with the request's Content-Type (or octet-stream). */
export const echoBodyApp: Application = async function echoBodyApp(environ, startResponse) {
  const body = await environ['tsgi.input'].read();
  startResponse('200 OK', [['Content-Type', environ.CONTENT_TYPE ?? 'application/octet-stream']]);
  return [body];
};

/** Counts close() calls on the bodies it wraps, and lets a test wait for them. */
export interface CloseTracker {
  /** close() calls seen so far. */
  readonly count: number;
  /** Wraps a body: same chunks, same sync/async nature, close() counted then forwarded. */
  wrap(body: Body): Body;
  /** An app whose every body is wrapped. */
  app(inner: Application): Application;
  /** Resolves once close() was called `times` times (default 1); rejects after `timeoutMs`. */
  untilClosed(times?: number, timeoutMs?: number): Promise<void>;
}

/** A fresh tracker. */
export function closeTracker(): CloseTracker {
  let count = 0;
  const waiters: Array<{ times: number; resolve: () => void }> = [];
  const wrap = (body: Body): Body => {
    const close = (): unknown => {
      count += 1;
      for (const waiter of waiters.filter((w) => count >= w.times)) waiter.resolve();
      return body.close?.();
    };
    // An array stays an array, so the gateway still computes its Content-Length.
    if (Array.isArray(body)) return Object.assign([...(body as Uint8Array[])], { close });
    const chunks = body as BodyChunks;
    if (Symbol.asyncIterator in chunks) return { [Symbol.asyncIterator]: () => chunks[Symbol.asyncIterator](), close };
    return { [Symbol.iterator]: () => (chunks as Iterable<Uint8Array>)[Symbol.iterator](), close };
  };
  return {
    get count() {
      return count;
    },
    wrap,
    app(inner) {
      return async function tracked(environ: Environ, startResponse) {
        return wrap(await inner(environ, startResponse));
      };
    },
    untilClosed(times = 1, timeoutMs = 2000) {
      if (count >= times) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`closeTracker: close() was called ${count} times, expected ${times}, within ${timeoutMs} ms.`)), timeoutMs);
        waiters.push({ times, resolve: () => { clearTimeout(timer); resolve(); } });
      });
    },
  };
}
