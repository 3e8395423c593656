import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { timing } from '../../examples/timing-middleware.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import type { Application, Body, Environ, HeaderList } from '../../lib/protocol/types.js';
import { fetchResult, withServer } from '../server/http-helpers.js';

function callApp(app: Application, environ: Partial<Environ> = {}): Promise<{ headers: HeaderList; body: Body }> {
  let headers: HeaderList = [];
  const full = { REQUEST_METHOD: 'GET', PATH_INFO: '/t', 'tsgi.errors': new MemoryErrorStream(), ...environ } as Environ;
  return Promise.resolve(
    app(full, (_status, h) => {
      headers = h;
      return async () => undefined;
    }),
  ).then((body) => ({ headers, body }));
}

test('timing() adds X-Elapsed after the application headers', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from('x')];
  };
  const { headers, body } = await callApp(timing()(app));
  t.is(headers.length, 2);
  t.deepEqual(headers[0], ['Content-Type', 'text/plain']);
  t.is(headers[1]?.[0], 'X-Elapsed');
  t.regex(headers[1]?.[1] ?? '', /^\d+\.\dms$/);
  t.true(Array.isArray(body));
});

test('timing({ header }) uses that header name', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', []);
    return [];
  };
  const { headers } = await callApp(timing({ header: 'Server-Timing-Ms' })(app));
  t.is(headers[0]?.[0], 'Server-Timing-Ms');
});

test('timing() rejects a header name that is not a token', (t) => {
  t.throws(() => timing({ header: 'Bad Header' }), {
    instanceOf: TypeError,
    message: 'timing() option header must be a header name (an RFC 9110 token); got Bad Header.',
  });
});

const bodies: Array<[label: string, make: () => Body]> = [
  ['an array', () => [Buffer.from('a'), Buffer.from('b')]],
  [
    'a sync iterable',
    () =>
      (function* () {
        yield Buffer.from('a');
        yield Buffer.from('b');
      })(),
  ],
  [
    'an async iterable',
    () =>
      (async function* () {
        yield Buffer.from('a');
        yield Buffer.from('b');
      })(),
  ],
];

for (const [label, make] of bodies) {
  test(`timing({ log: true }) forwards close() of ${label} once and logs the time`, async (t) => {
    let closed = 0;
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', []);
      return Object.assign(make(), { close: () => void (closed += 1) });
    };
    const errors = new MemoryErrorStream();
    const { body } = await callApp(timing({ log: true })(app), { 'tsgi.errors': errors });
    const chunks: string[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk).toString());
    t.deepEqual(chunks, ['a', 'b']);
    t.is(Array.isArray(body), label === 'an array');
    body.close?.();
    t.is(closed, 1);
    t.regex(errors.text, /^GET \/t took \d+\.\d ms\n$/);
  });
}

test('timing() through a server keeps the computed Content-Length of an array body', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from('hello')];
  };
  const errors = new MemoryErrorStream();
  await withServer(
    timing({ log: true })(app),
    async (server) => {
      const result = await fetchResult(server.port);
      t.is(result.headers['content-length'], '5');
      t.truthy(result.headers['x-elapsed']);
    },
    { errors },
  );
  t.regex(errors.text, /GET \/ took/);
});

test('node dist/examples/timing-middleware.js runs a server', async (t) => {
  const script = fileURLToPath(new URL('../../examples/timing-middleware.js', import.meta.url));
  const child = spawn(process.execPath, [script], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
  const port = Number(/port (\d+)/.exec(line)?.[1]);
  const result = await fetchResult(port);
  t.truthy(result.headers['x-elapsed']);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('close', resolve));
});
