/**
 * tsgi behind real nginx, over the uwsgi protocol and over HTTP, with the
 * example configs of examples/nginx/ as they ship (ports and paths
 * substituted). One nginx serves all three examples, each on its own
 * loopback ports:
 *
 * - uwsgi.conf          -> one tsgi uwsgi server, and a second on a unix
 *                          socket at /shop/;
 * - uwsgi-upstream.conf -> two tsgi uwsgi servers (balancing);
 * - http-proxy.conf     -> two tsgi HTTP servers (proxyFix in the app).
 *
 * A last test runs uwsgi.conf again in front of the prefork server,
 * `tsgi serve --protocol uwsgi --workers 2`, on a unix socket.
 *
 * The other tsgi servers run in this process, so the streaming test can hold the
 * application between two chunks until the client has seen the first one:
 * ordering observed, no durations.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { compose } from '../../lib/protocol/compose.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { makeServer } from '../../lib/server/index.js';
import { makeUwsgiServer } from '../../lib/uwsgi/index.js';
import { proxyFix } from '../../middleware/proxy-fix.js';
import {
  CRASH_DECLARED,
  fetchVia,
  findNginx,
  freePort,
  gates,
  LARGE_BODY,
  LARGE_SIZE,
  NGINX_MISSING,
  renderExample,
  selfSignedCertificate,
  sha256,
  siteApp,
  startNginx,
  startTsgiServe,
  tsgiServeUwsgiMissing,
} from './nginx-helpers.js';
import type { RunningNginx } from './nginx-helpers.js';

const UPLOAD_SIZE = 3 * 1024 * 1024 + 17;

/** One way in: a plain and a TLS port on nginx, for one example config. */
interface Entry {
  /** How nginx talks to tsgi. */
  protocol: 'uwsgi' | 'http';
  port: number;
  tlsPort: number;
}

interface World {
  nginx: RunningNginx;
  /** uwsgi.conf: one uwsgi server. */
  uwsgi: Entry;
  /** uwsgi-upstream.conf: two uwsgi servers. */
  uwsgiUpstream: Entry;
  /** http-proxy.conf: two HTTP servers. */
  http: Entry;
  tls: boolean;
  errors: MemoryErrorStream;
  cleanups: Array<() => Promise<void> | void>;
}

const nginxPath = findNginx();
let world: World | undefined;

/** The substitutions every example needs: its listen ports and the certificate. */
function listenSubstitutions(entry: Entry, certificate: { cert: string; key: string } | undefined): Array<[string, string]> {
  const tls: Array<[string, string]> =
    certificate === undefined
      ? [
          ['listen 443 ssl;', '# no TLS: openssl is not installed'],
          ['ssl_certificate     /etc/ssl/example.com/fullchain.pem;', ''],
          ['ssl_certificate_key /etc/ssl/example.com/privkey.pem;', ''],
        ]
      : [
          ['listen 443 ssl;', `listen 127.0.0.1:${entry.tlsPort} ssl;`],
          ['/etc/ssl/example.com/fullchain.pem', certificate.cert],
          ['/etc/ssl/example.com/privkey.pem', certificate.key],
        ];
  return [['listen 80;', `listen 127.0.0.1:${entry.port};`], ...tls];
}

async function entry(protocol: Entry['protocol']): Promise<Entry> {
  return { protocol, port: await freePort(), tlsPort: await freePort() };
}

if (nginxPath === undefined) {
  test.skip(`tsgi behind nginx — skipped: ${NGINX_MISSING}`, () => undefined);
} else {
  test.before(async () => {
    const cleanups: World['cleanups'] = [];
    const errors = new MemoryErrorStream();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'tsgi-nginx-test-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const certificate = selfSignedCertificate(dir);
      const shopSocket = join(dir, 'shop.sock');

      const options = { log: false as const, errors };
      const uwsgiServers = await Promise.all(
        ['uwsgi-single', 'uwsgi-a', 'uwsgi-b'].map((id) => makeUwsgiServer({ host: '127.0.0.1', port: 0 }, siteApp(id), options)),
      );
      uwsgiServers.push(await makeUwsgiServer({ path: shopSocket }, siteApp('uwsgi-shop'), options));
      for (const server of uwsgiServers) cleanups.push(() => server.close());
      const [single, uwsgiA, uwsgiB] = uwsgiServers.map((server) => ('port' in server ? server.port : 0));

      const httpServers = await Promise.all(
        ['http-a', 'http-b'].map((id) =>
          makeServer('127.0.0.1', 0, compose(proxyFix({ xFor: 1, xProto: 1, xHost: 1, xPort: 1 }))(siteApp(id)), options),
        ),
      );
      for (const server of httpServers) cleanups.push(() => server.close());
      const [httpA, httpB] = httpServers as [(typeof httpServers)[0], (typeof httpServers)[0]];

      const uwsgi = await entry('uwsgi');
      const uwsgiUpstream = await entry('uwsgi');
      const http = await entry('http');
      const snippets = [
        renderExample('uwsgi.conf', [
          ...listenSubstitutions(uwsgi, certificate),
          ['127.0.0.1:8001', `127.0.0.1:${single}`],
          ['127.0.0.1:8002', `unix:${shopSocket}`],
        ]),
        renderExample('uwsgi-upstream.conf', [
          ...listenSubstitutions(uwsgiUpstream, certificate),
          ['10.0.0.11:8001', `127.0.0.1:${uwsgiA}`],
          ['10.0.0.12:8001', `127.0.0.1:${uwsgiB}`],
        ]),
        renderExample('http-proxy.conf', [
          ...listenSubstitutions(http, certificate),
          ['10.0.0.11:8000', `127.0.0.1:${httpA.port}`],
          ['10.0.0.12:8000', `127.0.0.1:${httpB.port}`],
        ]),
      ];
      const ports = [uwsgi, uwsgiUpstream, http].flatMap((e) => (certificate === undefined ? [e.port] : [e.port, e.tlsPort]));
      const nginx = await startNginx(nginxPath, snippets, ports);
      cleanups.push(() => nginx.stop());
      world = { nginx, uwsgi, uwsgiUpstream, http, tls: certificate !== undefined, errors, cleanups };
    } catch (error) {
      for (const cleanup of cleanups.reverse()) await cleanup();
      throw error;
    }
  });

  test.after.always(async () => {
    for (const cleanup of (world?.cleanups ?? []).reverse()) await cleanup();
  });

  for (const which of ['uwsgi', 'http'] as const) {
    const entryOf = (): Entry => (world as World)[which];
    const title = (text: string): string => `nginx -> tsgi over ${which}: ${text}`;
    /** nginx's error log on failure: what went wrong upstream. */
    const explain = (t: ExecutionContext): void => t.log((world as World).nginx.stderr().slice(-2000));

    test(title('passes the method, path, query and headers'), async (t) => {
      const { port } = entryOf();
      const response = await fetchVia({
        port,
        path: '/environ/caf%C3%A9?a=1&b=two%20words',
        headers: { Host: 'example.com', 'X-Custom': 'hello', 'X-Forwarded-For': '203.0.113.9' },
      });
      if (response.status !== 200) explain(t);
      t.is(response.status, 200);
      const { environ, scheme } = JSON.parse(response.body.toString()) as { environ: Record<string, string>; scheme: string };
      t.like(environ, {
        REQUEST_METHOD: 'GET',
        SCRIPT_NAME: '',
        PATH_INFO: '/environ/caf\u00c3\u00a9',
        QUERY_STRING: 'a=1&b=two%20words',
        REQUEST_URI: '/environ/caf%C3%A9?a=1&b=two%20words',
        SERVER_NAME: 'example.com',
        REMOTE_ADDR: '127.0.0.1',
        HTTP_X_CUSTOM: 'hello',
      });
      t.is(scheme, 'http');
      if (which === 'http') {
        // proxyFix({ xFor: 1 }) took the address nginx appended, not the one the client made up.
        t.is(environ['HTTP_X_FORWARDED_FOR'], '203.0.113.9, 127.0.0.1');
        t.is(environ['HTTP_HOST'], `example.com:${port}`);
        t.is(environ['SERVER_PORT'], String(port));
      } else {
        // SERVER_PORT comes from the Host header, which names no port (Debian's uwsgi_params sends $host, which never does).
        t.is(environ['SERVER_PORT'], '80');
        t.is(environ['HTTP_X_FORWARDED_FOR'], '203.0.113.9');
        t.regex(environ['HTTP_HOST'] ?? '', /^example\.com(:\d+)?$/);
      }
    });

    test(title('reports the https scheme for a request over TLS'), async (t) => {
      if (!(world as World).tls) {
        t.pass('openssl is not installed: no certificate, no TLS listener');
        return;
      }
      const response = await fetchVia({ port: entryOf().tlsPort, path: '/environ', tls: true, headers: { Host: 'example.com' } });
      t.is(response.status, 200);
      const { environ, scheme } = JSON.parse(response.body.toString()) as { environ: Record<string, string>; scheme: string };
      t.is(scheme, 'https');
      if (which === 'uwsgi') {
        t.is(environ['HTTPS'], 'on');
        t.is(environ['SERVER_PORT'], '443');
      } else {
        t.is(environ['SERVER_PORT'], String(entryOf().tlsPort));
      }
    });

    test(title('passes a 3 MiB upload intact'), async (t) => {
      const body = randomBytes(UPLOAD_SIZE);
      const response = await fetchVia({ port: entryOf().port, path: '/upload', method: 'POST', body });
      if (response.status !== 200) explain(t);
      t.is(response.status, 200);
      t.deepEqual(JSON.parse(response.body.toString()), { length: UPLOAD_SIZE, sha256: sha256(body), contentLength: String(UPLOAD_SIZE) });
    });

    test(title('streams: the first chunk reaches the client before the application writes the last'), async (t) => {
      const key = `${which}-${Math.random().toString(36).slice(2)}`;
      const events: string[] = [];
      // Only if nginx held the first chunk back: let the application finish so the test ends and says so.
      const fallback = setTimeout(() => {
        events.push('gave up waiting for the first chunk');
        gates.get(key)?.();
      }, 20_000);
      const response = await fetchVia({
        port: entryOf().port,
        path: `/stream?gate=${key}`,
        onChunk: (chunk) => {
          events.push(`chunk ${JSON.stringify(chunk.toString())}`);
          if (events.length === 1) {
            clearTimeout(fallback);
            events.push('released the application');
            gates.get(key)?.();
          }
        },
      });
      clearTimeout(fallback);
      t.deepEqual(events, ['chunk "first\\n"', 'released the application', 'chunk "last\\n"']);
      t.is(response.body.toString(), 'first\nlast\n');
      t.true(response.complete);
    });

    test(title('sends a 10 MiB response intact'), async (t) => {
      const response = await fetchVia({ port: entryOf().port, path: '/large' });
      t.is(response.status, 200);
      t.true(response.complete);
      t.is(response.body.length, LARGE_SIZE);
      t.is(sha256(response.body), sha256(LARGE_BODY));
    });

    test(title('passes on the 500 of an application that fails before responding'), async (t) => {
      const response = await fetchVia({ port: entryOf().port, path: '/error' });
      t.is(response.status, 500);
      t.true(response.complete);
    });

    test(title('truncates the response of an application that fails mid-body'), async (t) => {
      const response = await fetchVia({ port: entryOf().port, path: '/crash' });
      t.is(response.status, 200);
      t.false(response.complete);
      t.true(response.body.length < CRASH_DECLARED, `got ${response.body.length} bytes`);
    });

    test(title('truncates a response without Content-Length that fails mid-body'), async (t) => {
      // Over uwsgi the response is delimited by the close: tsgi resets the connection instead, and nginx sees the error.
      const response = await fetchVia({ port: entryOf().port, path: '/crash-unsized' });
      t.is(response.status, 200);
      t.false(response.complete);
      t.true(response.body.length <= 65536, `got ${response.body.length} bytes`);
    });
  }

  test('nginx -> tsgi over a uwsgi unix socket: moves the SCRIPT_NAME of a prefixed location out of PATH_INFO', async (t) => {
    const response = await fetchVia({ port: (world as World).uwsgi.port, path: '/shop/environ/cart?x=1' });
    t.is(response.status, 200);
    const { id, environ } = JSON.parse(response.body.toString()) as { id: string; environ: Record<string, string> };
    t.is(id, 'uwsgi-shop');
    t.like(environ, { SCRIPT_NAME: '/shop', PATH_INFO: '/environ/cart', QUERY_STRING: 'x=1' });
  });

  for (const which of ['uwsgi', 'http'] as const) {
    // Serial tests run before the others: least_conn then sees both servers idle and alternates.
    test.serial(`nginx balances requests across two tsgi servers over ${which}`, async (t) => {
      const w = world as World;
      const port = which === 'http' ? w.http.port : w.uwsgiUpstream.port;
      const seen = new Set<string>();
      for (let i = 0; i < 10; i += 1) {
        const response = await fetchVia({ port, path: '/id' });
        t.is(response.status, 200);
        seen.add((JSON.parse(response.body.toString()) as { id: string }).id);
      }
      t.deepEqual([...seen].sort(), [`${which}-a`, `${which}-b`]);
    });
  }

  const serveMissing = tsgiServeUwsgiMissing();
  if (serveMissing !== undefined) {
    test.skip(`nginx -> tsgi serve --protocol uwsgi — skipped: ${serveMissing}`, () => undefined);
  } else {
    test.serial('nginx -> tsgi serve --protocol uwsgi --workers 2 over a unix socket, with uwsgi.conf', async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'tsgi-nginx-serve-'));
      t.teardown(() => rmSync(dir, { recursive: true, force: true }));
      const socket = join(dir, 'app.sock');
      const stopServe = await startTsgiServe(socket, ['--protocol', 'uwsgi', '--workers', '2']);
      t.teardown(stopServe);
      const port = await freePort();
      const conf = renderExample('uwsgi.conf', [
        ['listen 80;', `listen 127.0.0.1:${port};`],
        ['listen 443 ssl;', ''],
        ['ssl_certificate     /etc/ssl/example.com/fullchain.pem;', ''],
        ['ssl_certificate_key /etc/ssl/example.com/privkey.pem;', ''],
        ['127.0.0.1:8001', `unix:${socket}`],
        ['127.0.0.1:8002', `unix:${socket}`],
      ]);
      const nginx = await startNginx(nginxPath, [conf], [port]);
      t.teardown(() => nginx.stop());

      const plain = await fetchVia({ port, path: '/environ?q=1', headers: { Host: 'example.com' } });
      if (plain.status !== 200) t.log(nginx.stderr());
      t.is(plain.status, 200);
      const { id, environ } = JSON.parse(plain.body.toString()) as { id: string; environ: Record<string, string> };
      t.is(id, 'tsgi-serve');
      t.like(environ, { SCRIPT_NAME: '', PATH_INFO: '/environ', QUERY_STRING: 'q=1', HTTP_HOST: 'example.com' });

      const shop = await fetchVia({ port, path: '/shop/environ/cart' });
      t.like((JSON.parse(shop.body.toString()) as { environ: Record<string, string> }).environ, { SCRIPT_NAME: '/shop', PATH_INFO: '/environ/cart' });

      const body = randomBytes(UPLOAD_SIZE);
      const upload = await fetchVia({ port, path: '/upload', method: 'POST', body });
      t.deepEqual(JSON.parse(upload.body.toString()), { length: UPLOAD_SIZE, sha256: sha256(body), contentLength: String(UPLOAD_SIZE) });

      const large = await fetchVia({ port, path: '/large' });
      t.true(large.complete);
      t.is(sha256(large.body), sha256(LARGE_BODY));
    });
  }
}
