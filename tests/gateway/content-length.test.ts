import test from 'ava';
import { ProtocolError } from '../../lib/protocol/errors.js';
import { bytes, run, start200, trackedBody } from './gateway-fixtures.js';
import type { Tracked } from './gateway-fixtures.js';

const CUT_ADVICE = 'The response was cut at the Content-Length; send exactly that many bytes, or leave the header out.';

function loggedMessage(errors: string): string {
  return errors.split('\n')[1] ?? '';
}

test('runGateway() cuts a body at its Content-Length, logs it, and stops iterating', async (t) => {
  const tracker: Tracked = { log: [] };
  const { sink, errors } = await run((_environ, startResponse) => {
    start200(startResponse, [['Content-Length', '5']]);
    return trackedBody([bytes('hel'), bytes('lo, world'), bytes('never pulled')], tracker);
  });
  t.is(sink.text(), 'hello');
  t.true(sink.ended);
  t.false(sink.aborted);
  t.deepEqual(tracker.log, ['next', 'next', 'return', 'close']);
  t.true(errors.startsWith('Protocol error while serving GET /:\n'));
  t.is(
    loggedMessage(errors),
    `ProtocolError: The application sent more than its Content-Length of 5 bytes: body gave 9 bytes after 3. ${CUT_ADVICE}`,
  );
});

test('runGateway() cuts an array body longer than its Content-Length', async (t) => {
  const { sink } = await run((_environ, startResponse) => {
    start200(startResponse, [['Content-Length', '2']]);
    return [bytes('ab'), bytes('cd')];
  });
  t.is(sink.text(), 'ab');
  t.deepEqual(sink.head?.framing, { kind: 'length', length: 2 });
  t.true(sink.ended);
});

test('runGateway() aborts a body shorter than its Content-Length', async (t) => {
  let closed = 0;
  const { sink, errors } = await run((_environ, startResponse) => {
    start200(startResponse, [['Content-Length', '10']]);
    return Object.assign([bytes('hello')], { close: () => void closed++ });
  });
  const message =
    'The application declared Content-Length: 10 but sent 5 bytes. ' +
    'The response was aborted so the client can tell it is incomplete; send exactly that many bytes, or leave the header out.';
  t.is(sink.text(), 'hello');
  t.false(sink.ended);
  t.true(sink.aborted);
  t.true(sink.abortReason instanceof ProtocolError);
  t.is((sink.abortReason as Error).message, message);
  t.is(loggedMessage(errors), `ProtocolError: ${message}`);
  t.is(closed, 1);
});

test('runGateway() aborts an empty body with a non-zero Content-Length after sending the head', async (t) => {
  const { sink } = await run((_environ, startResponse) => {
    start200(startResponse, [['Content-Length', '3']]);
    return [];
  });
  t.is(sink.head?.status, 200);
  t.true(sink.aborted);
});

test('startResponse() write() past the Content-Length rejects, and the response stays complete', async (t) => {
  let rejection: unknown;
  const tracker: Tracked = { log: [] };
  const { sink, errors } = await run(async (_environ, startResponse) => {
    const write = startResponse('200 OK', [['Content-Length', '4']]);
    await write(bytes('ab'));
    rejection = await write(bytes('cdef')).catch((error: unknown) => error);
    return trackedBody([bytes('never')], tracker);
  });
  t.is(sink.text(), 'abcd');
  t.true(sink.ended);
  t.true(rejection instanceof ProtocolError);
  t.is(
    (rejection as Error).message,
    `The application sent more than its Content-Length of 4 bytes: write() gave 4 bytes after 2. ${CUT_ADVICE}`,
  );
  // The body is abandoned unread: return() then close().
  t.deepEqual(tracker.log, ['return', 'close']);
  t.is(errors.split('Protocol error while serving').length, 2, 'logged once');
});

test('startResponse() write() past the Content-Length, re-thrown by the application, is not a second failure', async (t) => {
  const { sink, errors } = await run(async (_environ, startResponse) => {
    const write = startResponse('200 OK', [['Content-Length', '1']]);
    await write(bytes('xy'));
    return [];
  });
  t.is(sink.text(), 'x');
  t.true(sink.ended);
  t.false(sink.aborted);
  t.false(errors.includes('Application error'));
});
