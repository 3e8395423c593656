import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Application } from '../../lib/protocol/types.js';
import { encodePacket, makeUwsgiServer, uwsgiRequest } from '../../lib/uwsgi/index.js';
import type { UwsgiAddress, UwsgiServer } from '../../lib/uwsgi/index.js';
import { echoEnvironApp, helloApp, streamingApp } from '../helpers/fixtures.js';

const TEXT: [string, string] = ['Content-Type', 'text/plain'];

async function start(t: import('ava').ExecutionContext, app: Application, bind: UwsgiAddress = { host: '127.0.0.1', port: 0 }, options = {}) {
  const errors = new MemoryErrorStream();
  const server = await makeUwsgiServer(bind, app, { log: false, errors, ...options });
  t.teardown(() => server.close());
  return { server, errors };
}

/** Writes `bytes` on a fresh connection and resolves with everything received until the server closes it. */
function exchange(server: UwsgiServer, bytes: Uint8Array | string): Promise<{ data: Buffer; reset: boolean }> {
  return new Promise((resolve) => {
    const socket = 'path' in server ? net.connect(server.path) : net.connect(server.port, server.host);
    const chunks: Buffer[] = [];
    let reset = false;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {
      reset = true;
    });
    socket.on('close', () => resolve({ data: Buffer.concat(chunks), reset }));
    socket.write(bytes);
  });
}

test('makeUwsgiServer() answers a uwsgi request with a raw HTTP/1.1 response and Connection: close', async (t) => {
  const { server } = await start(t, helloApp);
  const { data } = await exchange(server, encodePacket({ vars: { REQUEST_METHOD: 'GET', REQUEST_URI: '/' } }));
  const text = data.toString('latin1');
  t.regex(text, /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain; charset=utf-8\r\nContent-Length: 12\r\nDate: [^\r]+\r\nServer: tsgi\/[^\r]+\r\nConnection: close\r\n\r\nHello world!$/);
});

test('a streamed body is sent close-delimited: never chunked, never a Transfer-Encoding', async (t) => {
  const { server } = await start(t, streamingApp(['a', 'bb', 'ccc'], 1));
  const { data, reset } = await exchange(server, encodePacket({ vars: { REQUEST_METHOD: 'GET', REQUEST_URI: '/', SERVER_PROTOCOL: 'HTTP/1.1' } }));
  const [head, body] = data.toString('latin1').split('\r\n\r\n');
  t.false(/transfer-encoding|content-length/i.test(head ?? ''), head);
  t.is(body, 'abbccc');
  t.false(reset, 'a complete close-delimited body ends with a clean close');
});

test('a streamed body that fails after the head ends with a reset, not a clean close', async (t) => {
  const { server, errors } = await start(t, (_environ, startResponse) => {
    startResponse('200 OK', [TEXT]);
    return (async function* () {
      yield Buffer.from('partial');
      throw new Error('broken stream');
    })();
  });
  const response = await uwsgiRequest(server);
  t.is(response.status, 200);
  t.is(response.body.toString(), 'partial');
  t.true(response.aborted);
  t.regex(errors.text, /broken stream/);
});

test('an upload (nginx de-chunks and sends CONTENT_LENGTH) is read from the socket up to CONTENT_LENGTH', async (t) => {
  const app: Application = async (environ, startResponse) => {
    const body = Buffer.from(await environ['tsgi.input'].read());
    startResponse('200 OK', [TEXT]);
    return [Buffer.from(`${body.toString()}|${environ.CONTENT_LENGTH}|${environ['tsgi.input_terminated'] === true}`)];
  };
  const { server } = await start(t, app);
  const packet = encodePacket({ vars: { REQUEST_METHOD: 'POST', REQUEST_URI: '/', CONTENT_LENGTH: '6' } });
  // The body arrives in pieces after the packet; a byte past CONTENT_LENGTH is not part of it.
  const { data } = await new Promise<{ data: Buffer }>((resolve) => {
    const socket = 'port' in server ? net.connect(server.port, server.host) : net.connect(server.path);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve({ data: Buffer.concat(chunks) }));
    socket.write(Buffer.concat([packet, Buffer.from('ab')]));
    setTimeout(() => socket.write('cd'), 20);
    setTimeout(() => socket.write('efX'), 40);
  });
  t.true(data.toString().endsWith('\r\n\r\nabcdef|6|false'), data.toString());
});

test('plain HTTP sent to the socket gets a 400 that explains the mistake, and is logged', async (t) => {
  const { server, errors } = await start(t, helloApp);
  const { data } = await exchange(server, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const text = data.toString();
  t.true(text.startsWith('HTTP/1.1 400 Bad Request\r\n'), text);
  t.regex(text, /which is plain HTTP, not uwsgi .* point an HTTP client at a server started with --protocol http, or use uwsgi_pass in nginx\.\n$/);
  t.regex(errors.text, /^tsgi uwsgi server: 127\.0\.0\.1:\d+: uwsgi request: the connection began with 'GET '/);
});

test('a malformed packet closes the connection without a response, and is logged', async (t) => {
  const { server, errors } = await start(t, helloApp);
  const { data } = await exchange(server, Buffer.from('00 0600 00 0000 0200 6162'.replaceAll(' ', ''), 'hex'));
  t.is(data.length, 0);
  t.regex(errors.text, /uwsgi request: var 1 has an empty key/);
});

test('maxBlockSize is the largest vars block accepted', async (t) => {
  const vars = { REQUEST_METHOD: 'GET', REQUEST_URI: '/', HTTP_COOKIE: 'c'.repeat(5000) };
  const small = await start(t, helloApp);
  t.is((await exchange(small.server, encodePacket({ vars }))).data.length, 0);
  t.regex(small.errors.text, /the vars block is 5052 bytes, over the buffer size of 4096 bytes\. Raise maxBlockSize/);
  const large = await start(t, helloApp, undefined, { maxBlockSize: 8192 });
  t.true((await exchange(large.server, encodePacket({ vars }))).data.toString().startsWith('HTTP/1.1 200 OK'));
});

test('a ping (modifier1 100) is answered with modifier1 100 and no vars', async (t) => {
  const { server } = await start(t, helloApp);
  const { data } = await exchange(server, encodePacket({ modifier1: 100, vars: [] }));
  t.deepEqual([...data], [100, 0, 0, 0]);
});

test('a malformed CONTENT_LENGTH gets a 400', async (t) => {
  const { server } = await start(t, helloApp);
  const { data } = await exchange(server, encodePacket({ vars: { REQUEST_METHOD: 'POST', CONTENT_LENGTH: '1e3' } }));
  t.regex(data.toString(), /^HTTP\/1\.1 400 Bad Request\r\n[^]*CONTENT_LENGTH must be a number of bytes; got '1e3'/);
});

test('a peer that does not send a whole packet within headersTimeout is disconnected and logged', async (t) => {
  const { server, errors } = await start(t, helloApp, undefined, { headersTimeout: 50 });
  const { data } = await exchange(server, Buffer.from([0, 10]));
  t.is(data.length, 0);
  t.regex(errors.text, /no complete uwsgi packet within 50 ms; closing the connection/);
});

test('the environ takes SCRIPT_NAME, HTTPS and extra vars from the proxy', async (t) => {
  const { server } = await start(t, echoEnvironApp);
  const response = await uwsgiRequest(server, {
    target: '/app/page',
    vars: { SCRIPT_NAME: '/app', HTTPS: 'on', REMOTE_USER: 'ann', REMOTE_ADDR: '203.0.113.9' },
  });
  const environ = JSON.parse(response.body.toString()) as Record<string, string>;
  t.is(environ.SCRIPT_NAME, '/app');
  t.is(environ.PATH_INFO, '/page');
  t.is(environ.HTTPS, 'on');
  t.is(environ.REMOTE_USER, 'ann');
  t.is(environ.REMOTE_ADDR, '203.0.113.9');
  t.is(environ.DOCUMENT_ROOT, '/var/www/html');
});

test('many connections are served concurrently', async (t) => {
  let inFlight = 0;
  let peak = 0;
  const { server } = await start(t, async (_environ, startResponse) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 30));
    inFlight -= 1;
    startResponse('200 OK', [TEXT]);
    return [Buffer.from('ok')];
  });
  const responses = await Promise.all(Array.from({ length: 20 }, () => uwsgiRequest(server)));
  t.true(responses.every((response) => response.status === 200 && response.body.toString() === 'ok'));
  t.true(peak > 1, `peak concurrency ${peak}`);
});

test('close() lets a request in flight finish and refuses new connections', async (t) => {
  let release: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    release = resolve;
  });
  let finish: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const { server } = await start(t, async (_environ, startResponse) => {
    release();
    await gate;
    startResponse('200 OK', [TEXT]);
    return [Buffer.from('finished')];
  });
  const pending = uwsgiRequest(server);
  await started;
  const closed = server.close();
  await t.throwsAsync(uwsgiRequest(server), { code: 'ECONNREFUSED' });
  finish();
  t.is((await pending).body.toString(), 'finished');
  await closed;
});

test('the access log gets one line per request', async (t) => {
  const lines: string[] = [];
  const { server } = await start(t, helloApp, undefined, { log: (line: string) => lines.push(line) });
  await uwsgiRequest(server, { target: '/x?y=1', vars: { REMOTE_ADDR: '192.0.2.1' } });
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.is(lines.length, 1);
  t.regex(lines[0] ?? '', /^192\.0\.2\.1 - - \[[^\]]+\] "GET \/x\?y=1 HTTP\/1\.1" 200 12$/);
});

test('a unix socket serves requests, replaces a stale socket file, and is removed by close()', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsgi-uwsgi-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'app.sock');
  // A stale socket file: a server process killed with SIGKILL cannot remove it.
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('ready'))`]);
  t.teardown(() => child.kill('SIGKILL'));
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  t.true((await stat(path)).isSocket(), 'the killed server left its socket file');
  const { server } = await start(t, helloApp, { path });
  t.true('path' in server && server.path === path);
  t.is((await uwsgiRequest({ path }, {})).body.toString(), 'Hello world!');
  await server.close();
  await t.throwsAsync(stat(path), { code: 'ENOENT' });
});

test('a unix socket path held by a live server or by a plain file is an error', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsgi-uwsgi-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const live = join(dir, 'live.sock');
  await start(t, helloApp, { path: live });
  const message =
    `makeUwsgiServer() cannot bind unix socket '${live}': the path is in use by a live server or is not a socket. Stop that server, or choose another path.`;
  await t.throwsAsync(makeUwsgiServer({ path: live }, helloApp, { log: false }), { instanceOf: ImproperlyConfigured, message });
  const file = join(dir, 'file.sock');
  await writeFile(file, 'not a socket');
  await t.throwsAsync(makeUwsgiServer({ path: file }, helloApp, { log: false }), { instanceOf: ImproperlyConfigured, message: /is not a socket/ });
});

test('makeUwsgiServer() checks its arguments and options at once', async (t) => {
  await t.throwsAsync(makeUwsgiServer({ host: '127.0.0.1', port: 70000 }, helloApp), {
    instanceOf: TypeError,
    message: /^makeUwsgiServer\(\) bind must be \{ host, port \} \(port 0 to 65535; 0 lets the system pick\) or \{ path \} for a unix socket; got /,
  });
  await t.throwsAsync(makeUwsgiServer({ host: '127.0.0.1', port: 0 }, 'app' as unknown as Application), {
    instanceOf: TypeError,
    message: "makeUwsgiServer() app must be a tsgi application, a function (environ, startResponse); got 'app'.",
  });
  await t.throwsAsync(makeUwsgiServer({ host: '127.0.0.1', port: 0 }, helloApp, { bufferSize: 1 } as never), {
    instanceOf: ImproperlyConfigured,
    message: "makeUwsgiServer() got an unknown option 'bufferSize'. Known options: maxBlockSize, headersTimeout, errors, log, serverSoftware, baseEnviron, multiprocess.",
  });
  await t.throwsAsync(makeUwsgiServer({ host: '127.0.0.1', port: 0 }, helloApp, { maxBlockSize: 65536 }), {
    instanceOf: ImproperlyConfigured,
    message: /^makeUwsgiServer\(\) option maxBlockSize must be an integer from 0 to 65535 \(bytes\); got 65536\./,
  });
  await t.throwsAsync(makeUwsgiServer({ host: '127.0.0.1', port: 0 }, helloApp, { headersTimeout: -1 }), {
    instanceOf: ImproperlyConfigured,
    message: 'makeUwsgiServer() option headersTimeout must be an integer >= 0 (a number of milliseconds; 0: no limit); got -1.',
  });
});
