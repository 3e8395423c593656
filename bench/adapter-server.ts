/**
 * One server of the Node-adapter benchmark, run in a child process by
 * adapters-node.ts: `node dist/bench/adapter-server.js <kind>`.
 *
 * - `express-node`: an Express hello world on node:http (the baseline);
 * - `express-tsgi`: the same Express app through `fromNodeHandler`, served
 *   by tsgi's development server;
 * - `tsgi-native`: a tsgi hello world on tsgi's development server (the baseline);
 * - `tsgi-node`: the same tsgi app through `toNodeHandler` on node:http.
 *
 * tsgi's `Server` header is off so every pair sends the same headers. The
 * child reports its port over IPC, answers 'cpu' with its CPU time so far,
 * and exits when the parent disconnects.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { fromNodeHandler } from '../lib/adapters/from-node-handler.js';
import { toNodeHandler } from '../lib/adapters/to-node-handler.js';
import type { Application } from '../lib/protocol/types.js';
import { makeServer } from '../lib/server/index.js';

export const ADAPTER_SERVER_KINDS = ['express-node', 'express-tsgi', 'tsgi-native', 'tsgi-node'] as const;
export type AdapterServerKind = (typeof ADAPTER_SERVER_KINDS)[number];

const BODY = Buffer.from('hello world');

const helloApp: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [BODY];
};

function helloExpress(): express.Express {
  const app = express();
  app.get('/', (_req, res) => {
    res.type('text/plain').send('hello world');
  });
  return app;
}

async function listenNode(listener: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<number> {
  const server = createServer((req, res) => void listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function listenTsgi(app: Application): Promise<number> {
  const server = await makeServer('127.0.0.1', 0, app, { log: false, serverSoftware: '' });
  return server.port;
}

function start(kind: AdapterServerKind): Promise<number> {
  switch (kind) {
    case 'express-node':
      return listenNode(helloExpress());
    case 'express-tsgi':
      return listenTsgi(fromNodeHandler(helloExpress()));
    case 'tsgi-native':
      return listenTsgi(helloApp);
    case 'tsgi-node':
      return listenNode(toNodeHandler(helloApp, { serverSoftware: '' }));
  }
}

const kind = process.argv[2] as AdapterServerKind | undefined;
if (process.send !== undefined) {
  if (kind === undefined || !ADAPTER_SERVER_KINDS.includes(kind)) {
    console.error(`adapter-server: the argument must be one of ${ADAPTER_SERVER_KINDS.join(', ')}; got ${String(kind)}.`);
    process.exit(2);
  }
  const port = await start(kind);
  process.send({ port });
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  });
  process.on('disconnect', () => process.exit(0));
}
