/**
 * Real nginx for tests: finds the binary, renders the example configs of
 * examples/nginx/ with test ports and paths, and runs nginx unprivileged-
 * friendly in a temporary prefix (every temp path, pid and log inside it),
 * in the foreground, killed by `stop()`.
 *
 * The examples are used as they are, with exact string substitutions; a
 * substitution that no longer matches throws, so an edit to an example that
 * the test cannot follow fails the test instead of silently testing less.
 *
 * @example
 * const nginx = await startNginx(nginxPath, [renderExample('uwsgi.conf', [['127.0.0.1:8001', `127.0.0.1:${port}`]])]);
 * t.teardown(() => nginx.stop());
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Application, Environ } from '../../lib/protocol/types.js';

/** What a skipped nginx test prints. */
export const NGINX_MISSING = 'nginx is not installed: apt-get install nginx (Debian) — .ci/run installs it';

/** The repository root (this file compiles to dist/tests/integration/). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The nginx binary: Debian's /usr/sbin/nginx, or one on PATH; `undefined` when there is none. */
export function findNginx(): string | undefined {
  const candidates = ['/usr/sbin/nginx', ...(process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'nginx'))];
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The directory nginx was built to read its config from (for `uwsgi_params`); `nginx -V` prints to stderr. */
function nginxConfDir(nginx: string): string {
  const { stdout, stderr } = spawnSync(nginx, ['-V'], { encoding: 'utf8' });
  const confPath = /--conf-path=(\S+)/.exec(`${stdout}${stderr}`)?.[1] ?? '/etc/nginx/nginx.conf';
  return dirname(confPath);
}

/**
 * The text of `examples/nginx/<name>` with each `[from, to]` replaced
 * everywhere it occurs.
 * @throws Error when a `from` does not occur in the file.
 */
export function renderExample(name: string, substitutions: ReadonlyArray<readonly [string, string]>): string {
  let text = readFileSync(join(ROOT, 'examples', 'nginx', name), 'utf8');
  for (const [from, to] of substitutions) {
    if (!text.includes(from)) {
      throw new Error(
        `renderExample(): examples/nginx/${name} no longer contains '${from}'. Update the substitutions in tests/integration/nginx.test.ts to match the example.`,
      );
    }
    text = text.split(from).join(to);
  }
  return text;
}

/** Ports already given out in this process: the system may hand a released port out again. */
const handedOut = new Set<number>();

/**
 * A TCP port nothing listens on right now, on 127.0.0.1, and never one given
 * out before in this process: two nginx instances of one test file must not
 * end up on the same port (one's TLS port answering the other's plain requests).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: bound } = server.address() as net.AddressInfo;
        server.close(() => resolve(bound));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** A self-signed certificate for `localhost` made with the openssl CLI; `undefined` without openssl. */
export function selfSignedCertificate(dir: string): { cert: string; key: string } | undefined {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost'],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { cert, key };
}

/** A running nginx. */
export interface RunningNginx {
  /** The prefix directory holding the config, temp files and logs. */
  readonly prefix: string;
  /** Everything nginx wrote to stderr so far (its error log). */
  stderr(): string;
  /** Kills nginx (SIGTERM, fast shutdown), waits for it, and removes the prefix. */
  stop(): Promise<void>;
}

/** How `startNginx()` runs nginx. */
export interface StartNginxOptions {
  /** Write an access log in the prefix (the benchmark turns it off). @default true */
  accessLog?: boolean;
  /** A command nginx runs under, e.g. `['taskset', '-c', '1']`. @default [] */
  wrapper?: readonly string[];
}

/**
 * Starts nginx in the foreground with `snippets` (http-context config: the
 * rendered examples) inside a minimal main config, and resolves once every
 * port in `ports` accepts connections.
 * @throws Error with nginx's stderr when it exits or does not listen within 15 s.
 */
export async function startNginx(
  nginx: string,
  snippets: readonly string[],
  ports: readonly number[],
  options: StartNginxOptions = {},
): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'tsgi-nginx-'));
  const uwsgiParams = join(nginxConfDir(nginx), 'uwsgi_params');
  if (existsSync(uwsgiParams)) copyFileSync(uwsgiParams, join(prefix, 'uwsgi_params'));
  snippets.forEach((text, index) => writeFileSync(join(prefix, `site-${index}.conf`), text));
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    [
      // As root, nginx's workers would switch to `nobody`, who cannot enter the temp prefix.
      process.getuid?.() === 0 ? 'user root;' : '',
      'worker_processes 1;',
      'events { worker_connections 256; }',
      'http {',
      options.accessLog === false ? '    access_log off;' : `    access_log ${join(prefix, 'access.log')};`,
      `    client_body_temp_path ${join(prefix, 'client_body')};`,
      `    proxy_temp_path ${join(prefix, 'proxy')};`,
      `    uwsgi_temp_path ${join(prefix, 'uwsgi')};`,
      `    fastcgi_temp_path ${join(prefix, 'fastcgi')};`,
      `    scgi_temp_path ${join(prefix, 'scgi')};`,
      ...snippets.map((_, index) => `    include ${join(prefix, `site-${index}.conf`)};`),
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', prefix, '-e', 'stderr', '-c', conf, '-g', `daemon off; pid ${join(prefix, 'nginx.pid')}; error_log stderr;`];
  const [command, ...wrapperArgs] = [...(options.wrapper ?? []), nginx];
  const child = spawn(command as string, [...wrapperArgs, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running: RunningNginx = {
    prefix,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(prefix, { recursive: true, force: true });
    },
  };
  try {
    await Promise.race([
      Promise.all(ports.map((port) => waitForPort(port, 15_000))),
      exited.then(() => {
        throw new Error(`nginx exited at start-up (code ${child.exitCode}):\n${stderr}`);
      }),
    ]);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on 127.0.0.1:${port} within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** What `fetchVia()` saw. */
export interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** False when the connection ended before the response did (a truncated response). */
  complete: boolean;
}

/** What `fetchVia()` sends. */
export interface FetchRequest {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Over TLS (self-signed certificates accepted). */
  tls?: boolean;
  /** Called with each body chunk as it arrives. */
  onChunk?: (chunk: Buffer) => void;
}

/** One request to 127.0.0.1 on a fresh connection; resolves when the response ends or breaks off. */
export function fetchVia(request: FetchRequest): Promise<Fetched> {
  const headers = { ...request.headers };
  if (request.body !== undefined) headers['Content-Length'] = String(request.body.length);
  const options = { host: '127.0.0.1', port: request.port, path: request.path, method: request.method ?? 'GET', headers, agent: false };
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        request.onChunk?.(chunk);
      });
      // A body that breaks off emits 'error' (ECONNRESET, "aborted") before 'close'.
      res.on('error', () => undefined);
      res.on('close', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }),
      );
    };
    const req = request.tls === true
      ? https.request({ ...options, rejectUnauthorized: false, servername: 'localhost' }, onResponse)
      : http.request(options, onResponse);
    req.on('error', reject);
    req.end(request.body);
  });
}

// The application every tsgi server behind nginx runs.

export const LARGE_SIZE = 10 * 1024 * 1024;
/** Declared by /crash, which sends only its first chunk. */
export const CRASH_DECLARED = 1_000_000;

/** Deterministic bytes: byte i is i mod 251, so a shifted or dropped block shows in the digest. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) bytes[i] = i % 251;
  return bytes;
}
export const LARGE_BODY = pattern(LARGE_SIZE);
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The streaming application waits on these between its two chunks; keyed by the `gate` query value. */
export const gates = new Map<string, () => void>();
function gateFor(key: string): Promise<void> {
  return new Promise((resolve) => gates.set(key, resolve));
}

/** The application every tsgi server runs; `id` tells the servers apart. */
export function siteApp(id: string): Application {
  return async (environ: Environ, startResponse) => {
    const path = environ.PATH_INFO;
    const json = (value: unknown, status = '200 OK'): Uint8Array[] => {
      startResponse(status, [['Content-Type', 'application/json']]);
      return [Buffer.from(JSON.stringify(value))];
    };
    if (path === '/id') return json({ id });
    if (path.startsWith('/environ')) {
      const strings = Object.fromEntries(Object.entries(environ).filter(([, value]) => typeof value === 'string'));
      return json({ id, environ: strings, scheme: environ['tsgi.url_scheme'] });
    }
    if (path === '/upload') {
      const chunks: Uint8Array[] = [];
      for await (const chunk of environ['tsgi.input']) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      return json({ length: body.length, sha256: sha256(body), contentLength: environ.CONTENT_LENGTH });
    }
    if (path === '/stream') {
      const key = /gate=([\w-]+)/.exec(environ.QUERY_STRING ?? '')?.[1] ?? '';
      startResponse('200 OK', [
        ['Content-Type', 'text/plain'],
        // nginx buffers upstream responses by default; this response opts out (uwsgi_buffering / proxy_buffering).
        ['X-Accel-Buffering', 'no'],
      ]);
      return (async function* () {
        const gate = gateFor(key);
        yield Buffer.from('first\n');
        await gate;
        yield Buffer.from('last\n');
      })();
    }
    if (path === '/large') {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream'], ['Content-Length', String(LARGE_SIZE)]]);
      return (function* () {
        for (let offset = 0; offset < LARGE_SIZE; offset += 65536) yield LARGE_BODY.subarray(offset, offset + 65536);
      })();
    }
    if (path === '/error') throw new Error('the application failed before its response');
    if (path === '/crash' || path === '/crash-unsized') {
      const length: Array<[string, string]> = path === '/crash' ? [['Content-Length', String(CRASH_DECLARED)]] : [];
      startResponse('200 OK', [['Content-Type', 'application/octet-stream'], ...length]);
      return (async function* () {
        yield Buffer.alloc(65536, 0x61);
        throw new Error('the application failed in the middle of its body');
      })();
    }
    startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
    return [Buffer.from('not found\n')];
  };
}

/** The application `tsgi serve` loads in the test: `tsgi serve dist/tests/integration/nginx-helpers.js:tsgiServeApp`. */
export const tsgiServeApp = siteApp('tsgi-serve');

/** The module `tsgi serve` loads `tsgiServeApp` from: this file, compiled. */
const HELPERS_MODULE = fileURLToPath(import.meta.url);

/**
 * Why `tsgi serve --protocol uwsgi` cannot run in this build, from the CLI
 * itself (it refuses the protocol before loading anything); `undefined` when it can.
 */
export function tsgiServeUwsgiMissing(): string | undefined {
  const main = join(ROOT, 'dist', 'lib', 'cli', 'main.js');
  // A socket in a directory that cannot exist: should the protocol be accepted, the bind fails and the server exits.
  const bind = 'unix:/proc/no-such-dir/tsgi-probe.sock';
  const { stderr } = spawnSync(process.execPath, [main, 'serve', `${HELPERS_MODULE}:tsgiServeApp`, '--protocol', 'uwsgi', '--workers', '1', '--bind', bind], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  return /--protocol uwsgi is not available[^\n]*/.exec(stderr ?? '')?.[0];
}

/**
 * Starts `tsgi serve` (the prefork server, dist/lib/cli/main.js) on `bind`
 * with `args`, serving `tsgiServeApp`, and resolves once the unix socket
 * exists. Resolves with a function that stops it (SIGTERM, SIGKILL after 10 s).
 * @throws Error with the server's log when it exits or makes no socket within 20 s.
 */
export async function startTsgiServe(socketPath: string, args: readonly string[]): Promise<() => Promise<void>> {
  const main = join(ROOT, 'dist', 'lib', 'cli', 'main.js');
  const child = spawn(process.execPath, [main, 'serve', `${HELPERS_MODULE}:tsgiServeApp`, '--bind', `unix:${socketPath}`, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (log += text));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 20_000;
  while (!existsSync(socketPath)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`tsgi serve did not create ${socketPath} (exit code ${child.exitCode}):\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return stop;
}
