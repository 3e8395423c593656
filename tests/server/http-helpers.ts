/**
 * Small clients for the server tests: a node:http request that collects the
 * whole response, a raw socket exchange for what http.request cannot send,
 * and `withServer()` which always closes what it opened.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Application } from '../../lib/protocol/types.js';
import { makeServer } from '../../lib/server/index.js';
import type { ServerOptions, TsgiServer } from '../../lib/server/index.js';

export interface HttpResult {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  /** True when the response ended early (connection lost before the end of the body). */
  aborted: boolean;
}

export interface RequestOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Buffer[];
}

/** One request on a fresh connection (no agent); resolves with the whole response. */
export function fetchResult(port: number, options: RequestOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let aborted = false;
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('aborted', () => {
          aborted = true;
        });
        res.on('error', () => {
          aborted = true;
        });
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
            aborted: aborted || !res.complete,
          }),
        );
      },
    );
    req.on('error', reject);
    const body = options.body;
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** Writes `bytes` on a raw socket and resolves with everything read until the server closes it. */
export function rawExchange(port: number, bytes: string | Buffer, options: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`rawExchange: the server did not close the connection; read ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`));
    }, options.timeoutMs ?? 5000);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

/** Starts a quiet server on 127.0.0.1:0 for `app`, runs `fn`, and closes the server however `fn` ends. */
export async function withServer<T>(
  app: Application,
  fn: (server: TsgiServer) => Promise<T>,
  options: ServerOptions = {},
): Promise<T> {
  const server = await makeServer('127.0.0.1', 0, app, { log: false, ...options });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The status line and headers of a raw response, split from its body. */
export function splitRaw(raw: string): { head: string; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  return end === -1 ? { head: raw, body: '' } : { head: raw.slice(0, end), body: raw.slice(end + 4) };
}
