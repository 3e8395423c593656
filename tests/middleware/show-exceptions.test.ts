import test from 'ava';
import { showExceptions, type ShowExceptionsOptions } from '../../middleware/show-exceptions.js';
import { MASK, prefersHtml } from '../../middleware/_internal/show-exceptions-page.js';
import { ClientDisconnected } from '../../lib/protocol/errors.js';
import type { Application } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp, type RecordingResponse } from '../../lib/testing/recording-app.js';

const PLAIN = 'Internal Server Error\n\nThe server could not complete the request. The error was logged.\n';

function setup(response: RecordingResponse, options: ShowExceptionsOptions = {}) {
  const recorder = recordingApp(response);
  const client = new Client(recorder, { middleware: showExceptions(options) });
  return { recorder, client };
}

test('showExceptions() passes a working response through, chunk by chunk, and forwards close()', async (t) => {
  const { recorder, client } = setup({ stream: true, body: ['a', 'b', 'c'] });
  const chunks: string[] = [];
  const response = await client.get('/', { onBodyChunk: (chunk) => void chunks.push(Buffer.from(chunk).toString()) });
  t.is(response.status, 200);
  t.deepEqual(chunks, ['a', 'b', 'c']);
  t.is(response.errors, '');
  t.is(recorder.lastCall?.closeCount, 1);
});

const failures: Array<[fail: NonNullable<RecordingResponse['fail']>, extra: RecordingResponse]> = [
  ['before-start', {}],
  ['after-start', {}],
  ['after-start', { stream: true, startInBody: true }],
  ['in-iteration', { stream: true }],
  ['in-iteration', {}],
];

for (const [fail, extra] of failures) {
  const label = `${fail}${extra.stream ? ' (streamed' + (extra.startInBody ? ', started in the body)' : ')') : ''}`;
  test(`showExceptions() answers a plain 500 when the application fails ${label}, and logs it`, async (t) => {
    const { recorder, client } = setup({ fail, ...extra });
    const response = await client.get('/boom');
    t.is(response.status, 500);
    t.is(response.statusLine, '500 Internal Server Error');
    t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
    t.is(response.text(), PLAIN);
    t.false(response.aborted);
    t.true(response.errors.startsWith('showExceptions: Application error while serving GET /boom:\nError: recordingApp failed'));
    if (fail !== 'before-start' && fail !== 'after-start') t.is(recorder.lastCall?.closeCount, 1);
    else if (extra.startInBody) t.is(recorder.lastCall?.closeCount, 1);
  });
}

test('showExceptions() catches a synchronous body that throws before its first chunk', async (t) => {
  let closed = 0;
  const app: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return Object.assign(
      (function* () {
        yield new Uint8Array(0);
        throw new TypeError('sync failure');
      })(),
      { close: () => void (closed += 1) },
    );
  };
  const client = new Client(app, { middleware: showExceptions() });
  const response = await client.get('/');
  t.is(response.status, 500);
  t.is(response.text(), PLAIN);
  t.regex(response.errors, /TypeError: sync failure/);
  t.is(closed, 1);
});

test('showExceptions() cannot change a status already sent: the client sees a truncated response', async (t) => {
  const { recorder, client } = setup({ fail: 'after-first-chunk', stream: true, body: ['first', 'second'] });
  const response = await client.get('/');
  t.is(response.status, 200);
  t.true(response.aborted);
  t.is(response.text(), 'first');
  // Logged once, by the server that aborted, not twice.
  t.regex(response.errors, /^Application error while serving GET \/:\nError: recordingApp failed after-first-chunk/);
  t.notRegex(response.errors, /showExceptions/);
  t.is(recorder.lastCall?.closeCount, 1);
});

test('showExceptions() re-throws when the application fails after write() sent bytes', async (t) => {
  const { client } = setup({ fail: 'in-iteration', write: ['written'], stream: true, body: ['x'] });
  const response = await client.get('/');
  t.is(response.status, 200);
  t.true(response.aborted);
  t.is(response.text(), 'written');
});

test('showExceptions() lets ClientDisconnected through without a page or a log line', async (t) => {
  const { client } = setup({ fail: 'before-start', error: new ClientDisconnected('gone') });
  const response = await client.get('/');
  t.is(response.status, 0);
  t.true(response.aborted);
  t.is(response.errors, '');
});

const secrets = {
  Authorization: 'Basic c2VjcmV0OnB3',
  Cookie: 'session=abc123',
  'X-Api-Key': 'k-123',
  'X-Csrf-Token': 't-123',
};

test('showExceptions({ debug: true }) shows the stack and the environ as text, secrets masked', async (t) => {
  const { client } = setup({ fail: 'after-start', error: new RangeError('bad range 42') }, { debug: true });
  const response = await client.get('/items', { query: { page: '2' }, headers: { ...secrets, Accept: '*/*', 'User-Agent': 'curl' } });
  t.is(response.status, 500);
  t.is(response.headers.get('Content-Type'), 'text/plain; charset=utf-8');
  const text = response.text();
  t.true(text.startsWith('RangeError at GET /items\n\nStack:\nRangeError: bad range 42\n    at '));
  t.true(text.includes('\nQUERY_STRING = page=2\n'));
  t.true(text.includes('\nHTTP_USER_AGENT = curl\n'));
  for (const key of ['HTTP_AUTHORIZATION', 'HTTP_COOKIE', 'HTTP_X_API_KEY', 'HTTP_X_CSRF_TOKEN']) t.true(text.includes(`\n${key} = ${MASK}\n`), key);
  for (const value of Object.values(secrets)) t.false(text.includes(value), value);
  t.true(text.includes('\ntsgi.input = '));
});

test('showExceptions({ debug: true }) answers HTML to a browser, with everything escaped', async (t) => {
  const { client } = setup({ fail: 'before-start', error: new Error('<script>alert("x")</script>') }, { debug: true });
  const response = await client.get('/<b>', {
    headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'X-Evil': '<img src=x onerror=alert(1)>', Cookie: 'a=b' },
  });
  t.is(response.status, 500);
  t.is(response.headers.get('Content-Type'), 'text/html; charset=utf-8');
  const html = response.text();
  t.true(html.startsWith('<!DOCTYPE html>'));
  t.true(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  t.true(html.includes('<tr><th>HTTP_X_EVIL</th><td><pre>&lt;img src=x onerror=alert(1)&gt;</pre></td></tr>'));
  t.true(html.includes(`<tr><th>HTTP_COOKIE</th><td><pre>${MASK}</pre></td></tr>`));
  t.false(html.includes('<script>'));
  t.false(html.includes('<img'));
});

test('showExceptions() without debug never shows the error', async (t) => {
  const { client } = setup({ fail: 'before-start', error: new Error('db password is hunter2') });
  const response = await client.get('/', { headers: { Accept: 'text/html' } });
  t.is(response.text(), PLAIN);
  t.regex(response.errors, /hunter2/);
});

test('showExceptions({ debug: true }) describes a thrown value that is not an Error', async (t) => {
  const { client } = setup({ fail: 'before-start', error: 'just a string' }, { debug: true });
  const response = await client.get('/');
  t.true(response.text().startsWith("'just a string' at GET /\n\nStack:\n'just a string'\n"));
});

const acceptCases: Array<[accept: string | undefined, html: boolean]> = [
  [undefined, false],
  ['', false],
  ['*/*', false],
  ['text/html', true],
  ['text/plain', false],
  ['text/plain;q=0.5, text/html', true],
  ['text/html;q=0.5, text/plain', false],
  ['text/html;q=0', false],
  ['text/*;q=0.9, text/html;q=0.9', true],
  ['TEXT/HTML', true],
  ['text/html;q=abc', false],
];

for (const [accept, html] of acceptCases) {
  test(`prefersHtml(${JSON.stringify(accept)}) is ${html}`, (t) => {
    t.is(prefersHtml(accept), html);
  });
}

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['options that are not an object', 'debug', "showExceptions() options must be an object; got 'debug'."],
  ['an unknown option', { verbose: true }, "showExceptions() got an unknown option 'verbose'. Known options: debug."],
  ['debug that is not a boolean', { debug: 'yes' }, "showExceptions() option debug must be a boolean; got 'yes'."],
];

for (const [label, options, message] of badOptions) {
  test(`showExceptions() rejects ${label} at once`, (t) => {
    t.throws(() => showExceptions(options as ShowExceptionsOptions), { instanceOf: TypeError, message });
  });
}
