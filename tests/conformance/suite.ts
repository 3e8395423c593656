/**
 * The server-conformance suite: every rule of the gateway (the environ, the
 * response, framing, errors, close(), tsgi.input, streaming) checked through
 * a front-end as a client sees it. Each front-end (test client, dev server,
 * and later the production, uwsgi and adapter servers) runs all of it with
 * `runConformance(name, factory)`; what a front-end cannot show is registered
 * as a skip whose title says why.
 */
import test, { type ExecutionContext } from 'ava';
import type { Application, Environ } from '../../lib/protocol/types.js';
import { closeTracker, echoBodyApp, echoEnvironApp, failingApp, helloApp, streamingApp } from '../helpers/fixtures.js';
import type { ConformanceFeature, ConformanceRequest, ConformanceResponse, FrontEnd, FrontEndFactory } from './front-end.js';

export type { ConformanceRequest, ConformanceResponse, FrontEnd, FrontEndFactory } from './front-end.js';

/** The fixed body of the gateway's 500 (no internals: the traceback goes to the error stream). */
const ERROR_BODY = 'A server error occurred. Please contact the administrator.';
/** RFC 9110 §5.6.7 IMF-fixdate. */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;
const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

type Start = (app: Application) => Promise<FrontEnd>;
type Body = (t: ExecutionContext, start: Start) => Promise<void>;

/** Registers the suite's tests, titled `[name] ...`. */
export function runConformance(name: string, factory: FrontEndFactory): void {
  const register = (title: string, body: Body, options: { needs?: ConformanceFeature; serial?: boolean } = {}): void => {
    const reason = options.needs === undefined ? undefined : factory.unobservable?.[options.needs];
    if (reason !== undefined) {
      test.skip(`[${name}] ${title} (skipped: ${reason})`, () => undefined);
      return;
    }
    (options.serial === true ? test.serial : test)(`[${name}] ${title}`, async (t) => {
      const started: FrontEnd[] = [];
      try {
        await body(t, async (app) => {
          const frontEnd = await factory.start(app);
          started.push(frontEnd);
          return frontEnd;
        });
      } finally {
        await Promise.all(started.map((frontEnd) => frontEnd.close()));
      }
    });
  };
  registerEnvironTests(register);
  registerResponseTests(register);
  registerErrorTests(register);
  registerCloseTests(register);
  registerInputTests(register);
  registerStreamingTests(register);
}

type Register = (title: string, body: Body, options?: { needs?: ConformanceFeature; serial?: boolean }) => void;

/** An app that keeps each environ it receives (reading the body first when `read` is given). */
function capturing(read?: (environ: Environ) => Promise<unknown>): { app: Application; environs: Environ[]; results: unknown[] } {
  const environs: Environ[] = [];
  const results: unknown[] = [];
  const app: Application = async (environ, startResponse) => {
    environs.push(environ);
    if (read !== undefined) results.push(await read(environ));
    startResponse('200 OK', [TEXT]);
    return [Buffer.from('captured')];
  };
  return { app, environs, results };
}

/** `app`, except that `/ok` answers with helloApp: to show the front-end still serves after a failure. */
function withOk(app: Application): Application {
  return (environ, startResponse) => (environ.PATH_INFO === '/ok' ? helloApp(environ, startResponse) : app(environ, startResponse));
}

async function stillServes(t: ExecutionContext, frontEnd: FrontEnd): Promise<void> {
  const response = await frontEnd.send({ target: '/ok' });
  t.is(response.status, 200, 'the front-end answers the next request');
  t.is(response.body.toString(), 'Hello world!');
}

function only(environ: Environ | undefined): Environ {
  if (environ === undefined) throw new Error('the app was not called');
  return environ;
}

function registerEnvironTests(it: Register): void {
  it('environ has the required CGI and tsgi keys', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ target: '/path?x=1' });
    const environ = only(environs[0]);
    t.is(environ.REQUEST_METHOD, 'GET');
    t.is(environ.SCRIPT_NAME, '');
    t.is(environ.PATH_INFO, '/path');
    t.is(environ.QUERY_STRING, 'x=1');
    t.is(environ.REQUEST_URI, '/path?x=1');
    t.is(environ.SERVER_PROTOCOL, 'HTTP/1.1');
    t.is(environ.GATEWAY_INTERFACE, 'CGI/1.1');
    t.is(typeof environ.SERVER_NAME, 'string');
    t.regex(environ.SERVER_PORT, /^\d+$/);
    t.is(environ.REMOTE_ADDR, '127.0.0.1');
    t.deepEqual([...environ['tsgi.version']], [1, 0]);
    t.is(environ['tsgi.url_scheme'], 'http');
    t.is(typeof environ['tsgi.input'].read, 'function');
    t.is(typeof environ['tsgi.errors'].write, 'function');
    t.is(typeof environ['tsgi.multithread'], 'boolean');
    t.is(typeof environ['tsgi.multiprocess'], 'boolean');
    t.is(typeof environ['tsgi.run_once'], 'boolean');
    t.false('CONTENT_LENGTH' in environ, 'no CONTENT_LENGTH without a body');
    t.false('tsgi.input_terminated' in environ && environ['tsgi.input_terminated'] === true);
  });

  it('environ takes SERVER_NAME and SERVER_PORT from the Host header', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ headers: [['Host', 'example.com:8080']] });
    const environ = only(environs[0]);
    t.is(environ.HTTP_HOST, 'example.com:8080');
    t.is(environ.SERVER_NAME, 'example.com');
    t.is(environ.SERVER_PORT, '8080');
  });

  it('environ maps X-Foo to HTTP_X_FOO and drops header names with an underscore', async (t, start) => {
    const frontEnd = await start(echoEnvironApp);
    const response = await frontEnd.send({ headers: [['X-Foo', 'dashed'], ['X_Foo', 'underscored'], ['X_Only_Underscore', 'u']] });
    const environ = response.body.length > 0 ? (JSON.parse(response.body.toString()) as Record<string, string>) : {};
    t.is(environ.HTTP_X_FOO, 'dashed');
    t.false('HTTP_X_ONLY_UNDERSCORE' in environ);
  });

  it('environ joins repeated headers with a comma', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ headers: [['X-Multi', 'a'], ['X-Multi', 'b']] });
    t.is(only(environs[0]).HTTP_X_MULTI, 'a,b');
  });

  it('environ joins repeated Cookie headers with "; "', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ headers: [['Cookie', 'a=1'], ['Cookie', 'b=2']] });
    t.is(only(environs[0]).HTTP_COOKIE, 'a=1; b=2');
  }, { needs: 'raw-headers' });

  it('environ gives Content-Type and Content-Length as CONTENT_TYPE and CONTENT_LENGTH, never as HTTP_*', async (t, start) => {
    const { app, environs } = capturing((environ) => environ['tsgi.input'].read());
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'POST', headers: [['Content-Type', 'text/plain']], body: 'hello' });
    const environ = only(environs[0]);
    t.is(environ.CONTENT_TYPE, 'text/plain');
    t.is(environ.CONTENT_LENGTH, '5');
    t.false('HTTP_CONTENT_TYPE' in environ);
    t.false('HTTP_CONTENT_LENGTH' in environ);
  });

  it('environ PATH_INFO is percent-decoded exactly once; REQUEST_URI and QUERY_STRING stay raw', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ target: '/a%2Fb/%E4%20c%2541?x=%20y&z=%2F' });
    const environ = only(environs[0]);
    t.is(environ.PATH_INFO, '/a/b/\xe4 c%41');
    t.is(environ.QUERY_STRING, 'x=%20y&z=%2F');
    t.is(environ.REQUEST_URI, '/a%2Fb/%E4%20c%2541?x=%20y&z=%2F');
  });

  it('environ PATH_INFO keeps a malformed percent-escape as it is', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ target: '/a%zz%4' });
    t.is(only(environs[0]).PATH_INFO, '/a%zz%4');
  });

  it('environ SERVER_PROTOCOL is HTTP/1.0 for an HTTP/1.0 request', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ protocol: 'HTTP/1.0' });
    t.is(only(environs[0]).SERVER_PROTOCOL, 'HTTP/1.0');
  }, { needs: 'http-1.0' });
}

function registerResponseTests(it: Register): void {
  it('response carries the status, the app headers, Date and Server', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    const response = await frontEnd.send();
    t.is(response.status, 200);
    t.is(response.statusLine, '200 OK');
    t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
    t.regex(response.headers.get('Date') ?? '', IMF_FIXDATE);
    t.is(response.headers.get('Server'), only(environs[0]).SERVER_SOFTWARE);
    t.is(response.body.toString(), 'captured');
    t.false(response.aborted);
  });

  it('response keeps an app-supplied Date and Server', async (t, start) => {
    const frontEnd = await start((_environ, startResponse) => {
      startResponse('200 OK', [TEXT, ['Date', 'Sun, 06 Nov 1994 08:49:37 GMT'], ['Server', 'mine']]);
      return [Buffer.from('x')];
    });
    const response = await frontEnd.send();
    t.deepEqual(response.headers.getAll('Date'), ['Sun, 06 Nov 1994 08:49:37 GMT']);
    t.deepEqual(response.headers.getAll('Server'), ['mine']);
  });

  it('response keeps a custom reason phrase', async (t, start) => {
    const frontEnd = await start((_environ, startResponse) => {
      startResponse('299 Fine Anyway', [TEXT]);
      return [Buffer.from('x')];
    });
    const response = await frontEnd.send();
    t.is(response.status, 299);
    t.is(response.statusLine, '299 Fine Anyway');
  });

  it('response Content-Length is computed for an array body', async (t, start) => {
    const frontEnd = await start((_environ, startResponse) => {
      startResponse('200 OK', [TEXT]);
      return [Buffer.from('ab'), Buffer.from('cde')];
    });
    const response = await frontEnd.send();
    t.is(response.framing, 'length');
    t.is(response.headers.get('Content-Length'), '5');
    t.is(response.body.toString(), 'abcde');
  });

  it('response Content-Length is 0 for an empty array body', async (t, start) => {
    const frontEnd = await start((_environ, startResponse) => {
      startResponse('200 OK', [TEXT]);
      return [];
    });
    const response = await frontEnd.send();
    t.is(response.framing, 'length');
    t.is(response.headers.get('Content-Length'), '0');
    t.is(response.body.length, 0);
  });

  it('response is chunked for a streamed body on HTTP/1.1', async (t, start) => {
    const frontEnd = await start(streamingApp(['a', 'bb', 'ccc'], 1));
    const response = await frontEnd.send();
    t.is(response.framing, 'chunked');
    t.false(response.headers.has('Content-Length'));
    t.is(response.body.toString(), 'abbccc');
    t.false(response.aborted);
  });

  it('response is close-delimited for a streamed body on HTTP/1.0', async (t, start) => {
    const frontEnd = await start(streamingApp(['a', 'bb', 'ccc'], 1));
    const response = await frontEnd.send({ protocol: 'HTTP/1.0' });
    t.is(response.framing, 'close');
    t.false(response.headers.has('Transfer-Encoding'));
    t.is(response.body.toString(), 'abbccc');
    t.false(response.aborted);
  }, { needs: 'http-1.0' });

  it('response keeps an app-supplied Content-Length for a streamed body', async (t, start) => {
    const frontEnd = await start((_environ, startResponse) => {
      startResponse('200 OK', [TEXT, ['Content-Length', '6']]);
      return (async function* () {
        yield Buffer.from('abc');
        yield Buffer.from('def');
      })();
    });
    const response = await frontEnd.send();
    t.is(response.framing, 'length');
    t.is(response.headers.get('Content-Length'), '6');
    t.is(response.body.toString(), 'abcdef');
  });

  it('response headers wait for the first chunk: startResponse may be called during the first iteration', async (t, start) => {
    const frontEnd = await start((_environ, startResponse) =>
      (async function* () {
        startResponse('201 Created', [TEXT, ['X-Late', 'yes']]);
        yield Buffer.from('late');
      })(),
    );
    const response = await frontEnd.send();
    t.is(response.status, 201);
    t.is(response.headers.get('X-Late'), 'yes');
    t.is(response.body.toString(), 'late');
  });

  it('response sends write() data before the body chunks', async (t, start) => {
    const frontEnd = await start(async (_environ, startResponse) => {
      const write = startResponse('200 OK', [TEXT]);
      await write(Buffer.from('first, '));
      return [Buffer.from('second')];
    });
    const response = await frontEnd.send();
    t.is(response.body.toString(), 'first, second');
    t.false(response.aborted);
  });

  it('response to HEAD has no body, and the Content-Length a GET would get', async (t, start) => {
    const tracker = closeTracker();
    const frontEnd = await start(tracker.app(helloApp));
    const response = await frontEnd.send({ method: 'HEAD' });
    t.is(response.status, 200);
    t.is(response.framing, 'none');
    t.is(response.headers.get('Content-Length'), '12');
    t.is(response.bodyLength, 0);
    await tracker.untilClosed();
    t.is(tracker.count, 1, 'the body is still closed');
  });

  for (const [status, label] of [['204 No Content', '204'], ['304 Not Modified', '304']] as const) {
    it(`response ${label} has no body`, async (t, start) => {
      const frontEnd = await start((_environ, startResponse) => {
        startResponse(status, []);
        return [];
      });
      const response = await frontEnd.send();
      t.is(response.statusLine, status);
      t.is(response.framing, 'none');
      t.is(response.bodyLength, 0);
      t.false(response.aborted);
    });
  }

  it('response whose body is shorter than its Content-Length is aborted', async (t, start) => {
    const frontEnd = await start(withOk((_environ, startResponse) => {
      startResponse('200 OK', [TEXT, ['Content-Length', '10']]);
      return [Buffer.from('four')];
    }));
    const response = await frontEnd.send();
    t.is(response.status, 200);
    t.true(response.aborted);
    t.is(response.body.toString(), 'four');
    await stillServes(t, frontEnd);
  });

  it('response whose body is longer than its Content-Length is cut there and logged', async (t, start) => {
    const frontEnd = await start(withOk((_environ, startResponse) => {
      startResponse('200 OK', [TEXT, ['Content-Length', '3']]);
      return [Buffer.from('abc'), Buffer.from('def')];
    }));
    const response = await frontEnd.send();
    t.is(response.headers.get('Content-Length'), '3');
    t.is(response.body.toString(), 'abc');
    t.false(response.aborted);
    t.regex(response.errorsText, /Content-Length/);
    await stillServes(t, frontEnd);
  });
}

function registerErrorTests(it: Register): void {
  for (const when of ['before-start', 'after-start', 'in-iteration'] as const) {
    it(`an app failing ${when} gets a 500 with a fixed plain-text body; the traceback goes to the error stream`, async (t, start) => {
      const frontEnd = await start(withOk(failingApp(when)));
      const response = await frontEnd.send();
      t.is(response.status, 500);
      t.is(response.statusLine, '500 Internal Server Error');
      t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
      t.is(response.body.toString(), ERROR_BODY);
      t.false(response.aborted);
      t.true(response.errorsText.includes(`failingApp: boom ${when}`), 'the error message is logged');
      t.regex(response.errorsText, /\n\s+at /, 'with its stack');
      await stillServes(t, frontEnd);
    });
  }

  it('an app that rejects gets a 500', async (t, start) => {
    const frontEnd = await start(withOk(async () => {
      throw new Error('rejected on purpose');
    }));
    const response = await frontEnd.send();
    t.is(response.status, 500);
    t.is(response.body.toString(), ERROR_BODY);
    t.true(response.errorsText.includes('rejected on purpose'));
    await stillServes(t, frontEnd);
  });

  it('an app failing after the headers were sent gets an aborted response', async (t, start) => {
    const frontEnd = await start(withOk(failingApp('after-first-chunk')));
    const response = await frontEnd.send();
    t.is(response.status, 200);
    t.true(response.aborted);
    t.true(response.errorsText.includes('failingApp: boom after-first-chunk'));
    await stillServes(t, frontEnd);
  });

  const misbehaving: Array<[string, Application, RegExp]> = [
    ['a string chunk', (_e, sr) => { sr('200 OK', [TEXT]); return ['text' as unknown as Uint8Array]; }, /ProtocolError/],
    ['a string body', (_e, sr) => { sr('200 OK', [TEXT]); return 'text' as unknown as Uint8Array[]; }, /ProtocolError/],
    ['a non-iterable body', (_e, sr) => { sr('200 OK', [TEXT]); return 42 as unknown as Uint8Array[]; }, /ProtocolError/],
    ['no startResponse call', () => [Buffer.from('x')], /ProtocolError/],
    ['a malformed status', (_e, sr) => { sr('200OK', [TEXT]); return [Buffer.from('x')]; }, /ProtocolError/],
    ['a hop-by-hop header', (_e, sr) => { sr('200 OK', [TEXT, ['Connection', 'close']]); return [Buffer.from('x')]; }, /ProtocolError/],
  ];
  for (const [label, app, logged] of misbehaving) {
    it(`an app returning ${label} gets a 500 and a logged ProtocolError`, async (t, start) => {
      const frontEnd = await start(withOk(app));
      const response = await frontEnd.send();
      t.is(response.status, 500);
      t.is(response.body.toString(), ERROR_BODY);
      t.regex(response.errorsText, logged);
      await stillServes(t, frontEnd);
    });
  }
}

function registerCloseTests(it: Register): void {
  const cases: Array<[string, Application, (response: ConformanceResponse) => boolean]> = [
    ['a successful response', helloApp, (response) => response.status === 200 && !response.aborted],
    ['a streamed response', streamingApp(['a', 'b'], 1), (response) => response.body.toString() === 'ab'],
    ['a body that fails before the headers', failingApp('in-iteration'), (response) => response.status === 500],
    ['a body that fails after the headers', failingApp('after-first-chunk'), (response) => response.aborted],
  ];
  for (const [label, app, expected] of cases) {
    it(`close() is called exactly once after ${label}`, async (t, start) => {
      const tracker = closeTracker();
      const frontEnd = await start(tracker.app(app));
      const response = await frontEnd.send();
      t.true(expected(response));
      await tracker.untilClosed();
      await new Promise((resolve) => setTimeout(resolve, 20));
      t.is(tracker.count, 1);
    });
  }

  it('close() is called exactly once when the client disconnects, the iterator is returned, and nothing is logged', async (t, start) => {
    const tracker = closeTracker();
    let returned = false;
    const endless: Application = (_environ, startResponse) => {
      startResponse('200 OK', [TEXT]);
      return (async function* () {
        try {
          for (let i = 0; i < 10_000; i += 1) {
            await new Promise((resolve) => setTimeout(resolve, 2));
            yield Buffer.from('0123456789');
          }
        } finally {
          returned = true;
        }
      })();
    };
    const frontEnd = await start(withOk(tracker.app(endless)));
    const response = await frontEnd.send({ disconnectAfter: 30 });
    t.true(response.aborted);
    await tracker.untilClosed();
    await new Promise((resolve) => setTimeout(resolve, 30));
    t.is(tracker.count, 1);
    t.true(returned, 'the abandoned iterator was returned');
    t.is(frontEnd.errorsText(), '', 'a client disconnect is not an application error');
    await stillServes(t, frontEnd);
  }, { needs: 'disconnect' });
}

function registerInputTests(it: Register): void {
  it('tsgi.input read(size) reads in blocks and returns empty at CONTENT_LENGTH', async (t, start) => {
    const { app, results } = capturing(async (environ) => {
      const input = environ['tsgi.input'];
      const reads: string[] = [];
      for (let i = 0; i < 4; i += 1) reads.push(Buffer.from(await input.read(5)).toString());
      return reads;
    });
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'POST', body: 'hello world' });
    t.deepEqual(results[0], ['hello', ' worl', 'd', '']);
  });

  it('tsgi.input read() returns the rest, then empty', async (t, start) => {
    const { app, results } = capturing(async (environ) => {
      const input = environ['tsgi.input'];
      return [Buffer.from(await input.read(2)).toString(), Buffer.from(await input.read()).toString(), (await input.read()).length];
    });
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'PUT', body: 'abcdef' });
    t.deepEqual(results[0], ['ab', 'cdef', 0]);
  });

  it('tsgi.input readline() and for await read lines', async (t, start) => {
    const { app, results } = capturing(async (environ) => {
      const input = environ['tsgi.input'];
      const lines = [Buffer.from(await input.readline()).toString()];
      for await (const line of input) lines.push(Buffer.from(line).toString());
      return lines;
    });
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'POST', body: 'a\nbb\nccc' });
    t.deepEqual(results[0], ['a\n', 'bb\n', 'ccc']);
  });

  it('tsgi.input readlines() returns the remaining lines', async (t, start) => {
    const { app, results } = capturing(async (environ) =>
      (await environ['tsgi.input'].readlines()).map((line) => Buffer.from(line).toString()),
    );
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'POST', body: 'one\ntwo\n' });
    t.deepEqual(results[0], ['one\n', 'two\n']);
  });

  it('tsgi.input de-chunks a chunked upload and sets tsgi.input_terminated', async (t, start) => {
    const { app, environs, results } = capturing(async (environ) => Buffer.from(await environ['tsgi.input'].read()).toString());
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'POST', bodyChunks: ['ab', 'cd', 'ef'].map((text) => Buffer.from(text)) });
    const environ = only(environs[0]);
    t.is(results[0], 'abcdef');
    t.true(environ['tsgi.input_terminated']);
    t.false('CONTENT_LENGTH' in environ);
  });

  it('tsgi.input is echoed whole for a 1 MiB body', async (t, start) => {
    const frontEnd = await start(echoBodyApp);
    const payload = Buffer.alloc(1024 * 1024, 'x');
    const response = await frontEnd.send({ method: 'POST', body: payload, headers: [['Content-Type', 'application/x-test']] });
    t.is(response.headers.get('Content-Type'), 'application/x-test');
    t.true(response.body.equals(payload));
  });

  it('Expect: 100-continue is answered when the app reads tsgi.input', async (t, start) => {
    const frontEnd = await start(echoBodyApp);
    const response = await frontEnd.send({ method: 'POST', body: 'continued', expectContinue: true });
    t.true(response.continued);
    t.is(response.body.toString(), 'continued');
  }, { needs: 'expect-continue' });

  it('Expect: 100-continue is not answered when the app does not read tsgi.input', async (t, start) => {
    const frontEnd = await start(helloApp);
    const response = await frontEnd.send({ method: 'POST', body: 'ignored', expectContinue: true });
    t.false(response.continued);
    t.is(response.status, 200);
    t.is(response.body.toString(), 'Hello world!');
  }, { needs: 'expect-continue' });
}

function registerStreamingTests(it: Register): void {
  it('streaming 64 MiB applies backpressure and keeps memory bounded', async (t, start) => {
    const block = Buffer.alloc(64 * 1024, 'z');
    const total = 64 * 1024 * 1024;
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    const frontEnd = await start((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      return (async function* () {
        while (produced < total) {
          maxAhead = Math.max(maxAhead, produced - consumed);
          produced += block.length;
          yield block;
        }
      })();
    });
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    let chunks = 0;
    const response = await frontEnd.send({
      onBodyChunk: async (chunk) => {
        consumed += chunk.length;
        chunks += 1;
        if (chunks % 64 === 0) {
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      },
    });
    t.is(response.bodyLength, total);
    t.false(response.aborted);
    t.true(maxAhead < 16 * 1024 * 1024, `the app ran ${maxAhead} bytes ahead of the client`);
    t.true(peakRss - rssBefore < 48 * 1024 * 1024, `rss grew by ${peakRss - rssBefore} bytes`);
  }, { serial: true });
}
