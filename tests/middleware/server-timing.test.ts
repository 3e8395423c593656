import test from 'ava';
import { serverTiming, type ServerTimingOptions, type SlowRequestInfo } from '../../middleware/server-timing.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Application, Environ } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp, type RecordingResponse } from '../../lib/testing/recording-app.js';

/** A clock that returns `times` in turn (then repeats the last one). */
function clock(...times: number[]): () => number {
  let index = 0;
  return () => times[Math.min(index++, times.length - 1)]!;
}

function setup(response: RecordingResponse, options: ServerTimingOptions) {
  const recorder = recordingApp(response);
  const client = new Client(recorder, { middleware: serverTiming(options) });
  return { recorder, client };
}

test('serverTiming() adds Server-Timing with the time until startResponse', async (t) => {
  const { recorder, client } = setup({}, { now: clock(100, 112.345) });
  const response = await client.get('/');
  t.is(response.headers.get('Server-Timing'), 'app;dur=12.3');
  t.is(response.headers.get('X-Runtime'), undefined);
  t.true(recorder.lastCall?.closed);
});

test('serverTiming({ runtime: true, header: false }) sends X-Runtime in seconds only', async (t) => {
  const { client } = setup({}, { now: clock(0, 12.3), runtime: true, header: false });
  const response = await client.get('/');
  t.is(response.headers.get('X-Runtime'), '0.012300');
  t.is(response.headers.get('Server-Timing'), undefined);
});

test('serverTiming({ metric }) names the metric, after a Server-Timing the application sent', async (t) => {
  const { client } = setup({ headers: [['Content-Type', 'text/plain'], ['Server-Timing', 'db;dur=3']] }, { now: clock(0, 5), metric: 'total' });
  const response = await client.get('/');
  t.deepEqual(response.headers.getAll('Server-Timing'), ['db;dur=3', 'total;dur=5.0']);
});

test('serverTiming() keeps an array body an array (Content-Length) and streams a streamed one chunk by chunk', async (t) => {
  const arrayApp: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [Buffer.from('abc')];
  };
  const onSlow = (): void => {};
  const arrayClient = new Client(arrayApp, { middleware: serverTiming({ onSlow }) });
  t.is((await arrayClient.get('/')).headers.get('Content-Length'), '3');

  const { recorder, client } = setup({ stream: true, body: ['a', 'b', 'c'] }, { onSlow });
  const chunks: string[] = [];
  await client.get('/', { onBodyChunk: (chunk) => void chunks.push(Buffer.from(chunk).toString()) });
  t.deepEqual(chunks, ['a', 'b', 'c']);
  t.is(recorder.lastCall?.closeCount, 1);
});

test('serverTiming() times a startResponse made inside the body', async (t) => {
  const { client } = setup({ stream: true, startInBody: true, body: ['x'] }, { now: clock(0, 7.25) });
  t.is((await client.get('/')).headers.get('Server-Timing'), 'app;dur=7.3');
});

test('serverTiming({ onSlow }) reports a slow request after the body finished, with the environ', async (t) => {
  const calls: Array<[SlowRequestInfo, Environ, boolean | undefined]> = [];
  const recorder = recordingApp({ status: '201 Created', stream: true, body: ['a', 'b'] });
  const onSlow = (info: SlowRequestInfo, environ: Environ): void => void calls.push([info, environ, recorder.lastCall?.closed]);
  const client = new Client(recorder, { middleware: serverTiming({ now: clock(0, 20, 1500), slowMs: 1000, onSlow }) });
  await client.get('/slow');
  t.is(calls.length, 1);
  t.deepEqual(calls[0]?.[0], { startMs: 20, totalMs: 1500, status: 201 });
  t.is(calls[0]?.[1].PATH_INFO, '/slow');
  // Called once the response was over: the application's body had been closed.
  t.true(calls[0]?.[2]);
});

test('serverTiming({ onSlow }) stays quiet for a request under slowMs', async (t) => {
  let called = 0;
  const { client } = setup({}, { now: clock(0, 20, 999.9), slowMs: 1000, onSlow: () => void (called += 1) });
  await client.get('/');
  t.is(called, 0);
});

test('serverTiming({ onSlow }) reports a slow request that threw, and the server still answers 500', async (t) => {
  const infos: SlowRequestInfo[] = [];
  const error = new Error('slow and broken');
  const { client } = setup({ fail: 'before-start', error }, { now: clock(0, 2000), slowMs: 0, onSlow: (info) => void infos.push(info) });
  const response = await client.get('/');
  t.is(response.status, 500);
  t.deepEqual(infos, [{ startMs: undefined, totalMs: 2000, status: 0, error }]);
});

test('serverTiming({ onSlow }) logs a hook that throws instead of failing the request', async (t) => {
  const onSlow = (): void => {
    throw new Error('hook broke');
  };
  const { client } = setup({ body: ['ok'] }, { now: clock(0, 1, 5000), onSlow });
  const response = await client.get('/');
  t.is(response.text(), 'ok');
  t.is(response.errors, 'serverTiming: onSlow threw Error: hook broke\n');
});

test('serverTiming() measures again when the application restarts its response with excInfo', async (t) => {
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], new Error('changed my mind'));
    return [Buffer.from('no')];
  };
  const client = new Client(app, { middleware: serverTiming({ now: clock(0, 1, 9) }) });
  const response = await client.get('/');
  t.is(response.status, 500);
  t.deepEqual(response.headers.getAll('Server-Timing'), ['app;dur=9.0']);
});

const badOptions: Array<[label: string, options: unknown, error: new (...args: never[]) => Error, message: string]> = [
  ['options that are not an object', null, TypeError, 'serverTiming() options must be an object; got null.'],
  ['an unknown option', { slow: 5 }, TypeError, "serverTiming() got an unknown option 'slow'. Known options: header, metric, runtime, onSlow, slowMs, now."],
  ['header that is not a boolean', { header: 'yes' }, TypeError, "serverTiming() option header must be a boolean; got 'yes'."],
  ['runtime that is not a boolean', { runtime: 1 }, TypeError, 'serverTiming() option runtime must be a boolean; got 1.'],
  ['a metric that is not a token', { metric: 'app time' }, TypeError, "serverTiming() option metric must be a metric name (an RFC 9110 token); got 'app time'."],
  ['onSlow that is not a function', { onSlow: 'log' }, TypeError, "serverTiming() option onSlow must be a function (info, environ) => void; got 'log'."],
  ['a negative slowMs', { onSlow: () => {}, slowMs: -1 }, TypeError, 'serverTiming() option slowMs must be a number of ms >= 0; got -1.'],
  ['slowMs without onSlow', { slowMs: 10 }, ImproperlyConfigured, 'serverTiming() option slowMs was given without onSlow, so nothing would use it. Pass onSlow: (info, environ) => … too.'],
  ['now that is not a function', { now: 0 }, TypeError, 'serverTiming() option now must be a function returning ms; got 0.'],
  ['options that do nothing', { header: false }, ImproperlyConfigured, 'serverTiming() with header: false, no runtime and no onSlow does nothing. Enable header or runtime, or pass onSlow.'],
];

for (const [label, options, error, message] of badOptions) {
  test(`serverTiming() rejects ${label} at once`, (t) => {
    t.throws(() => serverTiming(options as ServerTimingOptions), { instanceOf: error, message });
  });
}
