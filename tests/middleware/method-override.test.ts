import test from 'ava';
import { methodOverride, originalMethod, type MethodOverrideOptions } from '../../middleware/method-override.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp } from '../../lib/testing/recording-app.js';

function setup(options?: MethodOverrideOptions) {
  const recorder = recordingApp();
  const client = new Client(recorder, { middleware: methodOverride(options) });
  return { recorder, client };
}

test('methodOverride() turns a POST with X-HTTP-Method-Override into the allowed method', async (t) => {
  const { recorder, client } = setup();
  const response = await client.post('/items/1', { headers: { 'X-HTTP-Method-Override': 'delete' }, body: 'x' });
  t.is(response.status, 200);
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'DELETE');
  t.is(recorder.lastEnviron?.['tsgi.original_method'], 'POST');
  t.is(originalMethod(recorder.lastEnviron!), 'POST');
  t.is(recorder.lastCall?.input.toString(), 'x');
  t.true(recorder.lastCall?.closed);
});

test('methodOverride() ignores a method outside the allow-list', async (t) => {
  const { recorder, client } = setup();
  for (const method of ['GET', 'CONNECT', 'TRACE', 'bogus method']) {
    await client.post('/x', { headers: { 'X-HTTP-Method-Override': method } });
    t.is(recorder.lastEnviron?.REQUEST_METHOD, 'POST', method);
    t.is(recorder.lastEnviron?.['tsgi.original_method'], undefined);
    t.is(originalMethod(recorder.lastEnviron!), 'POST');
  }
});

test('methodOverride() only overrides POST', async (t) => {
  const { recorder, client } = setup();
  await client.get('/x', { headers: { 'X-HTTP-Method-Override': 'DELETE' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'GET');
  await client.put('/x', { form: { _method: 'DELETE' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'PUT');
});

test('methodOverride() reads _method from a urlencoded form and replays the body to the app', async (t) => {
  const { recorder, client } = setup();
  await client.post('/items/1', { form: { title: 'a b', _method: 'PATCH' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'PATCH');
  t.is(recorder.lastCall?.input.toString(), 'title=a+b&_method=PATCH');
  t.is(recorder.lastEnviron?.CONTENT_LENGTH, '23');
});

test('methodOverride() prefers the header to the form field', async (t) => {
  const { recorder, client } = setup();
  await client.post('/x', { form: { _method: 'PATCH' }, headers: { 'X-HTTP-Method-Override': 'PUT' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'PUT');
});

test('methodOverride() does not read bodies of other content types, nor when the header decides', async (t) => {
  const recorder = recordingApp({ readInput: false });
  const client = new Client(recorder, { middleware: methodOverride() });
  const other = await client.post('/x', { body: '_method=DELETE', headers: { 'Content-Type': 'text/plain', Expect: '100-continue' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'POST');
  t.false(other.continueSent, 'nobody read the body');
  const headed = await client.post('/x', { form: { _method: 'PATCH' }, headers: { 'X-HTTP-Method-Override': 'PUT', Expect: '100-continue' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'PUT');
  t.false(headed.continueSent, 'nobody read the body');
  const form = await client.post('/x', { form: { _method: 'PATCH' }, headers: { Expect: '100-continue' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'PATCH');
  t.true(form.continueSent, 'the middleware read the form');
});

test('methodOverride() gives a chunked form a CONTENT_LENGTH once it has read it whole', async (t) => {
  const { recorder, client } = setup();
  const body = [Buffer.from('_method=DEL'), Buffer.from('ETE&x=1')];
  await client.post('/x', { bodyChunks: body, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'DELETE');
  t.is(recorder.lastEnviron?.CONTENT_LENGTH, '18');
  t.is(recorder.lastEnviron?.['tsgi.input_terminated'], undefined);
  t.is(recorder.lastCall?.input.toString(), '_method=DELETE&x=1');
});

test('methodOverride() does not search a form over formLimit, and still replays all of it', async (t) => {
  const { recorder, client } = setup({ formLimit: 16 });
  const form = `_method=DELETE&pad=${'x'.repeat(100)}`;
  const chunked = [Buffer.from(form.slice(0, 10)), Buffer.from(form.slice(10))];
  await client.post('/x', { bodyChunks: chunked, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'POST');
  t.is(recorder.lastCall?.input.toString(), form);
  t.true(recorder.lastEnviron?.['tsgi.input_terminated']);
  await client.post('/x', { body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'POST');
  t.is(recorder.lastCall?.input.toString(), form);
});

test('methodOverride({ formField: null }) never reads the body; { header: null } ignores the header', async (t) => {
  const noForm = setup({ formField: null });
  await noForm.client.post('/x', { form: { _method: 'DELETE' } });
  t.is(noForm.recorder.lastEnviron?.REQUEST_METHOD, 'POST');
  const noHeader = setup({ header: null });
  await noHeader.client.post('/x', { headers: { 'X-HTTP-Method-Override': 'DELETE' } });
  t.is(noHeader.recorder.lastEnviron?.REQUEST_METHOD, 'POST');
});

test('methodOverride({ header, allow }) uses another header and list', async (t) => {
  const { recorder, client } = setup({ header: 'X-Method', allow: ['purge'] });
  await client.post('/x', { headers: { 'X-Method': 'Purge' } });
  t.is(recorder.lastEnviron?.REQUEST_METHOD, 'PURGE');
});

test('methodOverride() passes a streamed response through chunk by chunk', async (t) => {
  const recorder = recordingApp({ stream: true, body: ['a', 'b'] });
  const client = new Client(recorder, { middleware: methodOverride() });
  const seen: string[] = [];
  await client.post('/x', { form: { _method: 'PUT' }, onBodyChunk: (chunk) => void seen.push(Buffer.from(chunk).toString()) });
  t.deepEqual(seen, ['a', 'b']);
  t.true(recorder.lastCall?.closed);
});

const badOptions: Array<[label: string, options: unknown, message: string]> = [
  ['options not an object', 'x', "methodOverride() options must be an object; got 'x'."],
  ['unknown option', { methods: [] }, "methodOverride() got an unknown option 'methods'. Known options: allow, header, formField, formLimit."],
  ['allow not an array', { allow: 'PUT' }, "methodOverride() option allow must be an array of method names such as 'DELETE'; got 'PUT'."],
  ['allow with GET', { allow: ['PUT', 'get'] }, "methodOverride() option allow lists 'get'; a POST must not become a safe method that carries its body. Remove it."],
  ['header with _', { header: 'X_Method' }, "methodOverride() option header must be a header name without '_' (or null); got 'X_Method'."],
  ['empty formField', { formField: '' }, "methodOverride() option formField must be a non-empty string (or null); got ''."],
  ['bad formLimit', { formLimit: 1.5 }, 'methodOverride() option formLimit must be a whole number of bytes >= 0; got 1.5.'],
];

for (const [label, options, message] of badOptions) {
  test(`methodOverride() rejects bad options at once: ${label}`, (t) => {
    t.throws(() => methodOverride(options as MethodOverrideOptions), { instanceOf: ImproperlyConfigured, message });
  });
}
