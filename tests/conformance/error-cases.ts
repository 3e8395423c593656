/** Conformance: failures (500 before the headers, abort after them, protocol violations) and close() on every path. */
import type { Application } from '../../lib/protocol/types.js';
import { closeTracker, failingApp, helloApp, streamingApp } from '../helpers/fixtures.js';
import { ERROR_BODY, type Register, stillServes, TEXT, withOk } from './cases-helpers.js';
import type { ConformanceResponse } from './front-end.js';

export function registerErrorTests(it: Register): void {
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

export function registerCloseTests(it: Register): void {
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
