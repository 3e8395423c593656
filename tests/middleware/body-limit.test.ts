import test from 'ava';
import { bodyLimit, RequestBodyTooLarge, type BodyLimitOptions } from '../../middleware/body-limit.js';
import { LimitedInput } from '../../middleware/_internal/body-limit-input.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { createInputStream } from '../../lib/protocol/input-stream.js';
import type { Application, InputStream } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp } from '../../lib/testing/recording-app.js';

const MESSAGE =
  'The request body is larger than the limit of 10 bytes set by bodyLimit(). Stop reading it; let this error propagate and bodyLimit() answers 413 Content Too Large.';

function* chunks(...parts: string[]): Generator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

test('bodyLimit() answers 413 to a Content-Length over the limit without calling the app', async (t) => {
  const recorder = recordingApp();
  const client = new Client(recorder, { middleware: bodyLimit({ limit: 10 }) });
  const response = await client.post('/up', { body: 'x'.repeat(11), headers: { Expect: '100-continue' } });
  t.is(response.statusLine, '413 Content Too Large');
  t.is(response.text(), 'Request body too large: the limit is 10 bytes.\n');
  t.is(recorder.calls.length, 0);
  t.false(response.continueSent, 'the client was spared from sending the body');
});

test('bodyLimit() passes a Content-Length at the limit through untouched', async (t) => {
  const recorder = recordingApp();
  const client = new Client(recorder, { middleware: bodyLimit({ limit: 10 }) });
  const response = await client.post('/up', { body: 'x'.repeat(10) });
  t.is(response.status, 200);
  t.is(recorder.lastCall?.input.toString(), 'x'.repeat(10));
  t.true(recorder.lastCall?.closed);
});

test('bodyLimit() lets a chunked body within the limit through', async (t) => {
  const recorder = recordingApp();
  const client = new Client(recorder, { middleware: bodyLimit({ limit: 10 }) });
  const response = await client.post('/up', { bodyChunks: chunks('abcd', 'efgh', 'ij') });
  t.is(response.status, 200);
  t.is(recorder.lastCall?.input.toString(), 'abcdefghij');
  t.true(recorder.lastEnviron?.['tsgi.input_terminated']);
});

test('bodyLimit() turns a chunked body growing past the limit into 413 when the app lets the error propagate', async (t) => {
  const recorder = recordingApp();
  const client = new Client(recorder, { middleware: bodyLimit({ limit: 10 }) });
  const response = await client.post('/up', { bodyChunks: chunks('abcd', 'efgh', 'ijkl') });
  t.is(response.statusLine, '413 Content Too Large');
  t.is(response.text(), 'Request body too large: the limit is 10 bytes.\n');
  t.is(recorder.calls.length, 1);
  t.is(response.errors, '');
});

const readers: Array<[label: string, read: (input: InputStream) => Promise<unknown>]> = [
  ['read()', (input) => input.read()],
  ['read(size) in a loop', async (input) => {
    while ((await input.read(3)).length > 0);
  }],
  ['readline()', async (input) => {
    while ((await input.readline()).length > 0);
  }],
  ['readlines()', (input) => input.readlines()],
  ['for await', async (input) => {
    for await (const _line of input);
  }],
];

for (const [label, read] of readers) {
  test(`bodyLimit() makes ${label} reject with RequestBodyTooLarge, and every later read too`, async (t) => {
    const errors: unknown[] = [];
    const app: Application = async (environ, startResponse) => {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await read(environ['tsgi.input']);
        } catch (error) {
          errors.push(error);
        }
      }
      startResponse('400 Bad Request', [['Content-Type', 'text/plain']]);
      return [Buffer.from('caught')];
    };
    const client = new Client(app, { middleware: bodyLimit({ limit: 10 }) });
    const response = await client.post('/up', { bodyChunks: chunks('ab\ncd\n', 'ef\ngh\n', 'ij\n') });
    t.is(response.statusLine, '400 Bad Request', 'an app that catches the error answers as it likes');
    t.is(errors.length, 2);
    t.true(errors[0] instanceof RequestBodyTooLarge);
    t.is(errors[1], errors[0]);
    t.is((errors[0] as Error).message, MESSAGE);
    t.is((errors[0] as Error).name, 'RequestBodyTooLarge');
    t.is((errors[0] as RequestBodyTooLarge).limit, 10);
  });
}

test('bodyLimit() answers 413 with excInfo when the error comes out of the body before any byte', async (t) => {
  const app: Application = (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      yield new Uint8Array(0);
      const data = await environ['tsgi.input'].read();
      yield data;
    })();
  };
  const client = new Client(app, { middleware: bodyLimit({ limit: 4 }) });
  const response = await client.post('/up', { bodyChunks: chunks('abc', 'def') });
  t.is(response.statusLine, '413 Content Too Large');
  t.is(response.text(), 'Request body too large: the limit is 4 bytes.\n');
});

test('bodyLimit() lets the gateway abort when the error comes after the response started', async (t) => {
  const app: Application = (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return (async function* () {
      yield Buffer.from('started ');
      yield await environ['tsgi.input'].read();
    })();
  };
  const client = new Client(app, { middleware: bodyLimit({ limit: 4 }) });
  const response = await client.post('/up', { bodyChunks: chunks('abc', 'def') });
  t.is(response.status, 200);
  t.true(response.aborted);
  t.regex(response.errors, /RequestBodyTooLarge/);
});

test('bodyLimit() does not turn other errors into 413', async (t) => {
  const recorder = recordingApp({ fail: 'before-start' });
  const client = new Client(recorder, { middleware: bodyLimit({ limit: 100 }) });
  const response = await client.post('/up', { bodyChunks: chunks('abc') });
  t.is(response.status, 500);
});

test('bodyLimit() passes a streamed response through chunk by chunk for a chunked request, and closes it', async (t) => {
  const recorder = recordingApp({ stream: true, body: ['a', 'b', 'c'] });
  const client = new Client(recorder, { middleware: bodyLimit({ limit: 100 }) });
  const seen: string[] = [];
  await client.post('/up', { bodyChunks: chunks('x'), onBodyChunk: (chunk) => void seen.push(Buffer.from(chunk).toString()) });
  t.deepEqual(seen, ['a', 'b', 'c']);
  t.true(recorder.lastCall?.closed);
});

test('LimitedInput never asks the stream for more than one byte past the limit', async (t) => {
  const asked: number[] = [];
  const inner = createInputStream(chunks('x'.repeat(100_000), 'y'.repeat(100_000)));
  const spy: InputStream = {
    read: (size) => {
      asked.push(size ?? -1);
      return inner.read(size);
    },
    readline: (size) => {
      asked.push(size ?? -1);
      return inner.readline(size);
    },
    readlines: (hint) => inner.readlines(hint),
    [Symbol.asyncIterator]: () => inner[Symbol.asyncIterator](),
  };
  const input = new LimitedInput(spy, 70_000, () => new RequestBodyTooLarge(70_000));
  await t.throwsAsync(() => input.read(), { instanceOf: RequestBodyTooLarge });
  t.deepEqual(asked, [65_536, 4_465]);
  t.true(asked.every((size) => size > 0));
});

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['options not an object', 10, 'bodyLimit() options must be an object; got 10.'],
  ['unknown option', { max: 10 }, "bodyLimit() got an unknown option 'max'. Known options: limit."],
  ['negative limit', { limit: -1 }, 'bodyLimit() option limit must be a whole number of bytes >= 0; got -1.'],
  ['string limit', { limit: '1mb' }, "bodyLimit() option limit must be a whole number of bytes >= 0; got '1mb'."],
];

for (const [label, options, message] of badOptions) {
  test(`bodyLimit() rejects bad options at once: ${label}`, (t) => {
    t.throws(() => bodyLimit(options as BodyLimitOptions), { instanceOf: ImproperlyConfigured, message });
  });
}
