import { createServer, request as httpRequest } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import test from 'ava';
import type { Application, Body } from '../../lib/protocol/types.js';
import { NodeSink } from '../../lib/server/index.js';
import { delay, fetchResult, rawExchange, splitRaw, withServer } from './http-helpers.js';

/** Streams `chunks` as an async generator, so the gateway cannot size it. */
function streaming(chunks: string[]): Application {
  return (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      for (const chunk of chunks) yield Buffer.from(chunk);
    })();
  };
}

test('a streamed body goes out chunked on HTTP/1.1', async (t) => {
  await withServer(streaming(['ab', 'cd']), async (server) => {
    const raw = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const { head, body } = splitRaw(raw);
    t.true(head.startsWith('HTTP/1.1 200 OK\r\n'), head);
    t.true(head.includes('\r\nTransfer-Encoding: chunked'), head);
    t.false(/content-length/i.test(head));
    t.is(body, '2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n');
  });
});

test('a streamed body to an HTTP/1.0 client is delimited by closing the connection', async (t) => {
  await withServer(streaming(['ab', 'cd']), async (server) => {
    // `TE: chunked` would let node chunk; the gateway chose close-delimited framing.
    const raw = await rawExchange(server.port, 'GET / HTTP/1.0\r\nTE: chunked\r\n\r\n');
    const { head, body } = splitRaw(raw);
    t.true(head.startsWith('HTTP/1.1 200 OK\r\n'), head);
    t.false(/transfer-encoding|content-length/i.test(head), head);
    t.true(head.includes('\r\nConnection: close'), head);
    t.is(body, 'abcd');
  });
});

test('a HEAD response has the GET headers and no body', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from('hello world')];
  };
  await withServer(app, async (server) => {
    const raw = await rawExchange(server.port, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const { head, body } = splitRaw(raw);
    t.true(head.includes('\r\nContent-Length: 11'), head);
    t.is(body, '');
  });
});

test('a 204 response has no body and no framing headers', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('204 No Content', []);
    return [];
  };
  await withServer(app, async (server) => {
    const raw = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const { head, body } = splitRaw(raw);
    t.true(head.startsWith('HTTP/1.1 204 No Content\r\n'), head);
    t.false(/transfer-encoding/i.test(head), head);
    t.is(body, '');
  });
});

test('the reason phrase of the application reaches the status line', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('299 Quite Fine', [['Content-Type', 'text/plain']]);
    return [];
  };
  await withServer(app, async (server) => {
    const result = await fetchResult(server.port);
    t.is(result.status, 299);
    t.is(result.statusMessage, 'Quite Fine');
  });
});

test("the application's own reason phrase for a code node knows reaches the status line", async (t) => {
  const app: Application = (environ, startResponse) => {
    startResponse(environ.PATH_INFO === '/own' ? '404 Gone Missing' : '404 Not Found', [['Content-Type', 'text/plain']]);
    return [];
  };
  await withServer(app, async (server) => {
    t.is((await fetchResult(server.port, { path: '/own' })).statusMessage, 'Gone Missing');
    t.is((await fetchResult(server.port, { path: '/' })).statusMessage, 'Not Found');
  });
});

test('an error after the head was sent leaves a chunked response without its last chunk', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      yield Buffer.from('partial');
      await delay(10);
      throw new Error('midway');
    })();
  };
  await withServer(
    app,
    async (server) => {
      const raw = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      const { body } = splitRaw(raw);
      t.true(body.startsWith('7\r\npartial\r\n'), body);
      t.false(body.includes('0\r\n\r\n'));
      const result = await fetchResult(server.port);
      t.true(result.aborted);
    },
    { errors: { write() {}, writelines() {}, flush() {} } },
  );
});

// Serial: a client whose event loop is busy reads the data and the reset
// together, and the kernel may then report a plain end of stream.
test.serial('an error after the head of a close-delimited HTTP/1.0 response resets the connection', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      yield Buffer.from('partial');
      await delay(50);
      throw new Error('midway');
    })();
  };
  await withServer(
    app,
    async (server) => {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect(server.port, '127.0.0.1');
        let text = '';
        socket.on('connect', () => socket.write('GET / HTTP/1.0\r\n\r\n'));
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(`${error.code}`));
        socket.on('end', () => resolve(`clean end after ${JSON.stringify(text)}`));
      });
      // A clean close would make the truncated body look complete.
      t.is(outcome, 'ECONNRESET');
    },
    { errors: { write() {}, writelines() {}, flush() {} } },
  );
});

test('an error right after the first chunk still delivers the head and that chunk', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '100']]);
    return [Buffer.from('only this')];
  };
  await withServer(
    app,
    async (server) => {
      const raw = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      const { head, body } = splitRaw(raw);
      t.true(head.startsWith('HTTP/1.1 200 OK\r\n'), head);
      t.true(head.includes('\r\nContent-Length: 100'), head);
      t.is(body, 'only this');
    },
    { errors: { write() {}, writelines() {}, flush() {} } },
  );
});

test('a client that goes away stops the iteration and the body is closed once', async (t) => {
  let closed = 0;
  let yielded = 0;
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    const body: Body = Object.assign(
      (async function* () {
        for (;;) {
          yielded += 1;
          yield Buffer.alloc(1024, 'x');
          await delay(5);
        }
      })(),
      {
        close() {
          closed += 1;
        },
      },
    );
    return body;
  };
  await withServer(app, async (server) => {
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.once('data', () => {
        socket.destroy();
        resolve();
      });
    });
    await delay(200);
    t.is(closed, 1);
    const settled = yielded;
    await delay(100);
    t.is(yielded, settled, 'the gateway stopped pulling chunks');
  });
});

test('a large streamed body arrives whole with a slow reader (backpressure)', async (t) => {
  const chunk = Buffer.alloc(64 * 1024, 'y');
  const count = 256; // 16 MiB
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
    return (function* () {
      for (let i = 0; i < count; i += 1) yield chunk;
    })();
  };
  await withServer(app, async (server) => {
    const received = await new Promise<number>((resolve, reject) => {
      httpRequest({ port: server.port, host: '127.0.0.1', agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (data: Buffer) => {
          bytes += data.length;
          // Read slowly at first so the server's socket buffer fills.
          if (bytes < 4 * 1024 * 1024) {
            res.pause();
            setTimeout(() => res.resume(), 1);
          }
        });
        res.on('end', () => resolve(bytes));
      })
        .on('error', reject)
        .end();
    });
    t.is(received, count * chunk.length);
  });
});

test('Expect: 100-continue is answered only when the application reads tsgi.input', async (t) => {
  const reader: Application = async (environ, startResponse) => {
    const body = await environ['tsgi.input'].read();
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from(`got ${Buffer.from(body).toString()}`)];
  };
  const ignorer: Application = (_environ, startResponse) => {
    startResponse('403 Forbidden', [['Content-Type', 'text/plain']]);
    return [Buffer.from('no')];
  };
  const exchange = (port: number): Promise<{ continued: boolean; status: number; body: string }> =>
    new Promise((resolve, reject) => {
      let continued = false;
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          agent: false,
          headers: { Expect: '100-continue', 'Content-Length': '5', 'Content-Type': 'text/plain' },
        },
        (res) => {
          let text = '';
          res.on('data', (data: Buffer) => (text += data.toString()));
          res.on('end', () => resolve({ continued, status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('continue', () => {
        continued = true;
        req.end('hello');
      });
      req.on('response', () => {
        if (!continued) req.end();
      });
      req.on('error', reject);
      req.flushHeaders();
    });

  await withServer(reader, async (server) => {
    t.deepEqual(await exchange(server.port), { continued: true, status: 200, body: 'got hello' });
  });
  await withServer(ignorer, async (server) => {
    const result = await exchange(server.port);
    t.false(result.continued);
    t.is(result.status, 403);
  });
});

/** A bare node server whose handler hands each response to `handle`; closed by the caller. */
async function bareServer(handle: (res: ServerResponse) => void): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((_req, res) => handle(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const notClosing = { closing: false, endedWhileClosing: () => undefined };

test('NodeSink.disconnected and NodeSink.signal report a client that went away', async (t) => {
  const sinks: NodeSink[] = [];
  let early: AbortSignal | undefined;
  const server = await bareServer((res) => {
    const sink = new NodeSink(res, notClosing, false);
    sinks.push(sink);
    // One signal asked for before the disconnect, one after.
    if (sinks.length === 1) early = sink.signal;
    sink.start({ status: 200, statusLine: '200 OK', headers: [['Content-Type', 'text/plain']], framing: { kind: 'chunked' } });
    void sink.write(Buffer.from('x'));
  });
  try {
    for (let i = 0; i < 2; i += 1) {
      await new Promise<void>((resolve) => {
        const socket = connect(server.port, '127.0.0.1');
        socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        socket.once('data', () => {
          socket.destroy();
          resolve();
        });
      });
    }
    await delay(100);
    const [first, second] = sinks as [NodeSink, NodeSink];
    t.true(first.disconnected);
    t.true(early?.aborted);
    t.true((early?.reason as Error).name === 'ClientDisconnected');
    t.is(first.signal, early as AbortSignal, 'the signal is created once');
    t.true(second.disconnected);
    t.true(second.signal.aborted, 'a signal created after the disconnect is already aborted');
  } finally {
    await server.close();
  }
});

test('NodeSink.disconnected stays false for a response that finished', async (t) => {
  let sink: NodeSink | undefined;
  const server = await bareServer((res) => {
    sink = new NodeSink(res, notClosing, false);
    sink.start({ status: 200, statusLine: '200 OK', headers: [['Content-Length', '2']], framing: { kind: 'length', length: 2 } });
    void sink.write(Buffer.from('ok'));
    sink.end();
  });
  try {
    const result = await fetchResult(server.port);
    t.is(result.body.toString(), 'ok');
    await delay(50);
    t.false(sink?.disconnected);
    t.false(sink?.signal.aborted);
    t.is(sink?.status, 200);
    t.is(sink?.bytesSent, 2);
    t.is(sink?.sendContinue, undefined, 'sendContinue only for a request that expects 100');
  } finally {
    await server.close();
  }
});

/** Answers with `body` as its only chunk (so the gateway sizes it). */
function oneChunk(body: Uint8Array): Application {
  return (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
    return [body];
  };
}

/** Every byte value, `repeat` times over, as a Uint8Array that views the middle of a larger buffer (not a Buffer). */
function everyByte(repeat: number): Uint8Array {
  const backing = new Uint8Array(256 * repeat + 16);
  for (let i = 0; i < 256 * repeat; i += 1) backing[i + 8] = i % 256;
  return new Uint8Array(backing.buffer, 8, 256 * repeat);
}

for (const [label, body] of [
  ['a small Buffer', Buffer.from(everyByte(1))],
  ['a small Uint8Array view', everyByte(1)],
  ['a 4096-byte body', everyByte(16)],
  ['a 4097-byte body', Buffer.concat([Buffer.from(everyByte(16)), Buffer.from([0xff])])],
] as const) {
  test(`${label} sent whole arrives byte for byte`, async (t) => {
    await withServer(oneChunk(body), async (server) => {
      const result = await fetchResult(server.port);
      t.is(result.headers['content-length'], String(body.byteLength));
      t.deepEqual(result.body, Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    });
  });
}
