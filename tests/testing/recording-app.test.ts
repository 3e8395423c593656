import test from 'ava';
import { createInputStream } from '../../lib/protocol/input-stream.js';
import { setupTestingDefaults } from '../../lib/protocol/setup-testing-defaults.js';
import type { Application, BodyChunks, HeaderList } from '../../lib/protocol/types.js';
import { recordingApp, type RecordingResponse } from '../../lib/testing/recording-app.js';

/** A minimal server: calls the app, collects what it sends, always closes the body. */
async function serve(app: Application, body = '') {
  const environ = setupTestingDefaults({ 'tsgi.input': createInputStream(body === '' ? null : Buffer.from(body)) });
  const sent: { status?: string; headers?: HeaderList; chunks: string[]; error?: unknown } = { chunks: [] };
  const startResponse = (status: string, headers: HeaderList) => {
    sent.status = status;
    sent.headers = headers;
    return async (chunk: Uint8Array) => {
      sent.chunks.push(`write:${Buffer.from(chunk).toString()}`);
    };
  };
  let result: Awaited<ReturnType<Application>> | undefined;
  try {
    result = await app(environ, startResponse);
    for await (const chunk of result as BodyChunks) sent.chunks.push(Buffer.from(chunk).toString());
  } catch (error) {
    sent.error = error;
  } finally {
    try {
      result?.close?.();
    } catch (error) {
      sent.error ??= error;
    }
  }
  return { environ, sent };
}

test('recordingApp() answers 200 text/plain OK by default and records the call', async (t) => {
  const recorder = recordingApp();
  const { environ, sent } = await serve(recorder, 'posted');
  t.is(sent.status, '200 OK');
  t.deepEqual(sent.headers, [['Content-Type', 'text/plain; charset=utf-8']]);
  t.deepEqual(sent.chunks, ['OK']);
  t.is(recorder.calls.length, 1);
  t.is(recorder.lastCall?.input.toString(), 'posted');
  t.is(recorder.lastEnviron?.PATH_INFO, environ.PATH_INFO);
  t.not(recorder.lastEnviron, environ, 'a copy of the environ');
  t.true(recorder.lastCall?.finished);
  t.is(recorder.lastCall?.chunksSent, 1);
  t.is(recorder.lastCall?.closeCount, 1);
  t.true(recorder.lastCall?.closed);
});

test('recordingApp() keeps the environ as it arrived, not as a middleware changes it later', async (t) => {
  const recorder = recordingApp();
  const { environ } = await serve(recorder);
  environ.PATH_INFO = '/changed';
  t.is(recorder.lastEnviron?.PATH_INFO, '/');
});

test('recordingApp() sends the scripted status, headers, write() chunks and body', async (t) => {
  const recorder = recordingApp({ status: '201 Created', headers: [['X-A', '1']], write: ['w1'], body: ['b1', Buffer.from('b2')] });
  const { sent } = await serve(recorder);
  t.is(sent.status, '201 Created');
  t.deepEqual(sent.headers, [['X-A', '1']]);
  t.deepEqual(sent.chunks, ['write:w1', 'b1', 'b2']);
});

test('recordingApp() streams with an async generator, calling startResponse in the body when asked', async (t) => {
  const recorder = recordingApp({ stream: true, startInBody: true, delayMs: 1, body: ['a', 'b'] });
  const { sent } = await serve(recorder);
  t.deepEqual(sent.chunks, ['a', 'b']);
  t.is(sent.status, '200 OK');
  t.true(recorder.lastCall?.finished);
});

test('recordingApp() leaves tsgi.input unread with readInput: false', async (t) => {
  const recorder = recordingApp({ readInput: false });
  const { environ } = await serve(recorder, 'unread');
  t.is(recorder.lastCall?.input.length, 0);
  t.is(Buffer.from(await environ['tsgi.input'].read()).toString(), 'unread');
});

const failures: Array<[label: string, response: RecordingResponse, expected: { status: string | undefined; chunks: string[]; chunksSent: number; closeCount: number }]> = [
  ['before-start', { fail: 'before-start' }, { status: undefined, chunks: [], chunksSent: 0, closeCount: 0 }],
  ['after-start', { fail: 'after-start' }, { status: '200 OK', chunks: [], chunksSent: 0, closeCount: 0 }],
  ['in-iteration', { fail: 'in-iteration' }, { status: '200 OK', chunks: [], chunksSent: 0, closeCount: 1 }],
  ['in-iteration with an empty body', { fail: 'in-iteration', body: [] }, { status: '200 OK', chunks: [], chunksSent: 0, closeCount: 1 }],
  ['after-first-chunk', { fail: 'after-first-chunk', body: ['a', 'b'] }, { status: '200 OK', chunks: ['a'], chunksSent: 1, closeCount: 1 }],
  ['after-first-chunk, streamed', { fail: 'after-first-chunk', stream: true, body: ['a', 'b'] }, { status: '200 OK', chunks: ['a'], chunksSent: 1, closeCount: 1 }],
  ['after-start, started in the body', { fail: 'after-start', stream: true, startInBody: true }, { status: '200 OK', chunks: [], chunksSent: 0, closeCount: 1 }],
  ['in-close', { fail: 'in-close' }, { status: '200 OK', chunks: ['OK'], chunksSent: 1, closeCount: 1 }],
];
for (const [label, response, expected] of failures) {
  test(`recordingApp() fails ${label} as scripted`, async (t) => {
    const recorder = recordingApp(response);
    const { sent } = await serve(recorder);
    t.is((sent.error as Error).message, `recordingApp failed ${response.fail}, as scripted.`);
    t.is(sent.status, expected.status);
    t.deepEqual(sent.chunks, expected.chunks);
    t.is(recorder.lastCall?.chunksSent, expected.chunksSent);
    t.is(recorder.lastCall?.closeCount, expected.closeCount);
    t.is(recorder.lastCall?.finished, response.fail === 'in-close', 'finished iterating');
  });
}

test('recordingApp() throws the scripted error', async (t) => {
  const error = new RangeError('mine');
  const { sent } = await serve(recordingApp({ fail: 'before-start', error }));
  t.is(sent.error, error);
});

test('recordingApp() respondWith() changes later answers and reset() forgets the calls', async (t) => {
  const recorder = recordingApp();
  await serve(recorder);
  recorder.respondWith({ status: '404 Not Found', body: [] });
  const { sent } = await serve(recorder);
  t.is(sent.status, '404 Not Found');
  t.is(recorder.calls.length, 2);
  recorder.reset();
  t.is(recorder.calls.length, 0);
  t.is(recorder.lastCall, undefined);
  t.is(recorder.lastEnviron, undefined);
});

const misuse: Array<[label: string, response: unknown, message: string]> = [
  ['a non-object', 'OK', "recordingApp() response must be an object; got 'OK'."],
  ['an unknown option', { bodyy: [] }, "recordingApp() got an unknown response option 'bodyy'. Known options: status, headers, body, write, stream, delayMs, startInBody, readInput, fail, error."],
  ['an unknown failure point', { fail: 'later' }, "recordingApp() fail must be one of before-start, after-start, in-iteration, after-first-chunk, in-close; got 'later'."],
  ['after-first-chunk without chunks', { fail: 'after-first-chunk', body: [] }, "recordingApp() fail 'after-first-chunk' needs at least one body chunk; got body []."],
  ['startInBody without stream', { startInBody: true }, 'recordingApp() startInBody needs stream: true and no write chunks (write() is only available once startResponse was called).'],
  ['a negative delay', { delayMs: -1 }, 'recordingApp() delayMs must be a number >= 0; got -1.'],
  ['a body that is not an array', { body: 'OK' }, "recordingApp() body must be an array of chunks; got 'OK'. Wrap a single chunk: [chunk]."],
  ['a chunk of the wrong type', { write: [1] }, 'recordingApp() write[0] must be a string or a Uint8Array; got 1.'],
];
for (const [label, response, message] of misuse) {
  test(`recordingApp() rejects ${label} at once`, (t) => {
    t.throws(() => recordingApp(response as RecordingResponse), { instanceOf: TypeError, message });
  });
}
