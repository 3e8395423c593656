import test from 'ava';
import { makeServer } from '../../lib/server/index.js';
import { Client } from '../../lib/testing/index.js';
import { site } from '../../examples/readme-hello.js';

test("the README's example answers through the test client as the README says", async (t) => {
  const response = await new Client(site).get('/world');
  t.is(response.status, 200);
  t.is(response.headers.get('X-Powered-By'), 'tsgi');
  t.is(response.text(), 'Hello from /world\n');
});

test("the README's example answers over a real socket from makeServer()", async (t) => {
  const server = await makeServer('127.0.0.1', 0, site, { log: false });
  try {
    const response = await fetch(`${server.url}world`);
    t.is(response.headers.get('x-powered-by'), 'tsgi');
    t.is(await response.text(), 'Hello from /world\n');
  } finally {
    await server.close();
  }
});
