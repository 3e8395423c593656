import test from 'ava';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { UwsgiPacketDecoder } from '../../lib/uwsgi/uwsgi-packet-decoder.js';
import { uwsgiRequest } from '../../lib/uwsgi/uwsgi-client.js';

/** A fake uwsgi server: records the packet and body it gets, and answers `reply` bytes (then closes, or resets). */
async function fakeServer(t: import('ava').ExecutionContext, reply: string, end: 'close' | 'reset' = 'close') {
  const seen: { vars: Array<[string, string]>; body: Buffer }[] = [];
  const server = net.createServer((socket) => {
    const decoder = new UwsgiPacketDecoder();
    socket.on('data', (chunk) => {
      if (decoder.packet === null) {
        const packet = decoder.push(chunk);
        if (packet === null) return;
        seen.push({ vars: packet.vars, body: decoder.rest });
      } else {
        seen[0]!.body = Buffer.concat([seen[0]!.body, chunk]);
      }
      socket.write(reply, 'latin1');
      if (end === 'reset') setTimeout(() => socket.resetAndDestroy(), 50);
      else socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { address: { host: '127.0.0.1', port: (server.address() as AddressInfo).port }, seen };
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

test('uwsgiRequest() sends the vars nginx would, headers as HTTP_* vars', async (t) => {
  const { address, seen } = await fakeServer(t, OK);
  const response = await uwsgiRequest(address, {
    method: 'POST',
    target: '/a%20b?x=1',
    headers: [['Content-Type', 'text/plain'], ['X-Multi', 'a'], ['X-Multi', 'b'], ['X_Under', 'dropped']],
    body: 'hello',
    vars: { DOCUMENT_ROOT: '/srv', EXTRA: 'yes' },
  });
  t.is(response.status, 200);
  const vars = seen[0]!.vars;
  const get = (key: string): string[] => vars.filter(([name]) => name === key).map(([, value]) => value);
  t.deepEqual(get('REQUEST_METHOD'), ['POST']);
  t.deepEqual(get('REQUEST_URI'), ['/a%20b?x=1']);
  t.deepEqual(get('PATH_INFO'), ['/a b']);
  t.deepEqual(get('QUERY_STRING'), ['x=1']);
  t.deepEqual(get('CONTENT_TYPE'), ['text/plain']);
  t.deepEqual(get('CONTENT_LENGTH'), ['5']);
  t.deepEqual(get('HTTP_HOST'), [`127.0.0.1:${address.port}`]);
  t.deepEqual(get('HTTP_X_MULTI'), ['a', 'b']);
  t.deepEqual(get('HTTP_X_UNDER'), [], 'names with an underscore are dropped, as nginx does');
  t.deepEqual(get('HTTP_CONTENT_TYPE'), []);
  t.deepEqual(get('DOCUMENT_ROOT'), ['/srv'], 'vars replace by name');
  t.deepEqual(get('EXTRA'), ['yes']);
  t.is(seen[0]!.body.toString(), 'hello');
});

test('uwsgiRequest() sends CONTENT_TYPE and CONTENT_LENGTH empty without a body, as nginx does', async (t) => {
  const { address, seen } = await fakeServer(t, OK);
  await uwsgiRequest(address);
  const vars = new Map(seen[0]!.vars);
  t.is(vars.get('CONTENT_TYPE'), '');
  t.is(vars.get('CONTENT_LENGTH'), '');
  t.is(vars.get('SERVER_PROTOCOL'), 'HTTP/1.1');
});

test('uwsgiRequest() reads a close-delimited body to the close', async (t) => {
  const { address } = await fakeServer(t, 'HTTP/1.1 201 Made Here\r\nX-A: 1\r\n\r\nto the end');
  const response = await uwsgiRequest(address);
  t.is(response.statusLine, '201 Made Here');
  t.is(response.headers.get('X-A'), '1');
  t.is(response.body.toString(), 'to the end');
  t.false(response.aborted);
});

test('uwsgiRequest() reports a short body and a reset as aborted', async (t) => {
  const short = await fakeServer(t, 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfour');
  t.true((await uwsgiRequest(short.address)).aborted);
  const reset = await fakeServer(t, 'HTTP/1.1 200 OK\r\n\r\ncut', 'reset');
  const response = await uwsgiRequest(reset.address);
  t.is(response.body.toString(), 'cut');
  t.true(response.aborted);
});

test('uwsgiRequest() reads no body for HEAD', async (t) => {
  const { address } = await fakeServer(t, 'HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n');
  const response = await uwsgiRequest(address, { method: 'HEAD' });
  t.is(response.bodyLength, 0);
  t.false(response.aborted);
});

test('uwsgiRequest() refuses a response that is not HTTP', async (t) => {
  const { address } = await fakeServer(t, 'SPAM\r\n\r\n');
  await t.throwsAsync(uwsgiRequest(address), { message: "uwsgiRequest(): the response does not start with an HTTP status line; got 'SPAM'." });
  const silent = await fakeServer(t, '');
  await t.throwsAsync(uwsgiRequest(silent.address), { message: 'uwsgiRequest(): the connection closed before a complete response head; got 0 bytes.' });
});
