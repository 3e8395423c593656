/**
 * What the in-process benchmarks share (bench/middleware-micro.ts,
 * bench/instruction-cases.ts): requests made as a front-end would hand them
 * to `runGateway`, a sink that throws the response away, and the check that
 * a module was run as a script rather than imported.
 */
import { pathToFileURL } from 'node:url';
import type { GatewayRequest, ResponseSink } from '../lib/gateway/types.js';

export interface RequestShape {
  method?: string;
  target?: string;
  headers?: Array<[string, string]>;
  /** A request body, sent with its Content-Length. */
  body?: Buffer;
}

/** A maker of fresh requests of `shape` (Host `localhost`), one per call. */
export function makeRequest(shape: RequestShape): () => GatewayRequest {
  const rawHeaders = ['Host', 'localhost', 'User-Agent', 'bench/1'];
  for (const [name, value] of shape.headers ?? []) rawHeaders.push(name, value);
  if (shape.body !== undefined) rawHeaders.push('Content-Length', String(shape.body.length));
  const payload = shape.body;
  return () => ({
    method: shape.method ?? 'GET',
    target: shape.target ?? '/',
    protocol: 'HTTP/1.1',
    rawHeaders,
    body: payload === undefined ? null : (async function* () { yield payload; })(),
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    serverName: 'localhost',
    serverPort: 80,
    urlScheme: 'http',
  });
}

const noop = (): void => {};

/** A sink that discards everything; `disconnected` stays false. */
export const discardingSink: ResponseSink = { start: noop, write: noop, end: noop, abort: noop, signal: new AbortController().signal, disconnected: false };

/** Whether the module at `moduleUrl` (its `import.meta.url`) is the script node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}
