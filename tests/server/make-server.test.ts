import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import test from 'ava';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Application, Environ } from '../../lib/protocol/types.js';
import { makeServer } from '../../lib/server/index.js';
import { delay, fetchResult, withServer } from './http-helpers.js';

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [
    ['Content-Type', 'text/plain'],
    ['X-Custom', 'yes'],
  ]);
  return [Buffer.from('hello world')];
};

/** Streams `first`, waits `ms`, then streams `second`. */
function slowApp(ms: number): Application {
  return (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      yield Buffer.from('first ');
      await delay(ms);
      yield Buffer.from('second');
    })();
  };
}

const badArguments: Array<[label: string, args: unknown[], error: new (...args: never[]) => Error, message: string]> = [
  [
    'a host that is not a string',
    [8000, 8000, hello],
    TypeError,
    "makeServer() host must be a string; got 8000. Pass '127.0.0.1', 'localhost', or '' for every interface.",
  ],
  [
    'a port given as a string',
    ['127.0.0.1', '8000', hello],
    TypeError,
    "makeServer() port must be an integer; got '8000'. Pass 0 to let the system pick one.",
  ],
  [
    'a fractional port',
    ['127.0.0.1', 80.5, hello],
    TypeError,
    'makeServer() port must be an integer; got 80.5. Pass 0 to let the system pick one.',
  ],
  [
    'a port above 65535',
    ['127.0.0.1', 70000, hello],
    RangeError,
    'makeServer() port must be from 0 to 65535; got 70000. Pass 0 to let the system pick one.',
  ],
  [
    'a negative port',
    ['127.0.0.1', -1, hello],
    RangeError,
    'makeServer() port must be from 0 to 65535; got -1. Pass 0 to let the system pick one.',
  ],
  [
    'an app that is not a function',
    ['127.0.0.1', 0, { app: hello }],
    TypeError,
    'makeServer() app must be a tsgi application, a function (environ, startResponse); got an object.',
  ],
  [
    'a missing app',
    ['127.0.0.1', 0],
    TypeError,
    'makeServer() app must be a tsgi application, a function (environ, startResponse); got undefined.',
  ],
];

for (const [label, args, error, message] of badArguments) {
  test(`makeServer() throws at once for ${label}`, (t) => {
    t.throws(() => (makeServer as (...a: unknown[]) => unknown)(...args), { instanceOf: error, message });
  });
}

test('makeServer() throws ImproperlyConfigured for an unknown option before binding', (t) => {
  t.throws(() => makeServer('127.0.0.1', 0, hello, { port: 1 } as never), {
    instanceOf: ImproperlyConfigured,
    message:
      "makeServer() got an unknown option 'port'. Known options: requestTimeout, headersTimeout, keepAliveTimeout, maxHeaderSize, errors, log, serverSoftware, baseEnviron.",
  });
});

test("makeServer('127.0.0.1', 0, app) binds a free port and reports host, port and url", async (t) => {
  await withServer(hello, async (server) => {
    t.is(server.host, '127.0.0.1');
    t.true(server.port > 0);
    t.is(server.url, `http://127.0.0.1:${server.port}/`);
    t.is(server.httpServer.listening, true);
  });
});

test("makeServer('', 0, app) binds every interface and gives a loopback url", async (t) => {
  const server = await makeServer('', 0, hello, { log: false });
  try {
    t.true(server.host === '::' || server.host === '0.0.0.0', server.host);
    t.regex(server.url, /^http:\/\/(127\.0\.0\.1|\[::1\]):\d+\/$/);
    t.is((await fetchResult(server.port)).body.toString(), 'hello world');
  } finally {
    await server.close();
  }
});

test('makeServer() rejects when the port is taken', async (t) => {
  await withServer(hello, async (first) => {
    const error = await t.throwsAsync(makeServer('127.0.0.1', first.port, hello, { log: false }));
    t.is((error as { code?: string }).code, 'EADDRINUSE');
  });
});

test('the server answers with the status, headers and body of the application', async (t) => {
  await withServer(hello, async (server) => {
    const result = await fetchResult(server.port);
    t.is(result.status, 200);
    t.is(result.statusMessage, 'OK');
    t.is(result.headers['content-type'], 'text/plain');
    t.is(result.headers['x-custom'], 'yes');
    t.is(result.headers['content-length'], '11');
    t.regex(result.headers.date ?? '', /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
    t.is(result.body.toString(), 'hello world');
    // node adds Date (the gateway leaves it to the node sink): exactly one.
    t.is(result.rawHeaders.filter((name) => name.toLowerCase() === 'date').length, 1);
  });
});

test('the server keeps serving after an application fails', async (t) => {
  let calls = 0;
  const flaky: Application = (environ, startResponse) => {
    calls += 1;
    if (calls === 1) throw new Error('boom');
    return hello(environ, startResponse);
  };
  const errors = new MemoryErrorStream();
  await withServer(
    flaky,
    async (server) => {
      const failed = await fetchResult(server.port);
      t.is(failed.status, 500);
      t.false(failed.body.toString().includes('boom'));
      t.true(errors.text.includes('boom'));
      t.is((await fetchResult(server.port)).body.toString(), 'hello world');
    },
    { errors },
  );
});

test('options errors, serverSoftware and baseEnviron reach the environ', async (t) => {
  const errors = new MemoryErrorStream();
  let seen: Environ | undefined;
  const app: Application = (environ, startResponse) => {
    seen = environ;
    environ['tsgi.errors'].write('app says hi\n');
    return hello(environ, startResponse);
  };
  await withServer(
    app,
    async (server) => {
      const result = await fetchResult(server.port);
      t.is(result.headers.server, 'demo/1.0');
      t.is(seen?.SERVER_SOFTWARE, 'demo/1.0');
      t.is(seen?.['app.flavour'], 'vanilla');
      t.is(errors.text, 'app says hi\n');
    },
    { errors, serverSoftware: 'demo/1.0', baseEnviron: { 'app.flavour': 'vanilla' } },
  );
});

test("serverSoftware '' leaves the Server header out", async (t) => {
  await withServer(
    hello,
    async (server) => {
      const result = await fetchResult(server.port);
      t.is(result.headers.server, undefined);
    },
    { serverSoftware: '' },
  );
});

test('the default Server header names tsgi', async (t) => {
  await withServer(hello, async (server) => {
    t.regex(String((await fetchResult(server.port)).headers.server), /^tsgi\//);
  });
});

test('server.close() is idempotent and refuses new connections', async (t) => {
  const server = await makeServer('127.0.0.1', 0, hello, { log: false });
  const first = server.close();
  t.is(server.close(), first);
  await first;
  t.false(server.httpServer.listening);
  const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', resolve);
    socket.on('connect', () => {
      socket.destroy();
      resolve(new Error('connected') as NodeJS.ErrnoException);
    });
  });
  t.is(error.code, 'ECONNREFUSED');
});

test('server.close() lets a slow in-flight request finish', async (t) => {
  const server = await makeServer('127.0.0.1', 0, slowApp(300), { log: false });
  const pending = fetchResult(server.port);
  await delay(100);
  let closed = false;
  const closing = server.close().then(() => {
    closed = true;
  });
  await delay(50);
  t.false(closed, 'close() waits for the request in flight');
  const result = await pending;
  t.is(result.body.toString(), 'first second');
  t.false(result.aborted);
  await closing;
  t.true(closed);
});

test('server.close() closes idle keep-alive connections at once', async (t) => {
  const server = await makeServer('127.0.0.1', 0, hello, { log: false, keepAliveTimeout: 30_000, requestTimeout: 0 });
  const agent = new Agent({ keepAlive: true });
  try {
    await new Promise<void>((resolve, reject) => {
      httpRequest({ port: server.port, host: '127.0.0.1', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    const started = Date.now();
    await server.close();
    t.true(Date.now() - started < 1000, `close() took ${Date.now() - started} ms`);
  } finally {
    agent.destroy();
  }
});

test('a response that starts after close() was called carries Connection: close', async (t) => {
  let arrived: () => void = () => {};
  const inApp = new Promise<void>((resolve) => (arrived = resolve));
  const late: Application = async (environ, startResponse) => {
    arrived();
    await delay(200);
    return hello(environ, startResponse);
  };
  const server = await makeServer('127.0.0.1', 0, late, { log: false });
  const pending = fetchResult(server.port, { headers: { Connection: 'keep-alive' } });
  // close() only once the request is in the application (a fixed delay races a busy machine).
  await inApp;
  const closing = server.close();
  const result = await pending;
  t.is(result.headers.connection, 'close');
  t.is(result.body.toString(), 'hello world');
  await closing;
});

test('a keep-alive response started before close() lets close() finish when it ends', async (t) => {
  const server = await makeServer('127.0.0.1', 0, slowApp(300), { log: false, keepAliveTimeout: 30_000 });
  const agent = new Agent({ keepAlive: true });
  try {
    const pending = new Promise<string>((resolve, reject) => {
      httpRequest({ port: server.port, host: '127.0.0.1', agent }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    await delay(100);
    const started = Date.now();
    await server.close();
    t.is(await pending, 'first second');
    t.true(Date.now() - started < 2000, `close() took ${Date.now() - started} ms`);
  } finally {
    agent.destroy();
  }
});

test('server.handleRequest() serves exactly one request, holding the next until called again', async (t) => {
  await withServer(hello, async (server) => {
    const handled = server.handleRequest();
    const first = fetchResult(server.port);
    await handled;
    t.is((await first).body.toString(), 'hello world');

    let secondDone = false;
    const second = fetchResult(server.port).then((result) => {
      secondDone = true;
      return result;
    });
    await delay(200);
    t.false(secondDone, 'the second request waits for the next handleRequest()');
    await server.handleRequest();
    t.is((await second).status, 200);
  });
});

test('server.handleRequest() takes a request that arrived before the call', async (t) => {
  await withServer(hello, async (server) => {
    // The first call switches to one-at-a-time mode.
    const first = server.handleRequest();
    await fetchResult(server.port);
    await first;
    const early = fetchResult(server.port);
    await delay(100);
    await server.handleRequest();
    t.is((await early).status, 200);
  });
});

test('server.serveForever() releases held requests and resolves when the server closes', async (t) => {
  const server = await makeServer('127.0.0.1', 0, hello, { log: false });
  const first = server.handleRequest();
  await fetchResult(server.port);
  await first;
  const held = fetchResult(server.port);
  await delay(100);
  let stopped = false;
  const forever = server.serveForever().then(() => {
    stopped = true;
  });
  t.is((await held).status, 200);
  t.is((await fetchResult(server.port)).status, 200);
  t.false(stopped);
  await server.close();
  await forever;
  t.true(stopped);
});

test('server.close() answers held requests 503 and settles waiting handleRequest() calls', async (t) => {
  const server = await makeServer('127.0.0.1', 0, hello, { log: false });
  const first = server.handleRequest();
  await fetchResult(server.port);
  await first;
  const held = fetchResult(server.port);
  await delay(100);
  await server.close();
  const result = await held;
  t.is(result.status, 503);
  t.is(result.body.toString(), 'Service Unavailable\n');
  t.is(result.headers.connection, 'close');
  await server.handleRequest();
  t.pass('handleRequest() after close() resolves at once');
});

test('server.close() settles a handleRequest() still waiting for a request', async (t) => {
  const server = await makeServer('127.0.0.1', 0, hello, { log: false });
  const waiting = server.handleRequest();
  await server.close();
  await waiting;
  t.pass();
});
