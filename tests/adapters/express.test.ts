/**
 * Proof with a real Express 5 app, over real sockets, both ways:
 * - an Express app (routes, express.json(), a streamed response, an upload
 *   piped into a hash, cookies, a redirect, an error-handling middleware)
 *   wrapped by `compose(accessLog(), basicAuth())` and served by tsgi's
 *   development server through `fromNodeHandler`;
 * - a tsgi application mounted inside Express at a prefix with
 *   `toNodeHandler`, seeing Express's mount point as SCRIPT_NAME.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { environOf, fromNodeHandler } from '../../lib/adapters/from-node-handler.js';
import { toNodeHandler } from '../../lib/adapters/to-node-handler.js';
import { compose } from '../../lib/protocol/compose.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import type { Application, Environ } from '../../lib/protocol/types.js';
import { makeServer } from '../../lib/server/index.js';
import type { TsgiServer } from '../../lib/server/index.js';
import { accessLog, basicAuth } from '../../middleware/index.js';

const AUTH = { Authorization: `Basic ${Buffer.from('ada:lovelace').toString('base64')}` };

/** The Express app under test: what an existing project would already have. */
function shopApp(): express.Express {
  const shop = express();
  shop.get('/hello', (req, res) => {
    res.json({ user: environOf(req)?.REMOTE_USER, baseUrl: req.baseUrl, url: req.url, ip: req.ip });
  });
  shop.post('/orders', express.json(), (req, res) => {
    res.status(201).json({ received: req.body as unknown });
  });
  shop.get('/stream', async (_req, res) => {
    res.type('text/plain');
    for (const part of ['one ', 'two ', 'three']) {
      res.write(part);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    res.end();
  });
  shop.put('/upload', (req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => res.type('text/plain').send(`${bytes} ${hash.digest('hex')}`));
  });
  shop.get('/login', (_req, res) => {
    res.cookie('session', 'abc', { httpOnly: true }).cookie('theme', 'dark').redirect(303, 'hello');
  });
  shop.get('/broken', () => {
    throw new Error('inventory offline');
  });
  shop.use((error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status ?? 503).type('text/plain').send(`sorry: ${error.message}`);
  });
  return shop;
}

async function serveShop(t: { teardown(fn: () => Promise<void>): void }): Promise<{ server: TsgiServer; log: string[]; errors: MemoryErrorStream }> {
  const log: string[] = [];
  const errors = new MemoryErrorStream();
  const app = compose(
    accessLog({ format: '%(u)s "%(r)s" %(s)s', stream: { write: (line: string) => log.push(line.trim()) } }),
    basicAuth({ realm: 'shop', users: { ada: 'lovelace' } }),
  )(fromNodeHandler(shopApp()));
  const server = await makeServer('127.0.0.1', 0, app, { log: false, errors });
  t.teardown(() => server.close());
  return { server, log, errors };
}

test('an Express app behind accessLog() and basicAuth() on the dev server: auth, routes, the user', async (t) => {
  const { server, log } = await serveShop(t);
  const refused = await fetch(`${server.url}hello`);
  t.is(refused.status, 401);
  t.is(refused.headers.get('www-authenticate'), 'Basic realm="shop", charset="UTF-8"');
  const response = await fetch(`${server.url}hello`, { headers: AUTH });
  t.is(response.status, 200);
  t.is(response.headers.get('x-powered-by'), 'Express');
  t.deepEqual(await response.json(), { user: 'ada', baseUrl: '', url: '/hello', ip: '127.0.0.1' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.deepEqual(log, ['- "GET /hello HTTP/1.1" 401', 'ada "GET /hello HTTP/1.1" 200']);
});

test('express.json() parses a posted body; a malformed one reaches the error middleware as a 400', async (t) => {
  const { server } = await serveShop(t);
  const created = await fetch(`${server.url}orders`, {
    method: 'POST',
    headers: { ...AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify({ item: 'tea', qty: 2 }),
  });
  t.is(created.status, 201);
  t.deepEqual(await created.json(), { received: { item: 'tea', qty: 2 } });
  const malformed = await fetch(`${server.url}orders`, {
    method: 'POST',
    headers: { ...AUTH, 'Content-Type': 'application/json' },
    body: '{"item":',
  });
  t.is(malformed.status, 400);
  t.regex(await malformed.text(), /^sorry: /);
});

test('a response written in chunks with res.write() arrives streamed (chunked)', async (t) => {
  const { server } = await serveShop(t);
  const response = await fetch(`${server.url}stream`, { headers: AUTH });
  t.is(response.headers.get('transfer-encoding'), 'chunked');
  t.is(await response.text(), 'one two three');
});

test('an 8 MiB upload streams through to a hash in the handler', async (t) => {
  const { server } = await serveShop(t);
  const payload = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < payload.length; i += 4096) payload[i] = i % 251;
  const response = await fetch(`${server.url}upload`, { method: 'PUT', headers: AUTH, body: payload });
  t.is(await response.text(), `${payload.length} ${createHash('sha256').update(payload).digest('hex')}`);
});

test('res.cookie() and res.redirect() come through: two Set-Cookie lines and a Location', async (t) => {
  const { server } = await serveShop(t);
  const response = await fetch(`${server.url}login`, { headers: AUTH, redirect: 'manual' });
  t.is(response.status, 303);
  t.is(response.headers.get('location'), 'hello');
  t.deepEqual(response.headers.getSetCookie(), ['session=abc; Path=/; HttpOnly', 'theme=dark; Path=/']);
});

test("Express's error-handling middleware answers a thrown error; unknown routes get a 404", async (t) => {
  const { server, errors } = await serveShop(t);
  const broken = await fetch(`${server.url}broken`, { headers: AUTH });
  t.is(broken.status, 503);
  t.is(await broken.text(), 'sorry: inventory offline');
  const missing = await fetch(`${server.url}nowhere`, { headers: AUTH });
  t.is(missing.status, 404);
  t.is(errors.text, '', 'nothing reached the gateway as an application error');
});

test('the Express app mounted under a tsgi SCRIPT_NAME sees it as req.baseUrl', async (t) => {
  const shop = fromNodeHandler(shopApp());
  const mounted: Application = (environ, startResponse) => {
    if (!environ.PATH_INFO.startsWith('/shop')) {
      startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
      return [Buffer.from('no')];
    }
    return shop({ ...environ, SCRIPT_NAME: '/shop', PATH_INFO: environ.PATH_INFO.slice(5) }, startResponse);
  };
  const server = await makeServer('127.0.0.1', 0, mounted, { log: false });
  t.teardown(() => server.close());
  const response = await fetch(`${server.url}shop/hello`);
  t.like(await response.json(), { baseUrl: '/shop', url: '/hello' });
});

test('a tsgi app mounted in Express with toNodeHandler gets the mount point as SCRIPT_NAME', async (t) => {
  const environs: Environ[] = [];
  const legacy: Application = (environ, startResponse) => {
    environs.push(environ);
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']]);
    return [Buffer.from(`legacy at ${environ.SCRIPT_NAME} ${environ.PATH_INFO}`)];
  };
  const site = express();
  site.use('/legacy', toNodeHandler(legacy));
  site.get('/', (_req, res) => res.send('express home'));
  const server = createServer(site);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const response = await fetch(`${base}/legacy/reports/2024?full=1`);
  t.is(await response.text(), 'legacy at /legacy /reports/2024');
  t.is(response.headers.get('x-powered-by'), 'Express', 'headers Express set first are kept');
  t.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
  await (await fetch(`${base}/legacy`)).text();
  t.is(await (await fetch(`${base}/`)).text(), 'express home');
  t.deepEqual(
    environs.map((environ) => [environ.SCRIPT_NAME, environ.PATH_INFO, environ.QUERY_STRING, environ.REQUEST_URI]),
    [
      ['/legacy', '/reports/2024', 'full=1', '/legacy/reports/2024?full=1'],
      ['/legacy', '', '', '/legacy'],
    ],
  );
});
