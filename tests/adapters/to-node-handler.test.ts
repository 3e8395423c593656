/**
 * toNodeHandler(app): a tsgi application behind node:http, as a listener and
 * mounted connect-style (url stripped, originalUrl kept). Real sockets.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { toNodeHandler } from '../../lib/adapters/to-node-handler.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import type { Application, Environ } from '../../lib/protocol/types.js';
import { echoBodyApp } from '../helpers/fixtures.js';

async function serve(listener: RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** An app that answers 200 and keeps the environ of each request. */
function capturing(): { app: Application; environs: Environ[] } {
  const environs: Environ[] = [];
  const app: Application = (environ, startResponse) => {
    environs.push(environ);
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from('ok')];
  };
  return { app, environs };
}

/** Mounts `handler` at `prefix` the way connect does: strip it from req.url, keep req.originalUrl. */
function connectMount(prefix: string, handler: (req: IncomingMessage, res: ServerResponse) => unknown): RequestListener {
  return (req, res) => {
    const url = req.url ?? '/';
    if (!url.toLowerCase().startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    Object.assign(req, { originalUrl: url });
    const rest = url.slice(prefix.length);
    req.url = rest.startsWith('/') ? rest : '/' + rest;
    void handler(req, res);
  };
}

test('toNodeHandler() rejects an app that is not a function, and bad options, at once', (t) => {
  const notApp = t.throws(() => toNodeHandler({} as Application), { instanceOf: TypeError });
  t.is(notApp?.message, 'toNodeHandler() app must be a tsgi application, a function (environ, startResponse); got an object.');
  const badOption = t.throws(() => toNodeHandler(capturing().app, { colour: 'red' } as never), { instanceOf: ImproperlyConfigured });
  t.is(
    badOption?.message,
    "toNodeHandler(): defaultGatewayOptions() got an unknown option 'colour'. Known options: errors, multithread, multiprocess, runOnce, serverSoftware, fileWrapper, baseEnviron.",
  );
});

test('as a node:http listener, the app is at the root and sees the raw target', async (t) => {
  const { app, environs } = capturing();
  const server = await serve(toNodeHandler(app, { serverSoftware: 'mounted/1' }));
  t.teardown(server.close);
  const response = await fetch(`${server.url}/a%20b?x=1`);
  t.is(await response.text(), 'ok');
  t.is(response.headers.get('server'), 'mounted/1');
  const environ = environs[0]!;
  t.is(environ.SCRIPT_NAME, '');
  t.is(environ.PATH_INFO, '/a b');
  t.is(environ.REQUEST_URI, '/a%20b?x=1');
  t.is(environ.REMOTE_ADDR, '127.0.0.1');
});

test('mounted connect-style, the stripped prefix becomes SCRIPT_NAME and the rest PATH_INFO', async (t) => {
  const { app, environs } = capturing();
  const server = await serve(connectMount('/legacy', toNodeHandler(app)));
  t.teardown(server.close);
  for (const path of ['/legacy/a/b?q=1', '/legacy', '/legacy/', '/legacy/%C3%A4']) await (await fetch(server.url + path)).text();
  t.deepEqual(
    environs.map((environ) => [environ.SCRIPT_NAME, environ.PATH_INFO, environ.REQUEST_URI]),
    [
      ['/legacy', '/a/b', '/legacy/a/b?q=1'],
      ['/legacy', '', '/legacy'],
      ['/legacy', '/', '/legacy/'],
      ['/legacy', '/\xc3\xa4', '/legacy/%C3%A4'],
    ],
  );
});

test('headers set before the handler ran are kept unless the app sets the same name; repeated names survive', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Frame-Options', 'DENY']]);
    return [Buffer.from('ok')];
  };
  const handler = toNodeHandler(app);
  const server = await serve((req, res) => {
    res.setHeader('X-Powered-By', 'Express');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    void handler(req, res);
  });
  t.teardown(server.close);
  const response = await fetch(server.url);
  t.is(response.headers.get('x-powered-by'), 'Express');
  t.is(response.headers.get('x-frame-options'), 'DENY');
  t.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
  t.is(await response.text(), 'ok');
});

test('the request body streams into tsgi.input', async (t) => {
  const server = await serve(toNodeHandler(echoBodyApp));
  t.teardown(server.close);
  const payload = Buffer.alloc(300_000, 'u');
  const response = await fetch(server.url, { method: 'POST', body: payload, headers: { 'Content-Type': 'application/x-test' } });
  t.is(response.headers.get('content-type'), 'application/x-test');
  t.true(Buffer.from(await response.arrayBuffer()).equals(payload));
});

test('a body an earlier middleware consumed fails the first read with an error saying so', async (t) => {
  const errors = new MemoryErrorStream();
  const handler = toNodeHandler(echoBodyApp, { errors });
  const server = await serve((req, res) => {
    req.resume();
    req.on('end', () => {
      Object.assign(req, { body: { parsed: true } });
      void handler(req, res);
    });
  });
  t.teardown(server.close);
  const response = await fetch(server.url + '/upload', { method: 'POST', body: '{"a":1}' });
  t.is(response.status, 500);
  t.true(
    errors.text.includes(
      'toNodeHandler: the body of POST /upload was already read by a body parser (req.body is set), so tsgi.input has nothing to give. ' +
        'Mount toNodeHandler() before body-parsing middleware such as express.json().',
    ),
  );
});

test('the returned promise resolves once the response is finished', async (t) => {
  let finished: boolean | undefined;
  const handler = toNodeHandler(capturing().app);
  const server = await serve((req, res) => {
    void handler(req, res).then(() => (finished = res.writableFinished));
  });
  t.teardown(server.close);
  await (await fetch(server.url)).text();
  t.true(finished);
});
