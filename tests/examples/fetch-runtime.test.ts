import test from 'ava';
import server, { site } from '../../examples/fetch-runtime.js';
import { validate } from '../../lib/index.js';
import { Client } from '../../lib/testing/index.js';

test('the example answers a Request the way a Fetch runtime sends one', async (t) => {
  const response = await server.fetch(new Request('https://edge.example/?name=Ada', { headers: { Origin: 'https://app.example' } }));
  t.is(response.status, 200);
  t.is(response.headers.get('content-type'), 'text/plain; charset=utf-8');
  t.is(response.headers.get('access-control-allow-origin'), 'https://app.example');
  t.is(await response.text(), 'Hello, Ada, from edge.example!\n');
});

test('the example streams its countdown line by line', async (t) => {
  const response = await server.fetch(new Request('http://localhost:8000/countdown'));
  const lines: string[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of response.body!) lines.push(decoder.decode(chunk));
  t.deepEqual(lines, ['3\n', '2\n', '1\n', 'liftoff\n']);
});

test('the example answers a CORS preflight', async (t) => {
  const response = await server.fetch(
    new Request('https://edge.example/', { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'PUT' } }),
  );
  t.is(response.status, 204);
  t.is(response.body, null);
  t.is(response.headers.get('access-control-allow-origin'), 'https://app.example');
});

test('the example application follows the spec on its own', async (t) => {
  const response = await new Client(validate(site)).get('/');
  t.is(response.text(), 'Hello, world, from localhost!\n');
});
