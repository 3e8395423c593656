import test from 'ava';
import { app } from '../../examples/express-with-auth.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { makeServer } from '../../lib/server/index.js';
import { Client } from '../../lib/testing/index.js';

const credentials = `Basic ${Buffer.from('ada:lovelace').toString('base64')}`;

test('the Express app answers a signed-in user and sees who it is', async (t) => {
  const errors = new MemoryErrorStream();
  const response = await new Client(app, { errors }).get('/orders', { headers: { Authorization: credentials } });
  t.is(response.status, 200);
  t.deepEqual(response.json(), { user: 'ada', orders: [{ id: 1, item: 'tea' }] });
  t.regex(errors.text, /- ada \[[^\]]+\] "GET \/orders HTTP\/1\.1" 200 \d+/);
});

test('a client without credentials gets the 401 before Express runs, and it is logged', async (t) => {
  const errors = new MemoryErrorStream();
  const response = await new Client(app, { errors }).post('/orders', { json: { item: 'cake' } });
  t.is(response.status, 401);
  t.is(response.headers.get('WWW-Authenticate'), 'Basic realm="shop", charset="UTF-8"');
  t.regex(errors.text, /"POST \/orders HTTP\/1\.1" 401 /);
});

test('served by the dev server over a socket, a JSON body reaches Express', async (t) => {
  const server = await makeServer('127.0.0.1', 0, app, { log: false, errors: new MemoryErrorStream() });
  t.teardown(() => server.close());
  const response = await fetch(`${server.url}orders`, {
    method: 'POST',
    headers: { Authorization: credentials, 'Content-Type': 'application/json' },
    body: JSON.stringify({ item: 'cake' }),
  });
  t.is(response.status, 201);
  t.deepEqual(await response.json(), { created: { item: 'cake' } });
});
