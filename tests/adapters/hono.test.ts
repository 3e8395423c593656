/**
 * The Fetch adapters with a real Hono application, both ways:
 * - a Hono app wrapped by tsgi middleware through `fromFetchHandler()` and
 *   served by tsgi's dev server over a real socket (routes, JSON, streaming,
 *   an upload, cookies, a redirect, a client that leaves);
 * - a tsgi application mounted inside Hono through `toFetchHandler()`,
 *   driven by calling `hono.fetch(new Request(...))` directly.
 */
import http from 'node:http';
import test from 'ava';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { stream } from 'hono/streaming';
import { fromFetchHandler, type FetchHandlerInfo } from '../../lib/adapters/from-fetch-handler.js';
import { toFetchHandler } from '../../lib/adapters/to-fetch-handler.js';
import { compose } from '../../lib/protocol/compose.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import type { Application } from '../../lib/protocol/types.js';
import { makeServer, type TsgiServer } from '../../lib/server/index.js';
import { accessLog } from '../../middleware/access-log.js';
import { basicAuth } from '../../middleware/basic-auth.js';
import { compress } from '../../middleware/compress.js';
import { closeTracker } from '../helpers/fixtures.js';

const AUTH = { Authorization: `Basic ${Buffer.from('ada:secret').toString('base64')}` };
const tick = (ms = 10): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the Hono app saw of a streamed response whose client left. */
const streamEvents: string[] = [];
let lastSignal: AbortSignal | undefined;

// `c.env` is the Deno-style info fromFetchHandler() passes (what hono/deno's getConnInfo reads;
// that module needs the Deno global, so it is not imported here).
function honoApp(): Hono {
  const hono = new Hono();
  hono.get('/', (c) => c.text('Hello from Hono'));
  hono.get('/users/:id', (c) => c.json({ id: c.req.param('id'), q: c.req.query('q') ?? null, peer: (c.env as FetchHandlerInfo).remoteAddr?.hostname ?? null }));
  hono.post('/upload', async (c) => {
    const form = await c.req.parseBody();
    const file = form['file'];
    if (!(file instanceof File)) return c.text('no file', 400);
    return c.json({ title: form['title'], name: file.name, size: file.size, text: await file.text() });
  });
  hono.get('/login', (c) => {
    setCookie(c, 'session', 'abc', { path: '/', httpOnly: true });
    setCookie(c, 'theme', 'dark', { path: '/' });
    return c.redirect('/welcome', 303);
  });
  hono.get('/big', (c) => c.text('x'.repeat(20_000)));
  hono.get('/stream', (c) => {
    c.header('Content-Type', 'text/event-stream');
    return stream(c, async (s) => {
      for (let i = 1; i <= 3; i += 1) {
        await s.write(`data: ${i}\n\n`);
        await s.sleep(20);
      }
    });
  });
  hono.get('/endless', (c) => {
    lastSignal = c.req.raw.signal;
    c.header('Content-Type', 'application/octet-stream');
    return stream(c, async (s) => {
      s.onAbort(() => void streamEvents.push('aborted'));
      while (!s.aborted) {
        await s.write(new Uint8Array(1024));
        await s.sleep(2);
      }
    });
  });
  return hono;
}

async function serve(): Promise<{ server: TsgiServer; logLines: string[]; errors: MemoryErrorStream }> {
  const logLines: string[] = [];
  const errors = new MemoryErrorStream();
  const stack = compose(
    accessLog({ format: '%(u)s "%(r)s" %(s)s', stream: { write: (line: string) => logLines.push(line.trimEnd()) } }),
    basicAuth({ realm: 'hono', users: { ada: 'secret' } }),
    compress({ threshold: 1024 }),
  );
  const server = await makeServer('127.0.0.1', 0, stack(fromFetchHandler(honoApp().fetch)), { log: false, errors });
  return { server, logLines, errors };
}

test('a Hono app wrapped by tsgi middleware is served by the dev server: auth, routes, JSON, access log', async (t) => {
  const { server, logLines, errors } = await serve();
  try {
    const denied = await fetch(new URL('/', server.url));
    t.is(denied.status, 401);
    t.regex(denied.headers.get('www-authenticate') ?? '', /^Basic realm="hono"/);

    const hello = await fetch(new URL('/', server.url), { headers: AUTH });
    t.is(hello.status, 200);
    t.is(hello.headers.get('content-type'), 'text/plain;charset=UTF-8');
    t.is(await hello.text(), 'Hello from Hono');

    const user = await fetch(new URL('/users/42?q=caf%C3%A9', server.url), { headers: AUTH });
    t.deepEqual(await user.json(), { id: '42', q: 'café', peer: '127.0.0.1' });

    const missing = await fetch(new URL('/nowhere', server.url), { headers: AUTH });
    t.is(missing.status, 404);
    await missing.text();
    await tick(20);
    t.deepEqual(logLines, ['- "GET / HTTP/1.1" 401', 'ada "GET / HTTP/1.1" 200', 'ada "GET /users/42?q=caf%C3%A9 HTTP/1.1" 200', 'ada "GET /nowhere HTTP/1.1" 404']);
    t.is(errors.text, '');
  } finally {
    await server.close();
  }
});

test('a Hono app behind tsgi: compress() compresses its big responses', async (t) => {
  const { server } = await serve();
  try {
    const response = await fetch(new URL('/big', server.url), { headers: { ...AUTH, 'Accept-Encoding': 'gzip' } });
    t.is(response.headers.get('content-encoding'), 'gzip');
    t.is(await response.text(), 'x'.repeat(20_000));
  } finally {
    await server.close();
  }
});

test('a Hono app behind tsgi: a multipart upload reaches parseBody() streamed from tsgi.input', async (t) => {
  const { server } = await serve();
  try {
    const form = new FormData();
    form.append('title', 'report');
    form.append('file', new Blob(['a'.repeat(100_000) + 'END'], { type: 'text/plain' }), 'report.txt');
    const response = await fetch(new URL('/upload', server.url), { method: 'POST', headers: AUTH, body: form });
    t.is(response.status, 200);
    const result = (await response.json()) as { title: string; name: string; size: number; text: string };
    t.is(result.title, 'report');
    t.is(result.name, 'report.txt');
    t.is(result.size, 100_003);
    t.true(result.text.endsWith('aEND'));
  } finally {
    await server.close();
  }
});

test('a Hono app behind tsgi: cookies and a redirect come through, each Set-Cookie on its own', async (t) => {
  const { server } = await serve();
  try {
    const response = await fetch(new URL('/login', server.url), { headers: AUTH, redirect: 'manual' });
    t.is(response.status, 303);
    t.is(response.headers.get('location'), '/welcome');
    t.deepEqual(response.headers.getSetCookie(), ['session=abc; Path=/; HttpOnly', 'theme=dark; Path=/']);
  } finally {
    await server.close();
  }
});

test('a Hono app behind tsgi: a streamed response arrives chunk by chunk', async (t) => {
  const { server } = await serve();
  try {
    const response = await fetch(new URL('/stream', server.url), { headers: AUTH });
    t.is(response.headers.get('transfer-encoding'), 'chunked');
    const arrivals: Array<[string, number]> = [];
    const started = Date.now();
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) arrivals.push([decoder.decode(chunk), Date.now() - started]);
    t.is(arrivals.map(([text]) => text).join(''), 'data: 1\n\ndata: 2\n\ndata: 3\n\n');
    // A busy machine may deliver two events in one read; the first never waits for the last.
    t.true(arrivals.length >= 2, `the events arrived as ${arrivals.length} chunks`);
    t.false(arrivals[0]![0].includes('data: 3'), 'the first event arrived before the stream ended');
  } finally {
    await server.close();
  }
});

test('a Hono app behind tsgi sees the client leave: its stream is aborted and its Request signal fires', async (t) => {
  const { server, errors } = await serve();
  try {
    // node's http client, not fetch: an aborted fetch leaves its socket open for seconds.
    await new Promise<void>((resolve, reject) => {
      const request = http.get(new URL('/endless', server.url), { headers: AUTH }, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    });
    for (let i = 0; i < 50 && streamEvents.length === 0; i += 1) await tick(10);
    t.deepEqual(streamEvents, ['aborted']);
    t.true(lastSignal?.aborted);
    t.is(errors.text, '', 'a client that leaves is not an error');
  } finally {
    await server.close();
  }
});

test('a tsgi app mounted in Hono through toFetchHandler(): SCRIPT_NAME, streaming, and close() on cancel', async (t) => {
  const tracker = closeTracker();
  const legacy: Application = (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    if (environ.PATH_INFO === '/where') return [Buffer.from(`${environ.SCRIPT_NAME} ${environ.PATH_INFO} ${environ.QUERY_STRING}`)];
    return (async function* () {
      for (let i = 0; ; i += 1) {
        yield Buffer.from(`line ${i}\n`);
        await tick(1);
      }
    })();
  };
  const handler = toFetchHandler(tracker.app(legacy), { scriptName: '/legacy' });
  const hono = new Hono();
  hono.get('/', (c) => c.text('hono root'));
  hono.all('/legacy/*', (c) => handler(c.req.raw));

  const where = await hono.fetch(new Request('http://example.com/legacy/where?x=1'));
  t.is(await where.text(), '/legacy /where x=1');
  t.is(await (await hono.fetch(new Request('http://example.com/'))).text(), 'hono root');

  const streamed = await hono.fetch(new Request('http://example.com/legacy/lines'));
  const reader = streamed.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('line 2\n')) text += decoder.decode((await reader.read()).value);
  t.true(text.startsWith('line 0\nline 1\n'));
  await reader.cancel();
  await tracker.untilClosed(2);
  t.is(tracker.count, 2, 'close() ran once per request, the cancelled one included');
});
