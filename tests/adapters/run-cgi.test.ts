/**
 * `runCgi(app)` in a real CGI process: each test spawns
 * `node dist/tests/adapters/fixtures/cgi-app.js` with a CGI environment and a
 * body on stdin, as a web server would, and checks stdout byte for byte.
 */
import { spawn } from 'node:child_process';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runCgi } from '../../lib/adapters/run-cgi.js';
import type { Application } from '../../lib/protocol/types.js';
import { closeTracker, helloApp } from '../helpers/fixtures.js';

const SCRIPT = fileURLToPath(new URL('fixtures/cgi-app.js', import.meta.url));
const DATE = 'Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n';

/** The meta-variables a web server sets for `GET /cgi-bin/app<pathInfo>`. */
function cgiEnv(pathInfo: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GATEWAY_INTERFACE: 'CGI/1.1',
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '/cgi-bin/app',
    PATH_INFO: pathInfo,
    QUERY_STRING: '',
    SERVER_NAME: 'example.com',
    SERVER_PORT: '8080',
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_SOFTWARE: 'Apache/2.4',
    REMOTE_ADDR: '192.0.2.7',
    HTTP_HOST: 'example.com:8080',
    ...extra,
  };
}

/** Runs the script once; resolves with what it wrote and how it exited. */
function runScript(env: Record<string, string>, stdin = ''): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ stdout: Buffer.concat(stdout).toString('latin1'), stderr: Buffer.concat(stderr).toString(), code }),
    );
    child.stdin.end(stdin);
  });
}

test('runCgi(app) builds the environ from the CGI variables and reads stdin up to CONTENT_LENGTH', async (t) => {
  const result = await runScript(
    cgiEnv('/echo', {
      REQUEST_METHOD: 'POST',
      QUERY_STRING: 'x=%20y',
      CONTENT_TYPE: 'text/plain',
      CONTENT_LENGTH: '5',
      HTTP_X_CUSTOM: 'caf\u00e9',
      HTTPS: 'on',
    }),
    'helloEXTRA',
  );
  t.is(result.code, 0);
  const [head, body] = result.stdout.split('\r\n\r\n');
  t.is(head, 'Status: 200 OK\r\nContent-Type: application/json\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: ' + String(Buffer.byteLength(body ?? '', 'latin1')));
  t.deepEqual(JSON.parse(body ?? ''), {
    REQUEST_METHOD: 'POST',
    SCRIPT_NAME: '/cgi-bin/app',
    PATH_INFO: '/echo',
    QUERY_STRING: 'x=%20y',
    REQUEST_URI: '/cgi-bin/app/echo?x=%20y',
    CONTENT_TYPE: 'text/plain',
    CONTENT_LENGTH: '5',
    SERVER_NAME: 'example.com',
    SERVER_PORT: '8080',
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_SOFTWARE: 'Apache/2.4',
    REMOTE_ADDR: '192.0.2.7',
    HTTP_HOST: 'example.com:8080',
    HTTP_X_CUSTOM: 'caf\xc3\xa9',
    'tsgi.url_scheme': 'https',
    'tsgi.run_once': true,
    'tsgi.multiprocess': true,
    'tsgi.multithread': false,
    'tsgi.input_terminated': null,
    body: 'hello',
  });
  t.is(result.stderr, 'echo ran\n', 'tsgi.errors goes to stderr');
});

test('runCgi(app) gives a request without CONTENT_LENGTH no body', async (t) => {
  const result = await runScript(cgiEnv('/echo'), 'ignored');
  const body = JSON.parse(result.stdout.split('\r\n\r\n')[1] ?? '') as Record<string, unknown>;
  t.is(body.body, '');
  t.is(body.CONTENT_LENGTH, null);
  t.is(body['tsgi.url_scheme'], 'http');
});

test('runCgi(app) writes a streamed body as it is, without chunking', async (t) => {
  const result = await runScript(cgiEnv('/stream'));
  t.is(result.stdout, `Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n${DATE}\r\none two three`);
  t.is(result.stderr, '');
});

test('runCgi(app) sends headers only for HEAD, with no Server header', async (t) => {
  const result = await runScript(cgiEnv('/head-check', { REQUEST_METHOD: 'HEAD' }));
  t.is(result.stdout, `Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n${DATE}Content-Length: 17\r\n\r\n`);
});

test('runCgi(app) answers Status: 500 when the app fails before sending anything, with the traceback on stderr', async (t) => {
  const result = await runScript(cgiEnv('/fail'));
  t.regex(
    result.stdout,
    /^Status: 500 Internal Server Error\r\nContent-Type: text\/plain; charset=utf-8\r\nContent-Length: 58\r\nDate: [^\r]+ GMT\r\n\r\nA server error occurred\. Please contact the administrator\.$/,
  );
  t.true(result.stderr.startsWith('Application error while serving GET /cgi-bin/app/fail:\nError: cgi boom\n'), result.stderr);
  t.is(result.code, 0);
});

test('runCgi(app) stops the output when the app fails after the head', async (t) => {
  const result = await runScript(cgiEnv('/late-fail'));
  t.is(result.stdout, `Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n${DATE}\r\npartial`);
  t.true(result.stderr.includes('Error: late cgi boom'));
});

test('runCgi(app) passes a custom status through', async (t) => {
  const result = await runScript(cgiEnv('/missing'));
  t.is(result.stdout, `Status: 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n${DATE}Content-Length: 12\r\n\r\nno such path`);
});

/** In-process streams, for what a spawned process cannot show: a slow or vanishing web server. */
function endlessApp(counter: { produced: number }): Application {
  return (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (function* () {
      for (let i = 0; i < 1000; i += 1) {
        counter.produced += 1;
        yield Buffer.from(`chunk${i};`);
      }
    })();
  };
}
const ENV = { REQUEST_METHOD: 'GET', PATH_INFO: '/', SERVER_PROTOCOL: 'HTTP/1.1' };

test('runCgi(app, { stdout }) waits for a slow stdout (backpressure)', async (t) => {
  const written: Buffer[] = [];
  const stdout = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk);
      setImmediate(callback);
    },
  });
  // How far the app ever got ahead of stdout, in chunks: a count, not a race against a clock.
  let maxAhead = 0;
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (function* () {
      for (let i = 0; i < 1000; i += 1) {
        // stdout's first chunk is the head.
        maxAhead = Math.max(maxAhead, i - (written.length - 1));
        yield Buffer.from(`chunk${i};`);
      }
    })();
  };
  await runCgi(app, { env: ENV, stdin: Readable.from([]), stdout, stderr: new PassThrough() });
  // 64 bytes of 7-9-byte chunks fill stdout's buffer; without backpressure the app would run 1000 ahead.
  t.true(maxAhead <= 12, `the app ran ${maxAhead} chunks ahead of stdout`);
  t.true(maxAhead >= 2, `stdout buffered ${maxAhead} chunks: the test no longer exercises a full buffer`);
  const output = Buffer.concat(written).toString();
  t.true(output.startsWith('Status: 200 OK\r\nContent-Type: text/plain\r\n'));
  t.true(output.endsWith('chunk998;chunk999;'));
});

test('runCgi(app, { stdout }) stops and calls close() when stdout fails (the web server went away)', async (t) => {
  const counter = { produced: 0 };
  const tracker = closeTracker();
  const stderr = new PassThrough();
  const stdout = new Writable({
    highWaterMark: 64,
    write(_chunk, _encoding, callback) {
      setTimeout(() => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })), 1);
    },
  });
  await runCgi(tracker.app(endlessApp(counter)), { env: ENV, stdin: Readable.from([]), stdout, stderr });
  t.is(tracker.count, 1);
  t.true(counter.produced < 1000, 'the app was stopped');
  t.is(stderr.read(), null, 'a web server that leaves is not an application error');
});

test('runCgi() checks its arguments at once', (t) => {
  t.is(
    t.throws(() => runCgi('app' as never))?.message,
    "runCgi() app must be a tsgi application, a function (environ, startResponse); got 'app'.",
  );
  t.is(t.throws(() => runCgi(helloApp, { argv: [] } as never))?.message, "runCgi() got an unknown option 'argv'. Known options: env, stdin, stdout, stderr.");
});
