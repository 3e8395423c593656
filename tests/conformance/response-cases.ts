/** Conformance: the response (status, added headers, framing, deferred headers, write(), HEAD/204/304, Content-Length). */
import { closeTracker, helloApp, streamingApp } from '../helpers/fixtures.js';
import { capturing, only, type Register, stillServes, TEXT, withOk } from './cases-helpers.js';

/** RFC 9110 §5.6.7 IMF-fixdate. */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;

export function registerResponseTests(it: Register): void {
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
  }, { needs: 'chunked-response' });

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
