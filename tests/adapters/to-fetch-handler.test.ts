import test from 'ava';
import { toFetchHandler } from '../../lib/adapters/to-fetch-handler.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import type { Application, Environ } from '../../lib/protocol/types.js';
import { closeTracker, helloApp } from '../helpers/fixtures.js';

const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

/** An app that keeps its environ (and the body it read) and answers 'ok'. */
function capturing(): { app: Application; environs: Environ[]; bodies: string[] } {
  const environs: Environ[] = [];
  const bodies: string[] = [];
  const app: Application = async (environ, startResponse) => {
    environs.push(environ);
    bodies.push(Buffer.from(await environ['tsgi.input'].read()).toString());
    startResponse('200 OK', [TEXT]);
    return [Buffer.from('ok')];
  };
  return { app, environs, bodies };
}

const tick = (ms = 10): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('toFetchHandler(app) answers with status, reason, headers and body', async (t) => {
  const handler = toFetchHandler(helloApp, { serverSoftware: 'unit/1' });
  const response = await handler(new Request('http://example.com/'));
  t.is(response.status, 200);
  t.is(response.statusText, 'OK');
  t.is(response.headers.get('content-type'), 'text/plain; charset=utf-8');
  t.is(response.headers.get('content-length'), '12');
  t.is(response.headers.get('server'), 'unit/1');
  t.regex(response.headers.get('date') ?? '', / GMT$/);
  t.is(await response.text(), 'Hello world!');
});

test('toFetchHandler(app) builds the environ from the Request URL, headers and body', async (t) => {
  const { app, environs, bodies } = capturing();
  const handler = toFetchHandler(app);
  await handler(
    new Request('https://example.com:8443/a%2Fb/%E4?x=%20y', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'X-Multi': 'a', 'Content-Length': '5' },
      body: 'hello',
    }),
  );
  const environ = environs[0]!;
  t.is(environ.REQUEST_METHOD, 'POST');
  t.is(environ.SCRIPT_NAME, '');
  t.is(environ.PATH_INFO, '/a/b/\xe4');
  t.is(environ.QUERY_STRING, 'x=%20y');
  t.is(environ.REQUEST_URI, '/a%2Fb/%E4?x=%20y');
  t.is(environ.HTTP_HOST, 'example.com:8443');
  t.is(environ.SERVER_NAME, 'example.com');
  t.is(environ.SERVER_PORT, '8443');
  t.is(environ.SERVER_PROTOCOL, 'HTTP/1.1');
  t.is(environ['tsgi.url_scheme'], 'https');
  t.is(environ.HTTPS, 'on');
  t.is(environ.CONTENT_TYPE, 'text/plain');
  t.is(environ.CONTENT_LENGTH, '5');
  t.is(environ.HTTP_X_MULTI, 'a');
  t.false('REMOTE_ADDR' in environ);
  t.is(bodies[0], 'hello');
});

test('toFetchHandler(app) reads a streamed Request body without a length to its end', async (t) => {
  const { app, environs, bodies } = capturing();
  const chunks = ['ab', 'cd'];
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(Buffer.from(next));
    },
  });
  await toFetchHandler(app)(new Request('http://h/up', { method: 'PUT', body, duplex: 'half' } as RequestInit));
  t.is(bodies[0], 'abcd');
  t.true(environs[0]!['tsgi.input_terminated']);
});

test('toFetchHandler(app) takes REMOTE_ADDR from Deno-style info, Bun-style requestIP, or the clientAddress option', async (t) => {
  const { app, environs } = capturing();
  await toFetchHandler(app)(new Request('http://h/'), { remoteAddr: { transport: 'tcp', hostname: '10.0.0.1', port: 4000 } });
  const bun = { requestIP: (request: Request) => ({ address: '10.0.0.2', port: 5000, family: 'IPv4', url: request.url }) };
  await toFetchHandler(app)(new Request('http://h/'), bun);
  await toFetchHandler(app, { clientAddress: (request) => ({ address: request.headers.get('cf-connecting-ip') ?? '' }) })(
    new Request('http://h/', { headers: { 'CF-Connecting-IP': '10.0.0.3' } }),
  );
  t.deepEqual(environs.map((environ) => [environ.REMOTE_ADDR, environ.REMOTE_PORT]), [
    ['10.0.0.1', '4000'],
    ['10.0.0.2', '5000'],
    ['10.0.0.3', undefined],
  ]);
});

test('toFetchHandler(app) keeps repeated Set-Cookie headers apart', async (t) => {
  const handler = toFetchHandler((_environ, startResponse) => {
    startResponse('200 OK', [TEXT, ['Set-Cookie', 'a=1; Path=/'], ['Set-Cookie', 'b=2, c']]);
    return [];
  });
  const response = await handler(new Request('http://h/'));
  t.deepEqual(response.headers.getSetCookie(), ['a=1; Path=/', 'b=2, c']);
});

test('toFetchHandler(app) gives a null body and keeps Content-Length for HEAD, 204 and 304', async (t) => {
  const handler = toFetchHandler(helloApp);
  const head = await handler(new Request('http://h/', { method: 'HEAD' }));
  t.is(head.body, null);
  t.is(head.headers.get('content-length'), '12');
  for (const status of ['204 No Content', '304 Not Modified', '205 Reset Content']) {
    const response = await toFetchHandler((_environ, startResponse) => {
      startResponse(status, []);
      return [];
    })(new Request('http://h/'));
    t.is(`${response.status} ${response.statusText}`, status);
    t.is(response.body, null, status);
  }
});

test('toFetchHandler(app) streams the body chunk by chunk, without Transfer-Encoding, as the app yields', async (t) => {
  let produced = 0;
  const handler = toFetchHandler((_environ, startResponse) => {
    startResponse('200 OK', [TEXT]);
    return (async function* () {
      for (const text of ['one ', 'two ', 'three']) {
        produced += 1;
        yield Buffer.from(text);
        await tick(5);
      }
    })();
  });
  const response = await handler(new Request('http://h/'));
  t.false(response.headers.has('transfer-encoding'));
  t.false(response.headers.has('content-length'));
  const reader = response.body!.getReader();
  const first = await reader.read();
  t.is(Buffer.from(first.value!).toString(), 'one ');
  t.true(produced < 3, 'the response arrived before the body was complete');
  let rest = '';
  for (let step = await reader.read(); !step.done; step = await reader.read()) rest += Buffer.from(step.value).toString();
  t.is(rest, 'two three');
});

test('toFetchHandler(app) waits for the consumer once 64 KiB are queued (backpressure)', async (t) => {
  let produced = 0;
  const block = Buffer.alloc(16 * 1024, 'x');
  const handler = toFetchHandler((_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
    return (function* () {
      for (let i = 0; i < 64; i += 1) {
        produced += block.length;
        yield block;
      }
    })();
  });
  const response = await handler(new Request('http://h/'));
  await tick(30);
  t.true(produced <= 80 * 1024, `the app ran ${produced} bytes ahead of a consumer that reads nothing`);
  const all = Buffer.from(await response.arrayBuffer());
  t.is(all.length, 64 * block.length);
});

test('toFetchHandler(app) calls close() and returns the iterator when the consumer cancels the body', async (t) => {
  const errors = new MemoryErrorStream();
  const tracker = closeTracker();
  let returned = false;
  const endless: Application = (_environ, startResponse) => {
    startResponse('200 OK', [TEXT]);
    return (async function* () {
      try {
        for (;;) {
          yield Buffer.from('tick ');
          await tick(1);
        }
      } finally {
        returned = true;
      }
    })();
  };
  const response = await toFetchHandler(tracker.app(endless), { errors })(new Request('http://h/'));
  const reader = response.body!.getReader();
  await reader.read();
  await reader.cancel('client left');
  await tracker.untilClosed();
  await tick(10);
  t.is(tracker.count, 1);
  t.true(returned);
  t.is(errors.text, '', 'a consumer that cancels is not an application error');
});

test('toFetchHandler(app) stops and calls close() when the Request signal aborts', async (t) => {
  const tracker = closeTracker();
  const controller = new AbortController();
  const slow: Application = (_environ, startResponse) => {
    startResponse('200 OK', [TEXT]);
    return (async function* () {
      for (;;) {
        yield Buffer.alloc(64 * 1024);
        await tick(1);
      }
    })();
  };
  const response = await toFetchHandler(tracker.app(slow))(new Request('http://h/', { signal: controller.signal }));
  controller.abort();
  await tracker.untilClosed();
  t.is(tracker.count, 1);
  t.is(response.status, 200);
});

test('toFetchHandler(app) answers 500 when the app fails before the head, and errors the body after it', async (t) => {
  const errors = new MemoryErrorStream();
  const early = await toFetchHandler(() => {
    throw new Error('early boom');
  }, { errors })(new Request('http://h/'));
  t.is(early.status, 500);
  t.is(await early.text(), 'A server error occurred. Please contact the administrator.');
  t.true(errors.text.includes('early boom'));

  const late = await toFetchHandler((_environ, startResponse) => {
    startResponse('200 OK', [TEXT]);
    return (async function* () {
      yield Buffer.from('partial');
      throw new Error('late boom');
    })();
  }, { errors })(new Request('http://h/'));
  const reader = late.body!.getReader();
  t.is(Buffer.from((await reader.read()).value!).toString(), 'partial', 'the chunks sent before the failure arrive');
  const error = await t.throwsAsync(reader.read());
  t.is(error?.message, 'toFetchHandler(): the response body was aborted after 7 bytes; it is incomplete. The cause is below and in tsgi.errors.');
  t.is((error?.cause as Error).message, 'late boom');
});

test('toFetchHandler(app) turns a status a Response cannot carry into a 500 and a logged ProtocolError', async (t) => {
  const errors = new MemoryErrorStream();
  const response = await toFetchHandler((_environ, startResponse) => {
    startResponse('103 Early Hints', [['Link', '</a.css>; rel=preload']]);
    return [];
  }, { errors })(new Request('http://h/'));
  t.is(response.status, 500);
  t.true(
    errors.text.includes(
      "toFetchHandler(): a Fetch Response cannot carry the status '103 Early Hints'; it takes 200 to 599 only.",
    ),
  );
});

test('toFetchHandler(app, { scriptName }) mounts the app: the prefix moves to SCRIPT_NAME, other paths get 404', async (t) => {
  const { app, environs } = capturing();
  const handler = toFetchHandler(app, { scriptName: '/caf\u00e9' });
  await handler(new Request('http://h/caf%C3%A9/menu?x=1'));
  t.is(environs[0]!.SCRIPT_NAME, '/caf\xc3\xa9');
  t.is(environs[0]!.PATH_INFO, '/menu');
  await handler(new Request('http://h/caf%C3%A9'));
  t.is(environs[1]!.PATH_INFO, '');
  const outside = await handler(new Request('http://h/caf%C3%A9s'));
  t.is(outside.status, 404);
  t.is(await outside.text(), 'Not Found');
  t.is(environs.length, 2);
});

test('toFetchHandler() checks its arguments at once', (t) => {
  const cases: Array<[() => unknown, string]> = [
    [() => toFetchHandler('app' as never), "toFetchHandler() app must be a tsgi application, a function (environ, startResponse); got 'app'."],
    [() => toFetchHandler(helloApp, { scriptName: '/api/' }), "toFetchHandler() scriptName must be '' or a path like '/api' (no trailing slash, query or fragment); got '/api/'."],
    [() => toFetchHandler(helloApp, { port: 1 } as never), "toFetchHandler() got an unknown option 'port'. Known options: scriptName, clientAddress, errors, serverSoftware, baseEnviron."],
    [() => toFetchHandler(helloApp, { clientAddress: 'x' as never }), "toFetchHandler() clientAddress must be a function (request, info) => { address, port }; got 'x'."],
  ];
  for (const [call, message] of cases) t.is(t.throws(call)?.message, message);
});
