import { connect } from 'node:net';
import test from 'ava';
import type { Application } from '../../lib/protocol/types.js';
import { clientErrorResponse } from '../../lib/server/client-error.js';
import { delay, fetchResult, rawExchange, splitRaw, withServer } from './http-helpers.js';

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from('hello world')];
};

const responses: Array<[code: string | undefined, status: string]> = [
  ['HPE_HEADER_OVERFLOW', '431 Request Header Fields Too Large'],
  ['HPE_CHUNK_EXTENSIONS_OVERFLOW', '413 Content Too Large'],
  ['ERR_HTTP_REQUEST_TIMEOUT', '408 Request Timeout'],
  ['HPE_INVALID_METHOD', '400 Bad Request'],
  [undefined, '400 Bad Request'],
];

for (const [code, status] of responses) {
  test(`clientErrorResponse(${String(code)}) is a complete ${status} that closes the connection`, (t) => {
    const body = `${status.slice(4)}\n`;
    t.is(
      clientErrorResponse(code),
      `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });
}

const malformed: Array<[label: string, bytes: string]> = [
  ['a garbage line', 'this is not http\r\n\r\n'],
  ['a lowercase method', 'get / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ['a duplicate Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
  ['an obs-fold header', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\n\r\n'],
];

for (const [label, bytes] of malformed) {
  test(`the server answers ${label} with 400 and keeps serving`, async (t) => {
    let calls = 0;
    const counting: Application = (environ, startResponse) => {
      calls += 1;
      return hello(environ, startResponse);
    };
    await withServer(counting, async (server) => {
      const raw = await rawExchange(server.port, bytes);
      const { head, body } = splitRaw(raw);
      t.true(head.startsWith('HTTP/1.1 400 Bad Request\r\n'), head);
      t.true(head.includes('\r\nConnection: close'));
      t.is(body, 'Bad Request\n');
      t.is(calls, 0, 'the application never sees a refused request');
      t.is((await fetchResult(server.port)).body.toString(), 'hello world');
    });
  });
}

test('an HTTP/1.1 request without Host gets node\'s 400 and the server keeps serving', async (t) => {
  // RFC 9112 §3.2; node answers this one itself (requireHostHeader).
  await withServer(hello, async (server) => {
    const raw = await rawExchange(server.port, 'GET / HTTP/1.1\r\n\r\n');
    t.true(raw.startsWith('HTTP/1.1 400 Bad Request\r\n'), raw);
    t.is((await fetchResult(server.port)).status, 200);
  });
});

test('a bad chunk in a body being read gets 400, the read fails, and the server keeps serving', async (t) => {
  let readError: unknown;
  const reader: Application = async (environ, startResponse) => {
    try {
      await environ['tsgi.input'].read();
    } catch (error) {
      readError = error;
      throw error;
    }
    return hello(environ, startResponse);
  };
  await withServer(
    reader,
    async (server) => {
      const raw = await rawExchange(
        server.port,
        'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n',
      );
      t.true(raw.startsWith('HTTP/1.1 400 Bad Request\r\n'), raw);
      t.false(raw.includes('200 OK'));
      await delay(50);
      t.is((readError as Error | undefined)?.name, 'ClientDisconnected');
      t.is((await fetchResult(server.port)).status, 200);
    },
    { errors: { write() {}, writelines() {}, flush() {} } },
  );
});

test('the server answers a head larger than maxHeaderSize with 431', async (t) => {
  await withServer(
    hello,
    async (server) => {
      const raw = await rawExchange(server.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8192)}\r\n\r\n`);
      const { head, body } = splitRaw(raw);
      t.true(head.startsWith('HTTP/1.1 431 Request Header Fields Too Large\r\n'), head);
      t.is(body, 'Request Header Fields Too Large\n');
      t.is((await fetchResult(server.port)).status, 200);
    },
    { maxHeaderSize: 4096 },
  );
});

test('the server answers a head over the default 16 KiB with 431', async (t) => {
  await withServer(hello, async (server) => {
    const raw = await rawExchange(server.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    t.true(raw.startsWith('HTTP/1.1 431 Request Header Fields Too Large\r\n'), raw.slice(0, 80));
  });
});

test('a client that trickles its headers past headersTimeout gets 408', async (t) => {
  await withServer(
    hello,
    async (server) => {
      const started = Date.now();
      const raw = await new Promise<string>((resolve) => {
        const socket = connect(server.port, '127.0.0.1');
        let text = '';
        socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n'));
        const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 50);
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(trickle);
          resolve(text);
        });
      });
      const elapsed = Date.now() - started;
      t.true(raw.startsWith('HTTP/1.1 408 Request Timeout\r\n'), raw);
      t.true(elapsed >= 300 && elapsed < 3000, `answered after ${elapsed} ms`);
      t.is((await fetchResult(server.port)).status, 200);
    },
    { headersTimeout: 300, requestTimeout: 600 },
  );
});

test('a garbage request after a valid one on the same connection gets the valid answer first', async (t) => {
  await withServer(hello, async (server) => {
    const raw = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\nBOGUS\r\n\r\n');
    t.true(raw.startsWith('HTTP/1.1 200 OK\r\n'), raw);
    t.true(raw.includes('hello world'));
  });
});

test('garbage pipelined behind a slow request is refused after that request is answered', async (t) => {
  const slow: Application = async (environ, startResponse) => {
    await delay(100);
    return hello(environ, startResponse);
  };
  await withServer(slow, async (server) => {
    const raw = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\nBOGUS\r\n\r\n');
    const refusal = raw.indexOf('HTTP/1.1 400 Bad Request\r\n');
    t.true(raw.startsWith('HTTP/1.1 200 OK\r\n'), raw);
    t.true(refusal > raw.indexOf('hello world'), raw);
    t.true(raw.endsWith('\r\n\r\nBad Request\n'), raw);
  });
});

test('server.close() does not wait for a refused connection to linger', async (t) => {
  let port = 0;
  await withServer(hello, async (server) => {
    port = server.port;
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.on('connect', resolve));
    // The client sends garbage and never reads or closes.
    socket.write('garbage\r\n\r\n');
    await delay(50);
    const started = Date.now();
    await server.close();
    t.true(Date.now() - started < 500, `close() took ${Date.now() - started} ms`);
    socket.destroy();
  });
  t.true(port > 0);
});
