import test from 'ava';
import { fromFetchHandler, type FetchApplication } from '../../lib/adapters/from-fetch-handler.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { Client } from '../../lib/testing/client.js';

const tick = (ms = 10): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A Fetch app that keeps each Request (and its body text) and answers 'ok'. */
function recordingFetch(): { fetch: FetchApplication; requests: Request[]; bodies: string[]; infos: unknown[] } {
  const requests: Request[] = [];
  const bodies: string[] = [];
  const infos: unknown[] = [];
  const fetch: FetchApplication = async (request, info) => {
    requests.push(request);
    infos.push(info);
    bodies.push(request.body === null ? '<none>' : await request.text());
    return new Response('ok');
  };
  return { fetch, requests, bodies, infos };
}

test('fromFetchHandler(fetch) builds the Request from the environ: URL, method, headers, body', async (t) => {
  const { fetch, requests, bodies, infos } = recordingFetch();
  const client = new Client(fromFetchHandler(fetch));
  const response = await client.post('/a%2Fb/%E4?x=%20y', {
    remoteAddr: '10.1.2.3',
    remotePort: 4321,
    headers: { 'Content-Type': 'text/plain', 'X-Multi': 'a', Connection: 'keep-alive' },
    body: 'hello',
  });
  t.is(response.status, 200);
  t.is(response.text(), 'ok');
  const request = requests[0]!;
  t.is(request.method, 'POST');
  t.is(request.url, 'http://localhost/a%2Fb/%E4?x=%20y', 'the raw path is kept');
  t.is(request.headers.get('content-type'), 'text/plain');
  t.is(request.headers.get('content-length'), '5');
  t.is(request.headers.get('x-multi'), 'a');
  t.false(request.headers.has('connection'), 'hop-by-hop headers are dropped');
  t.is(bodies[0], 'hello');
  t.deepEqual(infos[0], { remoteAddr: { transport: 'tcp', hostname: '10.1.2.3', port: 4321 } });
});

test('fromFetchHandler(fetch) re-encodes SCRIPT_NAME + PATH_INFO when a middleware changed the path', async (t) => {
  const { fetch, requests, bodies } = recordingFetch();
  const inner = fromFetchHandler(fetch);
  const client = new Client((environ, startResponse) => {
    environ.SCRIPT_NAME = '/mount';
    environ.PATH_INFO = '/sp\xe4m x';
    return inner(environ, startResponse);
  });
  await client.get('/whatever?q=1');
  t.is(requests[0]!.url, 'http://localhost/mount/sp%E4m%20x?q=1');
  t.is(bodies[0], '<none>', 'a GET has no body');
});

test('fromFetchHandler(fetch) streams a chunked upload to the Fetch app as it reads', async (t) => {
  const { fetch, bodies, requests } = recordingFetch();
  const client = new Client(fromFetchHandler(fetch));
  await client.put('/up', { bodyChunks: [Buffer.from('ab'), Buffer.from('cd')] });
  t.is(bodies[0], 'abcd');
  t.false(requests[0]!.headers.has('content-length'));
});

test('fromFetchHandler(fetch) answers with status, reason, headers and each Set-Cookie apart', async (t) => {
  const client = new Client(
    fromFetchHandler(() => {
      const headers = new Headers({ 'Content-Type': 'application/json' });
      headers.append('Set-Cookie', 'a=1; Path=/');
      headers.append('Set-Cookie', 'b=2');
      return new Response('{"ok":true}', { status: 201, statusText: 'Made It', headers });
    }),
    { useCookies: false },
  );
  const response = await client.get('/');
  t.is(response.statusLine, '201 Made It');
  t.is(response.headers.get('Content-Type'), 'application/json');
  t.deepEqual(response.headers.getAll('Set-Cookie'), ['a=1; Path=/', 'b=2']);
  t.deepEqual(response.json(), { ok: true });
});

test('fromFetchHandler(fetch) uses the standard reason phrase when statusText is empty, an empty body for a null one, and a Content-Type', async (t) => {
  const client = new Client(fromFetchHandler(() => new Response(null, { status: 404 })));
  const response = await client.get('/');
  t.is(response.statusLine, '404 Not Found');
  t.is(response.headers.get('Content-Length'), '0');
  t.is(response.headers.get('Content-Type'), 'application/octet-stream', 'SPEC §6.9 wants a Content-Type');
});

test('fromFetchHandler(fetch) streams the Response body chunk by chunk', async (t) => {
  const seen: string[] = [];
  const client = new Client(
    fromFetchHandler(() => {
      let n = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await tick(2);
          n += 1;
          if (n > 3) controller.close();
          else controller.enqueue(Buffer.from(`part${n} `));
        },
      });
      return new Response(body);
    }),
  );
  const response = await client.get('/', { onBodyChunk: (chunk) => void seen.push(Buffer.from(chunk).toString()) });
  t.deepEqual(seen, ['part1 ', 'part2 ', 'part3 ']);
  t.is(response.framing.kind, 'chunked');
});

test('fromFetchHandler(fetch) cancels the Response body and aborts the Request signal when the client leaves', async (t) => {
  let cancelled: unknown;
  let signal: AbortSignal | undefined;
  const client = new Client(
    fromFetchHandler((request) => {
      signal = request.signal;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await tick(1);
          controller.enqueue(Buffer.from('0123456789'));
        },
        cancel(reason) {
          cancelled = reason;
        },
      });
      return new Response(body);
    }),
  );
  const response = await client.get('/', { disconnectAfter: 25 });
  t.true(response.aborted);
  // The abort follows the disconnect asynchronously: wait for it (a loaded machine may be slow), never for a fixed time.
  for (let waited = 0; (!(signal?.aborted ?? false) || cancelled === undefined) && waited < 5000; waited += 10) await tick(10);
  t.true(signal?.aborted, 'the Fetch app can see the disconnect');
  t.is((cancelled as Error | undefined)?.name, 'ClientDisconnected');
  t.is(response.errors, '');
});

test('fromFetchHandler(fetch) does not abort the Request signal once the body was read to its end', async (t) => {
  let signal: AbortSignal | undefined;
  const client = new Client(
    fromFetchHandler((request) => {
      signal = request.signal;
      return new Response('done');
    }),
  );
  t.is((await client.get('/')).text(), 'done');
  t.false(signal?.aborted);
});

test('fromFetchHandler(fetch) lets a rejected fetch become a 500 with the error logged', async (t) => {
  const errors = new MemoryErrorStream();
  const client = new Client(fromFetchHandler(async () => {
    throw new Error('fetch app broke');
  }), { errors });
  const response = await client.get('/');
  t.is(response.status, 500);
  t.true(errors.text.includes('fetch app broke'));
});

test('fromFetchHandler(fetch) names what came back when it is not a Response', async (t) => {
  const cases: Array<[FetchApplication, string]> = [
    [
      () => 'hello' as unknown as Response,
      "fromFetchHandler(): the Fetch application must return a Response (or a Promise of one); it returned 'hello'. Return e.g. new Response('Hello') or c.text('Hello').",
    ],
    [
      () => Response.error(),
      'fromFetchHandler(): the Fetch application returned a network error (Response.error(), status 0), which has no HTTP response. Return a Response with a status, e.g. new Response(null, { status: 502 }).',
    ],
  ];
  for (const [fetch, message] of cases) {
    const errors = new MemoryErrorStream();
    const response = await new Client(fromFetchHandler(fetch), { errors }).get('/');
    t.is(response.status, 500);
    t.true(errors.text.includes(`TypeError: ${message}`), errors.text);
  }
});

test('fromFetchHandler(fetch) rejects a body stream of strings with a clear TypeError', async (t) => {
  const errors = new MemoryErrorStream();
  const client = new Client(
    fromFetchHandler(() => new Response(new ReadableStream<unknown>({ start: (c) => { c.enqueue('text'); c.close(); } }) as ReadableStream<Uint8Array>)),
    { errors },
  );
  const response = await client.get('/');
  t.is(response.status, 500);
  t.true(errors.text.includes("fromFetchHandler(): the Response body stream gave 'text'; a Response body must yield Uint8Array chunks."));
});

test('fromFetchHandler(fetch) answers 501 for methods Fetch cannot carry, without calling the app', async (t) => {
  const { fetch, requests } = recordingFetch();
  const response = await new Client(fromFetchHandler(fetch)).request('TRACE', '/');
  t.is(response.statusLine, '501 Not Implemented');
  t.is(response.text(), 'The Fetch API cannot carry a TRACE request.');
  t.is(requests.length, 0);
});

test('fromFetchHandler(fetch, { info }) passes what info() returns as the second argument', async (t) => {
  const { fetch, infos } = recordingFetch();
  await new Client(fromFetchHandler(fetch, { info: (environ) => ({ path: environ.PATH_INFO }) })).get('/x');
  t.deepEqual(infos[0], { path: '/x' });
});

test('fromFetchHandler() checks its arguments at once', (t) => {
  const cases: Array<[() => unknown, string]> = [
    [() => fromFetchHandler({} as never), 'fromFetchHandler() fetch must be a function (request) => Response, e.g. honoApp.fetch; got an object.'],
    [() => fromFetchHandler(() => new Response(), { env: {} } as never), "fromFetchHandler() got an unknown option 'env'. Known options: info."],
    [() => fromFetchHandler(() => new Response(), { info: 1 as never }), 'fromFetchHandler() info must be a function (environ) => unknown; got 1.'],
  ];
  for (const [call, message] of cases) t.is(t.throws(call)?.message, message);
});
