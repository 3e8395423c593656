/**
 * fromNodeHandler(handler): node's own req/res built from the environ, the
 * response turned into startResponse + a streamed body. Driven in-process
 * by the test client, which validates the adapter against the spec.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import test from 'ava';
import { environOf, fromNodeHandler } from '../../lib/adapters/from-node-handler.js';
import type { NodeHandler } from '../../lib/adapters/from-node-handler.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import type { Application } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';

const ERROR_BODY = 'A server error occurred. Please contact the administrator.';

function clientFor(handler: NodeHandler, options: { baseUrl?: string; timeoutMs?: number } = {}): { client: Client; errors: MemoryErrorStream } {
  const errors = new MemoryErrorStream();
  const app = fromNodeHandler(handler, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  const client = new Client(app, { errors, useCookies: false, ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }) });
  return { client, errors };
}

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('fromNodeHandler() rejects a handler that is not a function', (t) => {
  const error = t.throws(() => fromNodeHandler('app' as unknown as NodeHandler), { instanceOf: TypeError });
  t.is(error?.message, "fromNodeHandler() handler must be a function (req, res) such as an Express app; got 'app'.");
});

test('fromNodeHandler() rejects unknown options and a bad timeoutMs at once', (t) => {
  const handler: NodeHandler = (_req, res) => res.end();
  const unknown = t.throws(() => fromNodeHandler(handler, { timeout: 5 } as never), { instanceOf: ImproperlyConfigured });
  t.is(unknown?.message, "fromNodeHandler() got an unknown option 'timeout'. Known options: timeoutMs.");
  const negative = t.throws(() => fromNodeHandler(handler, { timeoutMs: -1 }), { instanceOf: ImproperlyConfigured });
  t.is(negative?.message, 'fromNodeHandler() timeoutMs must be a number of milliseconds, 0 or more; got -1. Pass 0 to turn the timeout off.');
});

test('the handler sees the request: method, mount-relative url, baseUrl, originalUrl, headers, version, peer', async (t) => {
  let seen: Record<string, unknown> = {};
  const { client } = clientFor((req, res) => {
    const extra = req as IncomingMessage & { baseUrl: string; originalUrl: string };
    seen = {
      method: req.method,
      url: req.url,
      baseUrl: extra.baseUrl,
      originalUrl: extra.originalUrl,
      host: req.headers.host,
      multi: req.headers['x-multi'],
      type: req.headers['content-type'],
      rawNames: req.rawHeaders.filter((_, i) => i % 2 === 0).sort(),
      version: req.httpVersion,
      remote: req.socket.remoteAddress,
      encrypted: (req.socket as { encrypted?: boolean }).encrypted,
      scriptName: environOf(req)?.SCRIPT_NAME,
    };
    res.writeHead(204).end();
  }, { baseUrl: 'https://example.com/shop' });
  const response = await client.post('/a%2Fb/c?x=%20y', {
    body: '{}',
    headers: [['Content-Type', 'application/json'], ['X-Multi', 'a'], ['X-Multi', 'b']],
    remoteAddr: '10.0.0.7',
  });
  t.is(response.status, 204);
  t.deepEqual(seen, {
    method: 'POST',
    url: '/a%2Fb/c?x=%20y',
    baseUrl: '/shop',
    originalUrl: '/shop/a%2Fb/c?x=%20y',
    host: 'example.com',
    multi: 'a,b',
    type: 'application/json',
    rawNames: ['Content-Length', 'Content-Type', 'Host', 'X-Multi'],
    version: '1.1',
    remote: '10.0.0.7',
    encrypted: true,
    scriptName: '/shop',
  });
});

test('a request for the mount point itself has the url /', async (t) => {
  let url: string | undefined;
  const { client } = clientFor((req, res) => {
    url = req.url;
    res.writeHead(204).end();
  }, { baseUrl: 'http://localhost/shop' });
  await client.get('');
  t.is(url, '/');
});

test('the response keeps status, reason, repeated Set-Cookie lines, and drops hop-by-hop headers', async (t) => {
  const { client } = clientFor((_req, res) => {
    res.setHeader('Set-Cookie', ['a=1', 'b=2']);
    res.setHeader('Connection', 'keep-alive, X-Private');
    res.setHeader('X-Private', 'hop');
    res.setHeader('Transfer-Encoding', 'chunked');
    res.writeHead(201, 'Made It', { 'Content-Type': 'text/plain' });
    res.end('done');
  });
  const response = await client.get('/');
  t.is(response.statusLine, '201 Made It');
  t.deepEqual(response.headers.getAll('Set-Cookie'), ['a=1', 'b=2']);
  t.false(response.headers.has('X-Private'));
  t.false(response.headers.has('Connection'));
  t.is(response.text(), 'done');
});

test('the head the gateway gets carries no Connection line of node\'s, and hop-by-hop names are dropped in any case, every time', async (t) => {
  const heads: string[][] = [];
  const adapted = fromNodeHandler((req, res) => {
    res.setHeader(req.url === '/upper' ? 'KEEP-ALIVE' : 'Keep-Alive', 'timeout=5');
    res.setHeader('Content-Type', 'text/plain');
    res.end('ok');
  });
  const app: Application = (environ, startResponse) =>
    adapted(environ, (status, headers, excInfo) => {
      heads.push(headers.map(([name]) => name));
      return startResponse(status, headers, excInfo);
    });
  const client = new Client(app, { useCookies: false });
  for (const path of ['/', '/', '/upper', '/upper']) await client.get(path);
  t.deepEqual(heads, [['Content-Type'], ['Content-Type'], ['Content-Type'], ['Content-Type']]);
});

test('writeHead() with a flat header array keeps repeated names', async (t) => {
  const { client } = clientFor((_req, res) => {
    res.writeHead(200, ['Content-Type', 'text/plain', 'Set-Cookie', 'x=1', 'Set-Cookie', 'y=2']);
    res.end();
  });
  const response = await client.get('/');
  t.deepEqual(response.headers.getAll('Set-Cookie'), ['x=1', 'y=2']);
});

test('the request body streams from tsgi.input into the handler', async (t) => {
  const { client } = clientFor((req, res) => {
    const hash = createHash('sha256');
    let chunks = 0;
    req.on('data', (chunk: Buffer) => {
      chunks += 1;
      hash.update(chunk);
    });
    req.on('end', () => {
      res.setHeader('Content-Type', 'text/plain');
      res.end(`${chunks > 1 ? 'streamed' : 'whole'} ${hash.digest('hex')}`);
    });
  });
  const payload = Buffer.alloc(512 * 1024, 'q');
  const response = await client.post('/', { bodyChunks: [payload.subarray(0, 200_000), payload.subarray(200_000)] });
  t.is(response.text(), `streamed ${createHash('sha256').update(payload).digest('hex')}`);
});

test('res.write() returns false while the client is slow, and drain follows', async (t) => {
  const results: boolean[] = [];
  let drains = 0;
  const { client } = clientFor(async (_req, res) => {
    res.setHeader('Content-Type', 'application/octet-stream');
    res.on('drain', () => (drains += 1));
    for (let i = 0; i < 8; i += 1) {
      const ok = res.write(Buffer.alloc(32 * 1024, i));
      results.push(ok);
      if (!ok) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });
  const response = await client.get('/', { onBodyChunk: () => tick(5) });
  t.is(response.bodyLength, 8 * 32 * 1024);
  t.true(results.includes(false), 'write() reported backpressure');
  t.true(drains > 0);
});

test('a head bigger than the socket buffer, flushed alone while corked, still brings drain', async (t) => {
  let ok: boolean | undefined;
  const { client } = clientFor(async (_req, res) => {
    res.cork();
    res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Big': 'a'.repeat(20 * 1024) });
    res.flushHeaders();
    ok = res.write('body');
    const drained = new Promise((resolve) => res.once('drain', resolve));
    res.uncork();
    await drained;
    res.end();
  });
  const response = await client.get('/');
  t.false(ok);
  t.is(response.headers.get('X-Big')?.length, 20 * 1024);
  t.is(response.text(), 'body');
});

test('a handler that throws before responding gets the gateway 500, logged', async (t) => {
  const { client, errors } = clientFor(() => {
    throw new Error('sync boom');
  });
  const response = await client.get('/');
  t.is(response.status, 500);
  t.is(response.text(), ERROR_BODY);
  t.true(errors.text.includes('sync boom'));
});

test('a rejected promise from the handler is a 500', async (t) => {
  const { client, errors } = clientFor(async () => {
    throw new Error('async boom');
  });
  const response = await client.get('/');
  t.is(response.status, 500);
  t.true(errors.text.includes('async boom'));
});

test('next(error) is a 500; next() is a 404; next(error with a 4xx status) answers that status', async (t) => {
  const { client, errors } = clientFor((req, _res, next) => {
    if (req.url === '/error') next?.(new Error('passed on'));
    else if (req.url === '/bad') next?.(Object.assign(new Error('bad json'), { status: 400 }));
    else next?.();
  });
  const failed = await client.get('/error');
  t.is(failed.status, 500);
  t.true(errors.text.includes('passed on'));
  const missing = await client.get('/missing');
  t.is(missing.statusLine, '404 Not Found');
  t.is(missing.text(), 'Not Found\n');
  const bad = await client.get('/bad');
  t.is(bad.statusLine, '400 Bad Request');
  t.false(errors.text.includes('bad json'), 'a client error is not logged as an application error');
});

test('an error after the head went out aborts the response', async (t) => {
  const { client, errors } = clientFor(async (_req, res, next) => {
    res.setHeader('Content-Type', 'text/plain');
    res.write('partial');
    await tick(5);
    next?.(new Error('late failure'));
  });
  const response = await client.get('/');
  t.is(response.status, 200);
  t.true(response.aborted);
  t.is(response.text(), 'partial');
  t.true(errors.text.includes('late failure'));
});

test('a handler that never ends fails after timeoutMs with an error naming the request', async (t) => {
  let closed = false;
  const { client, errors } = clientFor((_req, res) => {
    res.on('close', () => (closed = true));
  }, { timeoutMs: 40 });
  const response = await client.get('/stuck?q=1');
  await tick(5);
  t.is(response.status, 500);
  t.true(
    errors.text.includes(
      'fromNodeHandler: the handler for GET /stuck?q=1 did nothing for 40 ms (no body read, no response written) and did not end its response.',
    ),
  );
  t.true(closed, 'the handler is told through close');
});

test('when the client leaves, the handler sees aborted and close on req and close on res', async (t) => {
  const events: string[] = [];
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const { client, errors } = clientFor((req: IncomingMessage, res: ServerResponse) => {
    req.on('aborted', () => events.push('req aborted'));
    req.on('close', () => events.push('req close'));
    res.on('close', () => {
      events.push(`res close (finished: ${res.writableFinished})`);
      finished();
    });
    res.setHeader('Content-Type', 'text/plain');
    const timer = setInterval(() => res.write('tick '), 2);
    res.on('close', () => clearInterval(timer));
    req.resume();
  });
  const response = await client.post('/', { bodyChunks: (async function* () {
    yield Buffer.from('start');
    await tick(1000);
  })(), disconnectAfter: 10 });
  await done;
  await tick(5);
  t.true(response.aborted);
  t.deepEqual(events.sort(), ['req aborted', 'req close', 'res close (finished: false)']);
  t.is(errors.text, '');
});

test('a complete response emits finish then close on res, and the socket is let go, not destroyed', async (t) => {
  const events: string[] = [];
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const { client } = clientFor((req, res) => {
    const socket = req.socket;
    res.on('finish', () => events.push('finish'));
    res.on('close', () => {
      events.push(`close (finished: ${res.writableFinished}, socket destroyed: ${socket.destroyed}, detached: ${res.socket === null})`);
      closed();
    });
    res.setHeader('Content-Type', 'text/plain');
    res.end('done');
  });
  const response = await client.get('/');
  await done;
  t.is(response.text(), 'done');
  t.deepEqual(events, ['finish', 'close (finished: true, socket destroyed: false, detached: true)']);
});

test('writes made in one tick (node corks the socket) arrive whole and in order', async (t) => {
  const { client } = clientFor((_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.write('one ');
    res.write(Buffer.from('two '));
    res.end('three');
  });
  const response = await client.get('/');
  t.is(response.text(), 'one two three');
});

test('a handler that sets Transfer-Encoding: chunked and streams gets its bytes unchunked (the gateway frames them)', async (t) => {
  const { client } = clientFor(async (_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('Transfer-Encoding', 'chunked');
    res.write('first ');
    await tick(2);
    res.write('second');
    await tick(2);
    res.end();
  });
  const response = await client.get('/');
  t.false(response.headers.has('Transfer-Encoding'));
  t.is(response.text(), 'first second');
});
