import test from 'ava';
import { MemorySink } from '../../lib/gateway/memory-sink.js';
import { runGateway } from '../../lib/gateway/run-gateway.js';
import { ClientDisconnected, ProtocolError } from '../../lib/protocol/errors.js';
import type { Write } from '../../lib/protocol/types.js';
import { bytes, makeOptions, makeRequest, run, source, start200 } from './gateway-fixtures.js';

test('startResponse() returns a write() whose data precedes the body', async (t) => {
  const { sink } = await run(async (_environ, startResponse) => {
    const write = startResponse('200 OK', []);
    await write(bytes('one '));
    await write(bytes(''));
    await write(bytes('two '));
    return [bytes('three')];
  });
  t.deepEqual(sink.chunks.map(String), ['one ', 'two ', 'three']);
  t.true(sink.ended);
});

test('startResponse() write() sends the head on its first non-empty chunk', async (t) => {
  const sink = new MemorySink();
  const seen: boolean[] = [];
  await runGateway(
    async (_environ, startResponse) => {
      const write = startResponse('200 OK', []);
      await write(bytes(''));
      seen.push(sink.head !== undefined);
      await write(bytes('x'));
      seen.push(sink.head !== undefined);
      return [];
    },
    makeRequest(),
    sink,
    makeOptions(),
  );
  t.deepEqual(seen, [false, true]);
});

test('startResponse() write() resolves when the sink has taken the data (backpressure)', async (t) => {
  const order: string[] = [];
  await run(
    async (_environ, startResponse) => {
      const write = startResponse('200 OK', []);
      const pending = write(bytes('slow')).then(() => order.push('write resolved'));
      order.push('write returned');
      await pending;
      return [];
    },
    {},
    { writeDelayMs: 5 },
  );
  t.deepEqual(order, ['write returned', 'write resolved']);
});

test('startResponse() write() throws for a string chunk, telling to encode it', async (t) => {
  let thrown: unknown;
  const { sink, errors } = await run((_environ, startResponse) => {
    const write = startResponse('200 OK', []);
    try {
      void write('text' as unknown as Uint8Array);
    } catch (error) {
      thrown = error;
      throw error;
    }
    return [];
  });
  t.true(thrown instanceof ProtocolError);
  t.is(
    (thrown as Error).message,
    "write() chunk must be a Uint8Array; got 'text'. Encode text first, e.g. write(Buffer.from(text)).",
  );
  t.is(sink.head?.status, 500);
  t.true(errors.includes('ProtocolError: write() chunk must be a Uint8Array'));
});

test('startResponse() write() throws for a number chunk', async (t) => {
  await run((_environ, startResponse) => {
    const write = startResponse('200 OK', []);
    t.throws(() => write(5 as unknown as Uint8Array), {
      instanceOf: ProtocolError,
      message: 'write() chunk must be a Uint8Array; got 5.',
    });
    return [];
  });
});

test('startResponse() write() after the response finished rejects and is logged', async (t) => {
  let write: Write | undefined;
  const { sink } = await run((_environ, startResponse) => {
    write = startResponse('200 OK', []);
    return [bytes('done')];
  });
  t.true(sink.ended);
  const message =
    "write() was called after the response finished; got a Buffer. The data was dropped: write only before the application's body ends.";
  await t.throwsAsync(write!(bytes('late')), { instanceOf: ProtocolError, message });
  t.is(sink.text(), 'done');
});

test('startResponse() write() after the response finished is logged to tsgi.errors', async (t) => {
  let write: Write | undefined;
  const options = makeOptions();
  await runGateway(
    (_environ, startResponse) => {
      write = startResponse('200 OK', []);
      return [];
    },
    makeRequest(),
    new MemorySink(),
    options,
  );
  void write!(bytes('late'));
  t.true(options.errors.text.startsWith('Protocol error while serving GET /:\nProtocolError: write() was called after the response finished'));
});

test('startResponse() write() rejects with ClientDisconnected once the client left', async (t) => {
  const sink = new MemorySink();
  let outcome: unknown;
  const options = makeOptions();
  await runGateway(
    async (_environ, startResponse) => {
      const write = startResponse('200 OK', []);
      sink.disconnect();
      outcome = await write(bytes('x')).catch((error: unknown) => error);
      return [];
    },
    makeRequest(),
    sink,
    options,
  );
  t.true(outcome instanceof ClientDisconnected);
  t.is((outcome as Error).message, 'The client disconnected; write() cannot send any more data.');
  t.is(options.errors.text, '');
});

test('startResponse() write() sends nothing for HEAD and lets the application go on', async (t) => {
  const { sink, errors } = await run(
    async (_environ, startResponse) => {
      const write = startResponse('200 OK', []);
      await write(bytes('a'));
      await write(bytes('b'));
      return [];
    },
    { method: 'HEAD' },
  );
  t.is(errors, '');
  t.deepEqual(sink.head?.framing, { kind: 'none' });
  t.is(sink.bytesWritten, 0);
  t.true(sink.ended);
});

test('runGateway() sends 100 Continue when the application first reads tsgi.input', async (t) => {
  const { sink } = await run(
    async (environ, startResponse) => {
      const body = await environ['tsgi.input'].read();
      start200(startResponse);
      return [body];
    },
    {
      method: 'POST',
      rawHeaders: ['Host', 'h', 'Expect', '100-continue', 'Content-Length', '4'],
      body: source('data'),
    },
    { expectContinue: true },
  );
  t.is(sink.continues, 1);
  t.is(sink.text(), 'data');
});

test('runGateway() sends no 100 Continue when the application never reads tsgi.input', async (t) => {
  const { sink } = await run(
    (_environ, startResponse) => {
      startResponse('413 Content Too Large', []);
      return [];
    },
    { method: 'POST', rawHeaders: ['Host', 'h', 'Expect', '100-continue', 'Content-Length', '4'], body: source('data') },
    { expectContinue: true },
  );
  t.is(sink.continues, 0);
  t.is(sink.head?.status, 413);
});

test('runGateway() sends no 100 Continue once the response head is out', async (t) => {
  const { sink, errors } = await run(
    async (environ, startResponse) => {
      const write = startResponse('200 OK', []);
      await write(bytes('early '));
      await environ['tsgi.input'].read();
      return [];
    },
    { method: 'POST', rawHeaders: ['Host', 'h', 'Expect', '100-continue', 'Content-Length', '4'], body: source('data') },
    { expectContinue: true },
  );
  t.is(errors, '');
  t.is(sink.continues, 0);
});
