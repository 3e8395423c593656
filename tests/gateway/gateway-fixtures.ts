/**
 * Shared pieces of the gateway tests: a request builder, a one-call runner
 * recording everything, and bodies that report how they were consumed.
 */
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import type { Application, Environ } from '../../lib/protocol/types.js';
import { defaultGatewayOptions } from '../../lib/gateway/default-options.js';
import { MemorySink } from '../../lib/gateway/memory-sink.js';
import type { MemorySinkOptions } from '../../lib/gateway/memory-sink.js';
import { runGateway } from '../../lib/gateway/run-gateway.js';
import type { GatewayOptions, GatewayRequest, ResponseSink } from '../../lib/gateway/types.js';

export const SOFTWARE = 'tsgi-test/1';

/** A GET / over HTTP/1.1 to example.com, with `overrides` applied. */
export function makeRequest(overrides: Partial<GatewayRequest> = {}): GatewayRequest {
  return {
    method: 'GET',
    target: '/',
    protocol: 'HTTP/1.1',
    rawHeaders: ['Host', 'example.com'],
    body: null,
    serverName: '127.0.0.1',
    serverPort: 8000,
    urlScheme: 'http',
    ...overrides,
  };
}

export function makeOptions(overrides: Partial<GatewayOptions> = {}): GatewayOptions & { errors: MemoryErrorStream } {
  return defaultGatewayOptions({ errors: new MemoryErrorStream(), serverSoftware: SOFTWARE, ...overrides }) as GatewayOptions & {
    errors: MemoryErrorStream;
  };
}

export interface Run {
  sink: MemorySink;
  /** What went to tsgi.errors. */
  errors: string;
  environ: Environ | undefined;
}

/** Runs `app` once through the gateway into a MemorySink. */
export async function run(
  app: Application,
  request: Partial<GatewayRequest> = {},
  sinkOptions: MemorySinkOptions = {},
  options: Partial<GatewayOptions> = {},
): Promise<Run> {
  const sink = new MemorySink(sinkOptions);
  const gatewayOptions = makeOptions(options);
  let environ: Environ | undefined;
  await runGateway(
    (env, startResponse) => {
      environ = env;
      return app(env, startResponse);
    },
    makeRequest(request),
    sink,
    gatewayOptions,
  );
  return { sink, errors: gatewayOptions.errors.text, environ };
}

/** Runs with any sink. */
export async function runWith(app: Application, sink: ResponseSink, request: Partial<GatewayRequest> = {}): Promise<string> {
  const options = makeOptions();
  await runGateway(app, makeRequest(request), sink, options);
  return options.errors.text;
}

export const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

/** The head's headers without the Date value (it changes every second). */
export function stableHeaders(sink: MemorySink): Array<[string, string]> {
  return (sink.head?.headers ?? []).map(([name, value]) => [name, name.toLowerCase() === 'date' ? '<date>' : value]);
}

/** A body that records what the gateway did with it. */
export interface Tracked {
  /** What happened, in order: 'next', 'return', 'close'. */
  log: string[];
}

/** A sync generator body of `chunks` with a `close()`, recording next/return/close. */
export function trackedBody(chunks: Array<Uint8Array | unknown>, tracker: Tracked): Iterable<Uint8Array> & { close(): void } {
  let index = 0;
  const iterator: Iterator<Uint8Array> = {
    next() {
      tracker.log.push('next');
      if (index < chunks.length) return { done: false, value: chunks[index++] as Uint8Array };
      return { done: true, value: undefined };
    },
    return() {
      tracker.log.push('return');
      return { done: true, value: undefined };
    },
  };
  return {
    [Symbol.iterator]: () => iterator,
    close() {
      tracker.log.push('close');
    },
  };
}

/** Starts a 200 text/plain response. */
export function start200(startResponse: Parameters<Application>[1], headers: Array<[string, string]> = []): void {
  startResponse('200 OK', [['Content-Type', 'text/plain'], ...headers]);
}

export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A request body source yielding `parts` asynchronously. */
export async function* source(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield bytes(part);
}
