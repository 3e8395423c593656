import test from 'ava';
import { startChildServer } from '../../bench/child-server.js';

const SCRIPT = new URL('../../bench/hello-server.js', import.meta.url);

/** Fetches `url` and stops the child server, whatever happens. */
async function fetchThenStop(server: Awaited<ReturnType<typeof startChildServer>>): Promise<Response> {
  try {
    return await fetch(server.url);
  } finally {
    server.child.disconnect();
  }
}

test('the fastify reference answers the framework benchmark\'s request with the same headers and JSON as the framework', async (t) => {
  const framework = await fetchThenStop(await startChildServer(SCRIPT, 'framework', '/items/42/'));
  const fastify = await fetchThenStop(await startChildServer(SCRIPT, 'fastify', '/items/42/'));
  t.is(fastify.status, 200);
  t.is(await fastify.text(), await framework.text());
  const names = (response: Response) => [...response.headers.keys()].filter((name) => name !== 'keep-alive').sort();
  t.deepEqual(names(fastify), names(framework));
  t.is(fastify.headers.get('x-frame-options'), framework.headers.get('x-frame-options'));
  t.is(fastify.headers.get('referrer-policy'), framework.headers.get('referrer-policy'));
});

test('bare-json answers with exactly the framework benchmark\'s response: status, header names and values, body', async (t) => {
  const framework = await fetchThenStop(await startChildServer(SCRIPT, 'framework', '/items/42/'));
  const bare = await fetchThenStop(await startChildServer(SCRIPT, 'bare-json', '/items/42/'));
  t.is(bare.status, framework.status);
  t.is(await bare.text(), await framework.text());
  const headers = (response: Response) => [...response.headers].filter(([name]) => name !== 'keep-alive' && name !== 'date');
  t.deepEqual(headers(bare), headers(framework));
});
