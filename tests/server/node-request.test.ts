import { Agent, request as httpRequest } from 'node:http';
import test from 'ava';
import type { Application, Environ } from '../../lib/protocol/types.js';
import { fetchResult, rawExchange, splitRaw, withServer } from './http-helpers.js';

/** Records the environ of each request and answers with the body it read. */
function recorder(): { app: Application; environs: Environ[] } {
  const environs: Environ[] = [];
  const app: Application = async (environ, startResponse) => {
    environs.push(environ);
    const body = await environ['tsgi.input'].read();
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
    return [body];
  };
  return { app, environs };
}

test('the environ carries the request line, the raw target and both addresses', async (t) => {
  const { app, environs } = recorder();
  await withServer(app, async (server) => {
    await fetchResult(server.port, { path: '/a%20b/%E4?x=1&y=%20', headers: { 'X-Thing': 'one' } });
    const environ = environs[0] as Environ;
    t.is(environ.REQUEST_METHOD, 'GET');
    t.is(environ.REQUEST_URI, '/a%20b/%E4?x=1&y=%20');
    t.is(environ.PATH_INFO, '/a b/\xe4');
    t.is(environ.QUERY_STRING, 'x=1&y=%20');
    t.is(environ.SERVER_PROTOCOL, 'HTTP/1.1');
    t.is(environ.SERVER_PORT, String(server.port));
    t.is(environ.REMOTE_ADDR, '127.0.0.1');
    t.regex(String(environ.REMOTE_PORT), /^\d+$/);
    t.is(environ['tsgi.url_scheme'], 'http');
    t.is(environ.HTTP_X_THING, 'one');
  });
});

test('an HTTP/1.0 request without Host takes SERVER_NAME and SERVER_PORT from the bound address', async (t) => {
  const { app, environs } = recorder();
  await withServer(app, async (server) => {
    await rawExchange(server.port, 'GET /old HTTP/1.0\r\n\r\n');
    const environ = environs[0] as Environ;
    t.is(environ.SERVER_PROTOCOL, 'HTTP/1.0');
    t.is(environ.SERVER_NAME, '127.0.0.1');
    t.is(environ.SERVER_PORT, String(server.port));
  });
});

test('a request without a body reads as empty', async (t) => {
  const { app, environs } = recorder();
  await withServer(app, async (server) => {
    const result = await fetchResult(server.port);
    t.is(result.body.length, 0);
    t.is(environs[0]?.CONTENT_LENGTH ?? '', '');
  });
});

test('a request body with Content-Length reaches tsgi.input', async (t) => {
  const { app, environs } = recorder();
  await withServer(app, async (server) => {
    const result = await fetchResult(server.port, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'Content-Length': '11' },
      body: 'hello world',
    });
    t.is(result.body.toString(), 'hello world');
    t.is(environs[0]?.CONTENT_LENGTH, '11');
    t.is(environs[0]?.CONTENT_TYPE, 'text/plain');
  });
});

test('a chunked upload reaches tsgi.input whole and sets tsgi.input_terminated', async (t) => {
  const { app, environs } = recorder();
  await withServer(app, async (server) => {
    const result = await fetchResult(server.port, {
      method: 'POST',
      headers: { 'Transfer-Encoding': 'chunked' },
      body: [Buffer.from('abc'), Buffer.from('def')],
    });
    t.is(result.body.toString(), 'abcdef');
    t.is(environs[0]?.['tsgi.input_terminated'], true);
  });
});

test('a body the application leaves unread does not break the next request on the connection', async (t) => {
  let calls = 0;
  const app: Application = async (environ, startResponse) => {
    calls += 1;
    // The first request reads 2 of its 10 bytes, then stops.
    const body = calls === 1 ? await environ['tsgi.input'].read(2) : await environ['tsgi.input'].read();
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from(`${calls}:${Buffer.from(body).toString()}`)];
  };
  await withServer(app, async (server) => {
    const raw = await rawExchange(
      server.port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789' +
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc',
    );
    t.true(raw.includes('1:01'), raw);
    t.true(raw.includes('2:abc'), raw);
    t.is(raw.split('HTTP/1.1 200 OK').length, 3);
  });
});

test('REMOTE_ADDR and REMOTE_PORT are each connection\'s own client address', async (t) => {
  const { app, environs } = recorder();
  await withServer(app, async (server) => {
    const clientPorts: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      // A new connection each time (no agent): each has its own client port.
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ port: server.port, host: '127.0.0.1', agent: false, path: `/${i}` }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('socket', (socket) => socket.on('connect', () => clientPorts.push(socket.localPort!)));
        req.on('error', reject).end();
      });
    }
    t.is(new Set(clientPorts).size, 3);
    t.deepEqual(
      environs.map((environ) => [environ.REMOTE_ADDR, environ.REMOTE_PORT]),
      clientPorts.map((port) => ['127.0.0.1', String(port)]),
    );
  });
});

test('a keep-alive connection carries several requests', async (t) => {
  const { app, environs } = recorder();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await withServer(app, async (server) => {
      const ports = new Set<string>();
      for (let i = 0; i < 3; i += 1) {
        await new Promise<void>((resolve, reject) => {
          httpRequest({ port: server.port, host: '127.0.0.1', agent, path: `/${i}` }, (res) => {
            res.resume();
            res.on('end', resolve);
          })
            .on('error', reject)
            .end();
        });
        ports.add(String(environs[i]?.REMOTE_PORT));
      }
      t.is(ports.size, 1, 'one connection, one remote port');
      t.deepEqual(
        environs.map((environ) => environ.PATH_INFO),
        ['/0', '/1', '/2'],
      );
      agent.destroy();
    });
  } finally {
    agent.destroy();
  }
});

test('a request with an absolute-form target keeps it as REQUEST_URI', async (t) => {
  const { app, environs } = recorder();
  await withServer(app, async (server) => {
    const raw = await rawExchange(
      server.port,
      `GET http://example.test:81/p?q=1 HTTP/1.1\r\nHost: example.test:81\r\nConnection: close\r\n\r\n`,
    );
    t.true(splitRaw(raw).head.startsWith('HTTP/1.1 200 OK'));
    t.is(environs[0]?.REQUEST_URI, 'http://example.test:81/p?q=1');
    t.is(environs[0]?.PATH_INFO, '/p');
  });
});
