/**
 * The stack test of issue 4: every bundled middleware composed into one
 * production-like stack, with validate() between every two layers, driven by
 * the same table of scenarios through the test client (in-process) and
 * through the development server over a real socket (node:http).
 */
import test from 'ava';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import {
  accessLog, basicAuth, bearerAuth, bodyLimit, compress, conditionalGet, contentLength, cors, etag, head,
  methodOverride, proxyFix, requestId, serverTiming, showExceptions, staticFiles, timeout, urlMap,
} from '../../middleware/index.js';
import type { Application, Environ, HeaderList, Middleware } from '../../lib/protocol/types.js';
import { validate, type ValidatedApplication } from '../../lib/validate/index.js';
import { Client } from '../../lib/testing/client.js';
import { makeServer } from '../../lib/server/index.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';

const ORIGIN = 'https://app.example.com';
const AUTH = `Basic ${Buffer.from('ada:lovelace').toString('base64')}`;
const ITEMS = Buffer.from(JSON.stringify({ items: Array.from({ length: 60 }, (_, i) => ({ id: i, name: `item ${i}` })) }));
const ITEMS_ETAG = `W/"${createHash('sha256').update(ITEMS).digest('base64url').slice(0, 27)}"`;
const FILE_TEXT = 'Hello, static world!\n';

let root = '';
test.before(() => {
  root = mkdtempSync(join(tmpdir(), 'tsgi-stack-'));
  writeFileSync(join(root, 'hello.txt'), FILE_TEXT);
});
test.after.always(() => rmSync(root, { recursive: true, force: true }));

/** What an inner app saw, copied at call time (urlMap restores SCRIPT_NAME/PATH_INFO on close). */
interface Seen {
  app: string; REQUEST_METHOD: string; SCRIPT_NAME: string; PATH_INFO: string; REMOTE_ADDR: string | undefined;
  REMOTE_USER: string | undefined; requestId: unknown; originalMethod: unknown; input: string;
}

/** One stack, its log and its recordings: built afresh for every test, so tests may run concurrently. */
function world() {
  const seen: Seen[] = [];
  const log: string[] = [];
  const validators: ValidatedApplication[] = [];
  const v = (app: Application): Application => {
    const validated = validate(app);
    validators.push(validated);
    return validated;
  };
  /** `validate(mw1(validate(mw2(validate(app)))))` */
  const interleave = (layers: Middleware[], app: Application): Application =>
    layers.reduceRight<Application>((inner, layer) => v(layer(inner)), v(app));
  const recorder = (name: string, respond: (environ: Environ) => [string, HeaderList, Buffer]): Application =>
    async (environ, startResponse) => {
      const input = Buffer.from(await environ['tsgi.input'].read()).toString('latin1');
      seen.push({
        app: name, input, REQUEST_METHOD: environ.REQUEST_METHOD, SCRIPT_NAME: environ.SCRIPT_NAME, PATH_INFO: environ.PATH_INFO,
        REMOTE_ADDR: environ.REMOTE_ADDR, REMOTE_USER: environ.REMOTE_USER,
        requestId: environ['tsgi.request_id'], originalMethod: environ['tsgi.original_method'],
      });
      const [status, headers, body] = respond(environ);
      startResponse(status, headers);
      return [body];
    };
  const api = recorder('api', (environ) => environ.REQUEST_METHOD === 'GET' || environ.REQUEST_METHOD === 'HEAD'
    ? ['200 OK', [['Content-Type', 'application/json']], ITEMS]
    : ['200 OK', [['Content-Type', 'text/plain']], Buffer.from(`${environ.REQUEST_METHOD} done`)]);
  const admin = recorder('admin', () => ['200 OK', [['Content-Type', 'text/plain']], Buffer.from('admin area')]);
  const site: Application = v(async (environ, startResponse) => {
    if (environ.PATH_INFO === '/boom') throw new Error('kaboom');
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from('home')];
  });
  let ids = 0;
  const stack = interleave([
    proxyFix({ xFor: 1 }),
    requestId({ generate: () => `gen-${++ids}` }),
    accessLog({ format: '%(h)s "%(r)s" %(s)s %(B)s %(u)s %({tsgi.request_id}e)s', stream: { write: (line: string) => log.push(line) } }),
    serverTiming(),
    showExceptions(),
    timeout({ ms: 10_000 }),
    bodyLimit({ limit: 1024 }),
    cors({ origins: [ORIGIN], exposedHeaders: ['X-Request-ID'], maxAge: 600 }),
    methodOverride(),
    head(),
    staticFiles({ root, prefix: '/static' }),
    compress({ threshold: 256 }),
    conditionalGet(),
    etag(),
    contentLength(),
  ], urlMap({
    '/': site,
    '/api': interleave([basicAuth({ realm: 'stack', users: { ada: 'lovelace' } })], api),
    '/admin': interleave([bearerAuth({ realm: 'admin', tokens: ['s3cr3t-token'] })], admin),
  }));
  return { stack: v(stack), seen, log, validators };
}

/** The response, and what the request wrote to `tsgi.errors`. */
interface Reply { status: number; headers: HeaderList; body: Buffer; errors: string }
interface Req { method: string; path: string; headers?: Record<string, string>; body?: string }
type FrontEnd = (stack: Application, req: Req) => Promise<Reply>;

const viaClient: FrontEnd = async (stack, req) => {
  const response = await new Client(stack, { validate: false }).request(req.method, req.path, {
    headers: req.headers ?? {}, ...(req.body !== undefined && { body: req.body }),
  });
  return { status: response.status, headers: response.headers.toList(), body: response.body, errors: response.errors };
};

const viaSocket: FrontEnd = async (stack, req) => {
  const errors = new MemoryErrorStream();
  const server = await makeServer('127.0.0.1', 0, stack, { log: false, errors });
  try {
    return await new Promise<Reply>((resolve, reject) => {
      const headers = { ...req.headers, ...(req.body !== undefined && { 'Content-Length': String(Buffer.byteLength(req.body)) }) };
      const outgoing = httpRequest({ host: '127.0.0.1', port: server.port, method: req.method, path: req.path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const pairs: HeaderList = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks), get errors() { return errors.text; } });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  } finally {
    await server.close();
  }
};

/** A header's values joined by `, `, or undefined. */
function header(reply: Reply, name: string): string | undefined {
  const values = reply.headers.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, value]) => value);
  return values.length === 0 ? undefined : values.join(', ');
}

interface Scenario {
  name: string;
  /** Requests sent first (e.g. to learn an ETag); only the last reply is checked. */
  before?: Req[];
  req: Req;
  check(t: import('ava').ExecutionContext, reply: Reply, w: ReturnType<typeof world>): void;
}

const authed = { Authorization: AUTH, 'X-Request-ID': 'req-1' };

const scenarios: Scenario[] = [{
  name: 'authenticated GET of JSON from /api: gzip, Vary, ETag, request id, Server-Timing, CORS, log, SCRIPT_NAME, X-Forwarded-For',
  req: { method: 'GET', path: '/api/items?page=1', headers: { ...authed, 'Accept-Encoding': 'gzip', Origin: ORIGIN, 'X-Forwarded-For': '203.0.113.7' } },
  check(t, reply, w) {
    t.is(reply.status, 200);
    t.is(header(reply, 'Content-Encoding'), 'gzip');
    t.deepEqual(gunzipSync(reply.body), ITEMS);
    t.is(header(reply, 'Content-Length'), String(reply.body.length));
    t.is(header(reply, 'Content-Type'), 'application/json');
    t.is(header(reply, 'Vary'), 'Accept-Encoding, Origin');
    t.is(header(reply, 'ETag'), ITEMS_ETAG);
    t.is(header(reply, 'X-Request-ID'), 'req-1');
    t.regex(header(reply, 'Server-Timing') ?? '', /^app;dur=\d+(\.\d+)?$/);
    t.is(header(reply, 'Access-Control-Allow-Origin'), ORIGIN);
    t.is(header(reply, 'Access-Control-Expose-Headers'), 'X-Request-ID');
    t.like(w.seen, [{ app: 'api', REQUEST_METHOD: 'GET', SCRIPT_NAME: '/api', PATH_INFO: '/items', REMOTE_ADDR: '203.0.113.7', REMOTE_USER: 'ada', requestId: 'req-1' }]);
    t.deepEqual(w.log, [`203.0.113.7 "GET /api/items?page=1 HTTP/1.1" 200 ${reply.body.length} ada req-1\n`]);
  },
}, {
  name: 'If-None-Match revalidation: 304 without a body, the app still called',
  before: [{ method: 'GET', path: '/api/items', headers: { ...authed, 'Accept-Encoding': 'gzip' } }],
  req: { method: 'GET', path: '/api/items', headers: { ...authed, 'Accept-Encoding': 'gzip', 'If-None-Match': ITEMS_ETAG } },
  check(t, reply, w) {
    t.is(reply.status, 304);
    t.is(reply.body.length, 0);
    t.is(header(reply, 'ETag'), ITEMS_ETAG);
    t.is(header(reply, 'Content-Encoding'), undefined);
    t.is(w.seen.length, 2);
    t.is(w.log[1], '127.0.0.1 "GET /api/items HTTP/1.1" 304 0 ada req-1\n');
  },
}, {
  name: 'HEAD: GET headers, Content-Length of the GET body, no body',
  req: { method: 'HEAD', path: '/api/items', headers: authed },
  check(t, reply, w) {
    t.is(reply.status, 200);
    t.is(reply.body.length, 0);
    t.is(header(reply, 'Content-Length'), String(ITEMS.length));
    t.is(header(reply, 'Content-Type'), 'application/json');
    t.is(header(reply, 'ETag'), ITEMS_ETAG);
    t.like(w.seen, [{ app: 'api', REQUEST_METHOD: 'HEAD' }]);
    t.deepEqual(w.log, ['127.0.0.1 "HEAD /api/items HTTP/1.1" 200 0 ada req-1\n']);
  },
}, {
  name: 'static file with Range: 206 with the slice, served before auth and the apps',
  req: { method: 'GET', path: '/static/hello.txt', headers: { Range: 'bytes=7-12', 'Accept-Encoding': 'gzip' } },
  check(t, reply, w) {
    t.is(reply.status, 206);
    t.is(reply.body.toString(), 'static');
    t.is(header(reply, 'Content-Range'), `bytes 7-12/${FILE_TEXT.length}`);
    t.is(header(reply, 'Content-Length'), '6');
    t.is(header(reply, 'Content-Type'), 'text/plain; charset=utf-8');
    t.is(header(reply, 'Content-Encoding'), undefined);
    t.is(header(reply, 'X-Request-ID'), 'gen-1');
    t.deepEqual(w.seen, []);
    t.deepEqual(w.log, ['127.0.0.1 "GET /static/hello.txt HTTP/1.1" 206 6 - gen-1\n']);
  },
}, {
  name: 'CORS preflight answered without the app (and without credentials)',
  req: { method: 'OPTIONS', path: '/api/items', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization' } },
  check(t, reply, w) {
    t.is(reply.status, 204);
    t.is(reply.body.length, 0);
    t.is(header(reply, 'Access-Control-Allow-Origin'), ORIGIN);
    t.is(header(reply, 'Access-Control-Allow-Methods'), 'GET, HEAD, PUT, PATCH, POST, DELETE');
    t.is(header(reply, 'Access-Control-Allow-Headers'), 'authorization');
    t.is(header(reply, 'Access-Control-Max-Age'), '600');
    t.deepEqual(w.seen, []);
    t.deepEqual(w.log, ['127.0.0.1 "OPTIONS /api/items HTTP/1.1" 204 0 - gen-1\n']);
  },
}, {
  name: '401 without credentials, with the challenge; the app is not called',
  req: { method: 'GET', path: '/api/items', headers: { Origin: ORIGIN } },
  check(t, reply, w) {
    t.is(reply.status, 401);
    t.is(header(reply, 'WWW-Authenticate'), 'Basic realm="stack", charset="UTF-8"');
    t.is(header(reply, 'Access-Control-Allow-Origin'), ORIGIN);
    t.deepEqual(w.seen, []);
    t.deepEqual(w.log, [`127.0.0.1 "GET /api/items HTTP/1.1" 401 ${reply.body.length} - gen-1\n`]);
  },
}, {
  name: '413 for a declared Content-Length over the limit; the app is not called',
  req: { method: 'POST', path: '/api/items', headers: { ...authed, 'Content-Type': 'text/plain' }, body: 'x'.repeat(2000) },
  check(t, reply, w) {
    t.is(reply.status, 413);
    t.deepEqual(w.seen, []);
    t.deepEqual(w.log, [`127.0.0.1 "POST /api/items HTTP/1.1" 413 ${reply.body.length} - req-1\n`]);
  },
}, {
  name: 'method override: a form POST with _method=PUT reaches the app as PUT, body replayed',
  req: { method: 'POST', path: '/api/items', headers: { ...authed, 'Content-Type': 'application/x-www-form-urlencoded' }, body: '_method=put&name=x' },
  check(t, reply, w) {
    t.is(reply.status, 200);
    t.is(reply.body.toString(), 'PUT done');
    t.like(w.seen, [{ app: 'api', REQUEST_METHOD: 'PUT', originalMethod: 'POST', input: '_method=put&name=x' }]);
    // The log shows the request line as the client sent it (Apache's %r), not as methodOverride rewrote it.
    t.deepEqual(w.log, ['127.0.0.1 "POST /api/items HTTP/1.1" 200 8 ada req-1\n']);
  },
}, {
  name: 'bearerAuth on the /admin mount accepts its token',
  req: { method: 'GET', path: '/admin/', headers: { Authorization: 'Bearer s3cr3t-token' } },
  check(t, reply, w) {
    t.is(reply.status, 200);
    t.is(reply.body.toString(), 'admin area');
    t.like(w.seen, [{ app: 'admin', SCRIPT_NAME: '/admin', PATH_INFO: '/' }]);
  },
}, {
  name: 'an app error becomes showExceptions\' 500 page, logged with its status',
  req: { method: 'GET', path: '/boom', headers: { 'X-Forwarded-For': '198.51.100.2' } },
  check(t, reply, w) {
    t.is(reply.status, 500);
    t.is(reply.body.toString(), 'Internal Server Error\n\nThe server could not complete the request. The error was logged.\n');
    t.is(header(reply, 'Content-Type'), 'text/plain; charset=utf-8');
    t.is(header(reply, 'X-Request-ID'), 'gen-1');
    t.deepEqual(w.log, [`198.51.100.2 "GET /boom HTTP/1.1" 500 ${reply.body.length} - gen-1\n`]);
    t.regex(reply.errors, /^showExceptions: Application error while serving GET \/boom:\nError: kaboom\n/);
  },
}];

/** Waits (a few event-loop turns at most) until the access log has `count` lines: it is written on close(). */
async function logged(log: string[], count: number): Promise<void> {
  for (let turn = 0; turn < 100 && log.length < count; turn += 1) await new Promise((resolve) => setTimeout(resolve, 5));
}

for (const [frontName, frontEnd] of [['client', viaClient], ['socket', viaSocket]] as const) {
  for (const scenario of scenarios) {
    test(`${frontName}: ${scenario.name}`, async (t) => {
      const w = world();
      const requests = [...(scenario.before ?? []), scenario.req];
      let reply: Reply | undefined;
      for (const [index, req] of requests.entries()) {
        reply = await frontEnd(w.stack, req);
        await logged(w.log, index + 1);
      }
      scenario.check(t, reply!, w);
      for (const validator of w.validators) validator.assertAllClosed();
    });
  }
}
