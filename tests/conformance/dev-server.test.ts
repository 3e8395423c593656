/**
 * The server-conformance suite run against the development server over real
 * sockets. Requests go through node's http client (an independent parser
 * checks every response), except HTTP/1.0 and repeated Cookie lines, which
 * node's client cannot send and which go through a raw `net` socket.
 */
import http from 'node:http';
import { Headers } from '../../lib/protocol/headers.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { makeServer } from '../../lib/server/index.js';
import { runConformance } from './suite.js';
import { framingOf, type ConformanceRequest, type ConformanceResponse, type FrontEnd, type FrontEndFactory } from './front-end.js';
import { rawExchange } from './raw-http.js';

/** Time for the server to finish logging after the client saw the end of a response. */
const SETTLE_MS = 25;

const devServer: FrontEndFactory = {
  async start(app) {
    const errors = new MemoryErrorStream();
    const server = await makeServer('127.0.0.1', 0, app, { log: false, errors });
    const frontEnd: FrontEnd = {
      async send(request: ConformanceRequest = {}) {
        const before = errors.text.length;
        const needsRaw =
          request.protocol === 'HTTP/1.0' ||
          (request.headers ?? []).filter(([name]) => name.toLowerCase() === 'cookie').length > 1;
        const response = needsRaw ? await rawExchange(server.port, request) : await nodeExchange(server.port, request);
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        return { ...response, errorsText: errors.text.slice(before) };
      },
      errorsText: () => errors.text,
      close: () => server.close(),
    };
    return frontEnd;
  },
};

/** One request through node's http client on a fresh connection. */
function nodeExchange(port: number, request: ConformanceRequest): Promise<Omit<ConformanceResponse, 'errorsText'>> {
  const method = request.method ?? 'GET';
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of request.headers ?? []) {
    const existing = headers[name];
    headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
    headers['Content-Length'] = String(body.length);
  }
  if (request.expectContinue === true) headers.Expect = '100-continue';

  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: request.target ?? '/', headers, agent: false });
    let continued = false;
    const sendBody = (): void => {
      if (body !== undefined) req.write(body);
      for (const chunk of request.bodyChunks ?? []) req.write(chunk);
      req.end();
    };
    req.on('continue', () => {
      continued = true;
      sendBody();
    });
    let responded = false;
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (responded) return;
      // The connection died before a response head: what a client sees as "socket hang up".
      if (error.code !== 'ECONNRESET') {
        reject(error);
        return;
      }
      resolve({
        status: 0,
        statusLine: '',
        headers: new Headers(),
        body: Buffer.alloc(0),
        bodyLength: 0,
        framing: 'none',
        aborted: true,
        continued,
      });
    });
    req.on('response', (res) => {
      responded = true;
      const responseHeaders = new Headers();
      for (let i = 0; i < res.rawHeaders.length; i += 2) responseHeaders.add(res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '');
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let bodyLength = 0;
      let aborted = false;
      const finish = (): void => {
        req.destroy();
        resolve({
          status,
          statusLine: `${status} ${res.statusMessage ?? ''}`,
          headers: responseHeaders,
          body: Buffer.concat(chunks),
          bodyLength,
          framing: framingOf(method, status, responseHeaders),
          aborted: aborted || !res.complete,
          continued,
        });
      };
      if (request.disconnectAfter === 0) {
        aborted = true;
        finish();
        return;
      }
      void (async () => {
        try {
          for await (const chunk of res as AsyncIterable<Buffer>) {
            bodyLength += chunk.length;
            if (request.onBodyChunk !== undefined) await request.onBodyChunk(chunk);
            else chunks.push(chunk);
            if (request.disconnectAfter !== undefined && bodyLength >= request.disconnectAfter) {
              aborted = true;
              break;
            }
          }
        } catch {
          // 'aborted' / ECONNRESET: the server cut the response.
          aborted = true;
        }
        finish();
      })();
    });
    if (request.expectContinue !== true) sendBody();
    else req.flushHeaders();
  });
}

runConformance('dev server', devServer);
