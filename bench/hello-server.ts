/**
 * One benchmark server, run in a child process by run.ts:
 * `node dist/bench/hello-server.js bare|tsgi|framework|fastify|bare-json`. `bare`
 * and `tsgi` answer every request with the same 11-byte `hello world` as
 * text/plain with a Content-Length; tsgi's Server header is turned off so
 * both send the same headers. `framework` serves bench/framework-app.ts (five
 * pipeline middleware, a 100-route URLconf, a JSON response); `fastify` the
 * same stack in fastify (bench/fastify-app.ts), loaded only when asked for;
 * `bare-json` is bare node:http sending the framework's answer as it is
 * (its seven headers and JSON body) to every request: what that response
 * costs by itself.
 * The child reports its port over IPC, answers 'cpu' with its CPU time so
 * far (`process.cpuUsage()`), and exits when the parent disconnects.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Application } from '../lib/protocol/types.js';
import { makeServer } from '../lib/server/index.js';
import { frameworkApp } from './framework-app.js';

const BODY = Buffer.from('hello world');

/** The application tsgi serves: status, one header, a one-chunk array body. */
const helloApp: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [BODY];
};

/** A bare node:http server on 127.0.0.1 with `listener`; resolves with its port. */
async function startNode(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const bareHello: RequestListener = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': BODY.length });
  res.end(BODY);
};

/** The framework request's answer, header for header (bench/framework-app.ts), built once. */
const FRAMEWORK_BODY = Buffer.from(JSON.stringify({ id: 42, name: 'item 42' }));
const FRAMEWORK_HEADERS: Array<[string, string]> = [
  ['Content-Type', 'application/json'],
  ['X-Powered-By', 'tsgi'],
  ['X-Frame-Options', 'DENY'],
  ['Content-Length', String(FRAMEWORK_BODY.length)],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
];

const bareFrameworkAnswer: RequestListener = (_req, res) => {
  res.writeHead(200, FRAMEWORK_HEADERS);
  res.end(FRAMEWORK_BODY);
};

async function startTsgi(app: Application): Promise<number> {
  const server = await makeServer('127.0.0.1', 0, app, { log: false, serverSoftware: '' });
  return server.port;
}

async function start(kind: string | undefined): Promise<number> {
  switch (kind) {
    case 'bare':
      return startNode(bareHello);
    case 'tsgi':
      return startTsgi(helloApp);
    case 'framework':
      return startTsgi(frameworkApp);
    case 'fastify':
      return (await import('./fastify-app.js')).startFastify();
    case 'bare-json':
      return startNode(bareFrameworkAnswer);
    default:
      console.error(`hello-server: the argument must be 'bare', 'tsgi', 'framework', 'fastify' or 'bare-json'; got ${String(kind)}.`);
      process.exit(2);
  }
}

const port = await start(process.argv[2]);
process.send?.({ port });
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
process.on('disconnect', () => process.exit(0));
