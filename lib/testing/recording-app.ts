/**
 * A stub application for testing middleware in isolation: it records every
 * environ it receives and the request body it read, answers with whatever the
 * test scripted (status, headers, chunks — streamed or not, through write()
 * or not, failing at a chosen point), and records whether its body was closed.
 *
 * A middleware test drives it from both sides:
 *
 * @example
 * const recorder = recordingApp({ body: ['hello'] });
 * const client = new Client(recorder, { middleware: addHeader('X-Seen', 'yes') });
 * const response = await client.get('/x');
 * t.is(recorder.lastEnviron?.PATH_INFO, '/x'); // what the middleware passed down
 * t.is(response.headers.get('X-Seen'), 'yes'); // what it sent up
 * t.true(recorder.lastCall?.closed);             // it forwarded close()
 *
 * An application is a function, so the recorder is one too: a function
 * carrying its records, usable anywhere an Application is.
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '../protocol/describe-value.js';
import type { Application, Body, Environ, HeaderList, StartResponse } from '../protocol/types.js';

/** Where a scripted failure happens. */
export type FailurePoint =
  /** The app throws before calling startResponse. */
  | 'before-start'
  /** It calls startResponse, then throws before returning (headers not sent yet). */
  | 'after-start'
  /** Its body throws when first iterated, before any chunk. */
  | 'in-iteration'
  /** Its body yields the first chunk, then throws (headers already sent). */
  | 'after-first-chunk'
  /** Its body's close() throws (after recording the call). */
  | 'in-close';

const FAILURE_POINTS: readonly FailurePoint[] = ['before-start', 'after-start', 'in-iteration', 'after-first-chunk', 'in-close'];

/** What the recorder answers. Every field is optional. */
export interface RecordingResponse {
  /** @default '200 OK' */
  status?: string;
  /** @default [['Content-Type', 'text/plain; charset=utf-8']] */
  headers?: HeaderList;
  /** The body chunks; strings are sent as UTF-8. @default ['OK'] */
  body?: ReadonlyArray<string | Uint8Array>;
  /** Chunks sent through write() (each awaited) before the body is returned. @default [] */
  write?: ReadonlyArray<string | Uint8Array>;
  /** Return an async generator instead of an array. @default false */
  stream?: boolean;
  /** With `stream`, wait this long before each chunk. @default 0 */
  delayMs?: number;
  /** With `stream`, call startResponse during the first iteration instead of before returning. @default false */
  startInBody?: boolean;
  /** Read `tsgi.input` to the end before answering (recorded as `input`). @default true */
  readInput?: boolean;
  /** Fail at that point, throwing `error` (default: an Error naming the point). */
  fail?: FailurePoint;
  error?: unknown;
}

const RESPONSE_KEYS = ['status', 'headers', 'body', 'write', 'stream', 'delayMs', 'startInBody', 'readInput', 'fail', 'error'];

/** One request the recorder served. */
export interface RecordedCall {
  /** A shallow copy of the environ as it arrived (later changes by a middleware do not show). */
  readonly environ: Environ;
  /** The request body it read (empty when `readInput` is false). */
  readonly input: Buffer;
  /** Body chunks handed to the caller so far. */
  readonly chunksSent: number;
  /** True once its body iterated to the end. */
  readonly finished: boolean;
  /** How many times the body's close() was called (a compliant caller: exactly 1). */
  readonly closeCount: number;
  /** True when close() was called at least once. */
  readonly closed: boolean;
}

/** The recorder: an Application with its records. */
export interface RecordingApp extends Application {
  readonly calls: readonly RecordedCall[];
  readonly lastCall: RecordedCall | undefined;
  /** The environ of the last call, `undefined` before the first. */
  readonly lastEnviron: Environ | undefined;
  /** Answers later requests with `response` instead. */
  respondWith(response: RecordingResponse): void;
  /** Forgets the recorded calls. */
  reset(): void;
}

class Call implements RecordedCall {
  input: Buffer = Buffer.alloc(0);
  chunksSent = 0;
  finished = false;
  closeCount = 0;
  constructor(readonly environ: Environ) {}
  get closed(): boolean {
    return this.closeCount > 0;
  }
}

/** A recording stub application answering with `response` (see RecordingResponse for the defaults). */
export function recordingApp(response: RecordingResponse = {}): RecordingApp {
  let script = checkResponse(response);
  let calls: Call[] = [];

  const app = async (environ: Environ, startResponse: StartResponse): Promise<Body> => {
    const call = new Call({ ...environ });
    calls.push(call);
    const current = script;
    if (current.readInput) call.input = Buffer.from(await environ['tsgi.input'].read());
    const fail = (point: FailurePoint): void => {
      if (current.fail === point) throw current.error ?? new Error(`recordingApp failed ${point}, as scripted.`);
    };
    fail('before-start');
    const start = (): ((chunk: Uint8Array) => Promise<void>) => startResponse(current.status, current.headers.map(([name, value]) => [name, value]));
    if (!(current.stream && current.startInBody)) {
      const write = start();
      fail('after-start');
      for (const chunk of current.write) await write(chunk);
    }
    const close = (): void => {
      call.closeCount += 1;
      fail('in-close');
    };
    if (current.stream) {
      const body = streamBody(current, call, () => {
        if (!current.startInBody) return;
        start();
        fail('after-start');
      });
      return Object.assign(body, { close });
    }
    return { [Symbol.iterator]: () => arrayBody(current, call), close };
  };

  // Accessors, not copied values: the records keep growing after this returns.
  return Object.defineProperties(app, {
    calls: { get: (): readonly RecordedCall[] => calls },
    lastCall: { get: (): RecordedCall | undefined => calls.at(-1) },
    lastEnviron: { get: (): Environ | undefined => calls.at(-1)?.environ },
    respondWith: {
      value: (next: RecordingResponse): void => {
        script = checkResponse(next);
      },
    },
    reset: {
      value: (): void => {
        calls = [];
      },
    },
  }) as RecordingApp;
}

type Script = Required<Omit<RecordingResponse, 'body' | 'write' | 'fail' | 'error' | 'headers'>> & {
  body: Uint8Array[];
  write: Uint8Array[];
  headers: HeaderList;
  fail: FailurePoint | undefined;
  error: unknown;
};

function* arrayBody(script: Script, call: Call): Generator<Uint8Array> {
  for (const chunk of script.body) {
    if (script.fail === 'in-iteration') throw script.error ?? new Error('recordingApp failed in-iteration, as scripted.');
    call.chunksSent += 1;
    yield chunk;
    if (script.fail === 'after-first-chunk') throw script.error ?? new Error('recordingApp failed after-first-chunk, as scripted.');
  }
  if (script.body.length === 0 && script.fail === 'in-iteration') {
    throw script.error ?? new Error('recordingApp failed in-iteration, as scripted.');
  }
  call.finished = true;
}

async function* streamBody(script: Script, call: Call, onFirst: () => void): AsyncGenerator<Uint8Array> {
  onFirst();
  for (const chunk of arrayBody(script, call)) {
    if (script.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
    yield chunk;
  }
}

function checkResponse(response: RecordingResponse): Script {
  if (response === null || typeof response !== 'object') {
    throw new TypeError(`recordingApp() response must be an object; got ${describeValue(response)}.`);
  }
  for (const key of Object.keys(response)) {
    if (!RESPONSE_KEYS.includes(key)) {
      throw new TypeError(`recordingApp() got an unknown response option '${key}'. Known options: ${RESPONSE_KEYS.join(', ')}.`);
    }
  }
  if (response.fail !== undefined && !FAILURE_POINTS.includes(response.fail)) {
    throw new TypeError(`recordingApp() fail must be one of ${FAILURE_POINTS.join(', ')}; got ${describeValue(response.fail)}.`);
  }
  if (response.fail === 'after-first-chunk' && response.body !== undefined && response.body.length === 0) {
    throw new TypeError(`recordingApp() fail 'after-first-chunk' needs at least one body chunk; got body [].`);
  }
  if (response.startInBody === true && (response.stream !== true || (response.write ?? []).length > 0)) {
    throw new TypeError(
      'recordingApp() startInBody needs stream: true and no write chunks (write() is only available once startResponse was called).',
    );
  }
  if (response.delayMs !== undefined && !(Number.isFinite(response.delayMs) && response.delayMs >= 0)) {
    throw new TypeError(`recordingApp() delayMs must be a number >= 0; got ${describeValue(response.delayMs)}.`);
  }
  return {
    status: response.status ?? '200 OK',
    headers: response.headers ?? [['Content-Type', 'text/plain; charset=utf-8']],
    body: toChunks(response.body ?? ['OK'], 'body'),
    write: toChunks(response.write ?? [], 'write'),
    stream: response.stream ?? false,
    delayMs: response.delayMs ?? 0,
    startInBody: response.startInBody ?? false,
    readInput: response.readInput ?? true,
    fail: response.fail,
    error: response.error,
  };
}

function toChunks(chunks: ReadonlyArray<string | Uint8Array>, name: string): Uint8Array[] {
  if (!Array.isArray(chunks)) {
    throw new TypeError(`recordingApp() ${name} must be an array of chunks; got ${describeValue(chunks)}. Wrap a single chunk: [chunk].`);
  }
  return chunks.map((chunk, index) => {
    if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
    if (chunk instanceof Uint8Array) return chunk;
    throw new TypeError(`recordingApp() ${name}[${index}] must be a string or a Uint8Array; got ${describeValue(chunk)}.`);
  });
}
