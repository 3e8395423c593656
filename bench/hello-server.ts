/**
 * One benchmark server, run in a child process by run.ts:
 * `node dist/bench/hello-server.js bare|tsgi|framework|fastify`. `bare` and `tsgi`
 * answer every request with the same 11-byte `hello world` as text/plain
 * with a Content-Length; tsgi's Server header is turned off so both send
 * the same headers. `framework` serves bench/framework-app.ts (five
 * pipeline middleware, a 100-route URLconf, a JSON response); `fastify` the
 * same stack in fastify (bench/fastify-app.ts), loaded only when asked for.
 * The child reports its port over IPC, answers 'cpu' with its CPU time so
 * far (`process.cpuUsage()`), and exits when the parent disconnects.
 */
import { createServer } from 'node:http';
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

async function startBare(): Promise<number> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': BODY.length });
    res.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function startTsgi(app: Application): Promise<number> {
  const server = await makeServer('127.0.0.1', 0, app, { log: false, serverSoftware: '' });
  return server.port;
}

async function start(kind: string | undefined): Promise<number> {
  switch (kind) {
    case 'bare':
      return startBare();
    case 'tsgi':
      return startTsgi(helloApp);
    case 'framework':
      return startTsgi(frameworkApp);
    case 'fastify':
      return (await import('./fastify-app.js')).startFastify();
    default:
      console.error(`hello-server: the argument must be 'bare', 'tsgi', 'framework' or 'fastify'; got ${String(kind)}.`);
      process.exit(2);
  }
}

const port = await start(process.argv[2]);
process.send?.({ port });
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
process.on('disconnect', () => process.exit(0));
