import test from 'ava';
import type { Application } from '../../lib/protocol/types.js';
import { MemorySink } from '../../lib/gateway/memory-sink.js';
import { runGateway } from '../../lib/gateway/run-gateway.js';
import { bytes, makeOptions, makeRequest, run, runWith, stableHeaders, start200, trackedBody } from './gateway-fixtures.js';
import type { Tracked } from './gateway-fixtures.js';

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;

function* generate(...parts: string[]): Generator<Uint8Array> {
  for (const part of parts) yield bytes(part);
}

test('runGateway() sends an array body with a computed Content-Length', async (t) => {
  const { sink, errors } = await run((_environ, startResponse) => {
    start200(startResponse);
    return [bytes('hello '), bytes('world')];
  });
  t.is(errors, '');
  t.is(sink.head?.status, 200);
  t.is(sink.head?.statusLine, '200 OK');
  t.deepEqual(stableHeaders(sink), [
    ['Content-Type', 'text/plain'],
    ['Content-Length', '11'],
    ['Date', '<date>'],
    ['Server', 'tsgi-test/1'],
  ]);
  t.deepEqual(sink.head?.framing, { kind: 'length', length: 11 });
  t.is(sink.text(), 'hello world');
  t.true(sink.ended);
  t.false(sink.aborted);
});

/** A sink whose transport adds Date itself, as node:http does. */
class DatingSink extends MemorySink {
  readonly addsDate = true;
}

test('runGateway() leaves Date to a sink that adds it itself, and keeps one the application set', async (t) => {
  const withoutDate = new DatingSink();
  await runWith((_environ, startResponse) => {
    start200(startResponse);
    return [bytes('hi')];
  }, withoutDate);
  t.deepEqual(withoutDate.head?.headers, [
    ['Content-Type', 'text/plain'],
    ['Content-Length', '2'],
    ['Server', 'tsgi-test/1'],
  ]);
  const withDate = new DatingSink();
  await runWith((_environ, startResponse) => {
    startResponse('200 OK', [['Date', 'Sun, 06 Nov 1994 08:49:37 GMT']]);
    return [];
  }, withDate);
  t.deepEqual(withDate.head?.headers, [
    ['Date', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['Content-Length', '0'],
    ['Server', 'tsgi-test/1'],
  ]);
});

test('runGateway() iterates an array subclass through its own iterator', async (t) => {
  class Shouting extends Array<Uint8Array> {
    override *[Symbol.iterator](): ArrayIterator<Uint8Array> {
      for (let i = 0; i < this.length; i++) yield bytes(Buffer.from(this[i]!).toString().toUpperCase());
    }
  }
  const body = new Shouting();
  body.push(bytes('ab'), bytes('cd'));
  const { sink, errors } = await run((_environ, startResponse) => {
    start200(startResponse);
    return body;
  });
  t.is(errors, '');
  t.is(sink.text(), 'ABCD');
});

test('runGateway() adds a Date header in IMF-fixdate form', async (t) => {
  const { sink } = await run((_environ, startResponse) => {
    start200(startResponse);
    return [];
  });
  const date = sink.head?.headers.find(([name]) => name === 'Date')?.[1] ?? '';
  t.regex(date, IMF_FIXDATE);
  t.true(Math.abs(Date.parse(date) - Date.now()) < 2000);
});

test("runGateway() keeps the application's Date and Server headers", async (t) => {
  const { sink } = await run((_environ, startResponse) => {
    startResponse('200 OK', [['date', 'Sun, 06 Nov 1994 08:49:37 GMT'], ['SERVER', 'mine']]);
    return [];
  });
  t.deepEqual(stableHeaders(sink), [
    ['date', '<date>'],
    ['SERVER', 'mine'],
    ['Content-Length', '0'],
  ]);
  t.is(sink.head?.headers[0]?.[1], 'Sun, 06 Nov 1994 08:49:37 GMT');
});

test('runGateway() sends no Server header when serverSoftware is empty', async (t) => {
  const { sink } = await run(
    (_environ, startResponse) => {
      start200(startResponse);
      return [];
    },
    {},
    {},
    { serverSoftware: '' },
  );
  t.deepEqual(stableHeaders(sink), [
    ['Content-Type', 'text/plain'],
    ['Content-Length', '0'],
    ['Date', '<date>'],
  ]);
});

test("runGateway() does not change the application's header array", async (t) => {
  const headers: Array<[string, string]> = [['Content-Type', 'text/plain']];
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', headers);
    return [bytes('x')];
  };
  await run(app);
  await run(app);
  t.deepEqual(headers, [['Content-Type', 'text/plain']]);
});

test("runGateway() keeps the application's Content-Length", async (t) => {
  const { sink } = await run((_environ, startResponse) => {
    start200(startResponse, [['Content-Length', '5']]);
    return generate('he', 'llo');
  });
  t.deepEqual(stableHeaders(sink), [
    ['Content-Type', 'text/plain'],
    ['Content-Length', '5'],
    ['Date', '<date>'],
    ['Server', 'tsgi-test/1'],
  ]);
  t.deepEqual(sink.head?.framing, { kind: 'length', length: 5 });
  t.is(sink.text(), 'hello');
  t.true(sink.ended);
});

test('runGateway() chunks a streamed body for HTTP/1.1', async (t) => {
  const { sink } = await run((_environ, startResponse) => {
    start200(startResponse);
    return generate('a', '', 'b');
  });
  t.deepEqual(sink.head?.framing, { kind: 'chunked' });
  t.false(sink.head?.headers.some(([name]) => name === 'Content-Length'));
  t.deepEqual(sink.chunks.map(String), ['a', 'b']);
  t.true(sink.ended);
});

test('runGateway() closes the connection after a streamed body for HTTP/1.0', async (t) => {
  const { sink } = await run(
    (_environ, startResponse) => {
      start200(startResponse);
      return generate('a', 'b');
    },
    { protocol: 'HTTP/1.0' },
  );
  t.deepEqual(sink.head?.framing, { kind: 'close' });
  t.is(sink.text(), 'ab');
});

test('runGateway() sends Content-Length 0 for a stream that ends before any data', async (t) => {
  const { sink } = await run((_environ, startResponse) => {
    start200(startResponse);
    return generate('', '');
  });
  t.deepEqual(sink.head?.framing, { kind: 'length', length: 0 });
  t.true(sink.head?.headers.some(([name, value]) => name === 'Content-Length' && value === '0'));
  t.true(sink.ended);
});

test('runGateway() computes no Content-Length when write() was used', async (t) => {
  const { sink } = await run((_environ, startResponse) => {
    const write = startResponse('200 OK', []);
    void write(bytes('first '));
    return [bytes('second')];
  });
  t.deepEqual(sink.head?.framing, { kind: 'chunked' });
  t.deepEqual(sink.chunks.map(String), ['first ', 'second']);
});

test('runGateway() sends the head with the first non-empty chunk, not before', async (t) => {
  const sink = new MemorySink();
  const seen: boolean[] = [];
  await runGateway(
    (_environ, startResponse) => {
      start200(startResponse);
      return (function* () {
        yield bytes('');
        seen.push(sink.head !== undefined);
        yield bytes('data');
        seen.push(sink.head !== undefined);
      })();
    },
    makeRequest(),
    sink,
    makeOptions(),
  );
  t.deepEqual(seen, [false, true]);
  t.is(sink.text(), 'data');
});

test('runGateway() lets startResponse be called during the first iteration', async (t) => {
  const { sink, errors } = await run((_environ, startResponse) =>
    (function* () {
      startResponse('201 Created', [['Content-Type', 'text/plain']]);
      yield bytes('made');
    })(),
  );
  t.is(errors, '');
  t.is(sink.head?.status, 201);
  t.is(sink.text(), 'made');
});

test('runGateway() lets the application change its mind with excInfo before the head is sent', async (t) => {
  const { sink, errors } = await run((_environ, startResponse) =>
    (function* () {
      startResponse('200 OK', [['Content-Type', 'text/html']]);
      yield bytes('');
      try {
        throw new Error('the page failed');
      } catch (error) {
        startResponse('503 Service Unavailable', [['Content-Type', 'text/plain']], error);
        yield bytes('try later');
      }
    })(),
  );
  t.is(errors, '');
  t.is(sink.head?.statusLine, '503 Service Unavailable');
  t.deepEqual(sink.head?.headers[0], ['Content-Type', 'text/plain']);
  t.is(sink.text(), 'try later');
});

test('runGateway() runs an async application with an async body', async (t) => {
  const { sink } = await run(async (_environ, startResponse) => {
    await Promise.resolve();
    start200(startResponse);
    return (async function* () {
      yield bytes('a');
      await Promise.resolve();
      yield bytes('b');
    })();
  });
  t.deepEqual(sink.head?.framing, { kind: 'chunked' });
  t.is(sink.text(), 'ab');
  t.true(sink.ended);
});

test('runGateway() answers HEAD with the GET Content-Length of an array body and no bytes', async (t) => {
  const { sink } = await run(
    (_environ, startResponse) => {
      start200(startResponse);
      return [bytes('hello')];
    },
    { method: 'HEAD' },
  );
  t.deepEqual(sink.head?.framing, { kind: 'none' });
  t.true(sink.head?.headers.some(([name, value]) => name === 'Content-Length' && value === '5'));
  t.is(sink.bytesWritten, 0);
  t.true(sink.ended);
});

test("runGateway() answers HEAD with the application's Content-Length", async (t) => {
  const { sink, errors } = await run(
    (_environ, startResponse) => {
      start200(startResponse, [['Content-Length', '12345']]);
      return [];
    },
    { method: 'HEAD' },
  );
  t.is(errors, '');
  t.deepEqual(sink.head?.framing, { kind: 'none' });
  t.true(sink.head?.headers.some(([name, value]) => name === 'Content-Length' && value === '12345'));
  t.true(sink.ended);
  t.false(sink.aborted);
});

for (const [label, body] of [
  ['an empty array', () => []],
  ['an empty stream', async function* empty() {}],
] as const) {
  test(`runGateway() makes up no Content-Length: 0 for HEAD with ${label} (SPEC §8.9)`, async (t) => {
    const { sink } = await run(
      (_environ, startResponse) => {
        start200(startResponse);
        return body();
      },
      { method: 'HEAD' },
    );
    t.deepEqual(sink.head?.framing, { kind: 'none' });
    t.false(sink.head?.headers.some(([name]) => name === 'Content-Length'));
    t.true(sink.ended);
  });
}

test('runGateway() stops iterating a streamed HEAD body after its first chunk and closes it', async (t) => {
  const tracker: Tracked = { log: [] };
  const { sink } = await run(
    (_environ, startResponse) => {
      start200(startResponse);
      return trackedBody([bytes('a'), bytes('b'), bytes('c')], tracker);
    },
    { method: 'HEAD' },
  );
  t.deepEqual(sink.head?.framing, { kind: 'none' });
  t.false(sink.head?.headers.some(([name]) => name === 'Content-Length'));
  t.deepEqual(tracker.log, ['next', 'return', 'close']);
  t.true(sink.ended);
});

const bodyless: Array<[status: string, headers: Array<[string, string]>, expected: Array<[string, string]>]> = [
  ['204 No Content', [['Content-Length', '0']], [['Date', '<date>'], ['Server', 'tsgi-test/1']]],
  ['304 Not Modified', [['Content-Length', '7'], ['ETag', '"x"']], [['Content-Length', '7'], ['ETag', '"x"'], ['Date', '<date>'], ['Server', 'tsgi-test/1']]],
  ['103 Early Hints', [['Link', '</a.css>; rel=preload']], [['Link', '</a.css>; rel=preload'], ['Date', '<date>'], ['Server', 'tsgi-test/1']]],
];

for (const [status, headers, expected] of bodyless) {
  test(`runGateway() sends no body and no computed length for ${status}`, async (t) => {
    const tracker: Tracked = { log: [] };
    const { sink, errors } = await run((_environ, startResponse) => {
      startResponse(status, headers);
      return trackedBody([bytes('ignored'), bytes('never pulled')], tracker);
    });
    t.is(errors, '');
    t.deepEqual(sink.head?.framing, { kind: 'none' });
    t.deepEqual(stableHeaders(sink), expected);
    t.is(sink.bytesWritten, 0);
    t.deepEqual(tracker.log, ['next', 'return', 'close']);
    t.true(sink.ended);
  });
}

test("runGateway() adds its headers to a copy: the application's list is left as it was", async (t) => {
  const list: Array<[string, string]> = [['Content-Type', 'text/plain']];
  const { sink } = await run((_environ, startResponse) => {
    startResponse('200 OK', list);
    return [bytes('hi')];
  });
  t.deepEqual(list, [['Content-Type', 'text/plain']]);
  t.deepEqual(stableHeaders(sink), [
    ['Content-Type', 'text/plain'],
    ['Content-Length', '2'],
    ['Date', '<date>'],
    ['Server', 'tsgi-test/1'],
  ]);
});

test('runGateway() hands over the headers as they are when it adds none; the recorded head does not follow later edits', async (t) => {
  const list: Array<[string, string]> = [['Content-Type', 'text/plain'], ['Content-Length', '2']];
  const sink = new DatingSink();
  let sentHeaders: unknown;
  const start = sink.start.bind(sink);
  sink.start = (head) => {
    sentHeaders = head.headers;
    start(head);
  };
  await runGateway(
    (_environ, startResponse) => {
      startResponse('200 OK', list);
      return [bytes('hi')];
    },
    makeRequest(),
    sink,
    makeOptions({ serverSoftware: '' }),
  );
  t.is(sentHeaders, list);
  list.push(['X-Late', 'edit']);
  t.deepEqual(sink.head?.headers, [['Content-Type', 'text/plain'], ['Content-Length', '2']]);
  t.is(sink.text(), 'hi');
});

test('runGateway() gives the computed Content-Length of small and large bodies alike', async (t) => {
  for (const size of [0, 1, 11, 4095, 4096, 70_000]) {
    const { sink } = await run((_environ, startResponse) => {
      start200(startResponse);
      return [Buffer.alloc(size, 0x61)];
    });
    t.deepEqual(stableHeaders(sink), [
      ['Content-Type', 'text/plain'],
      ['Content-Length', String(size)],
      ['Date', '<date>'],
      ['Server', 'tsgi-test/1'],
    ]);
    t.deepEqual(sink.head?.framing, { kind: 'length', length: size });
    t.is(sink.bytesWritten, size);
  }
});
