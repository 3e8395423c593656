import test from 'ava';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import type { Application, Middleware } from '../../lib/protocol/types.js';
import { Client } from '../../lib/testing/client.js';
import { recordingApp } from '../../lib/testing/recording-app.js';
import { validateBothSides } from '../../lib/testing/validate-both-sides.js';

const passThrough: Middleware = (app) => function passThroughApp(environ, startResponse) {
  return app(environ, startResponse);
};

test('validateBothSides(mw, app) serves through the middleware', async (t) => {
  const recorder = recordingApp({ body: ['ok'] });
  const response = await new Client(validateBothSides(passThrough, recorder), { validate: false }).get('/');
  t.is(response.text(), 'ok');
  t.is(recorder.lastCall?.closeCount, 1);
});

test('validateBothSides(mw, app) catches a middleware that breaks the protocol below it', async (t) => {
  const stringChunks: Middleware = (app) => (environ, startResponse) => {
    // Calls the app with a startResponse that drops the headers it was given.
    return app(environ, (status) => startResponse(status, []));
  };
  const response = await new Client(validateBothSides(stringChunks, recordingApp()), { validate: false }).get('/');
  t.is(response.status, 500);
  t.regex(response.errors, /ProtocolError: validate: startResponse\(\) headers of a 200 response must include Content-Type/);
});

const misuse: Array<[label: string, run: () => unknown, message: string]> = [
  ['a middleware that is not a function', () => validateBothSides(null as unknown as Middleware, recordingApp()), 'validateBothSides() middleware must be a function (app) => app; got null.'],
  ['an app that is not a function', () => validateBothSides(passThrough, {} as Application), 'validateBothSides() app must be an application (a function); got an object.'],
  ['a middleware returning no app', () => validateBothSides(function broken() { return 5 as unknown as Application; }, recordingApp()), 'validateBothSides() middleware broken must return an application; got 5.'],
];
for (const [label, run, message] of misuse) {
  test(`validateBothSides() rejects ${label}`, (t) => {
    t.throws(run, { instanceOf: ImproperlyConfigured, message });
  });
}
