/**
 * Validation on both sides of a middleware (STYLE.md "The spec is
 * executable"): the outer `validate()` checks the middleware as an
 * application, the inner one checks it as a server to the app below.
 */
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import type { Application, Middleware } from '../protocol/types.js';
import { validate } from '../validate/index.js';

/**
 * `validate(middleware(validate(app)))`. With the test client, prefer
 * `new Client(app, { middleware })`, which builds the same stack.
 */
export function validateBothSides(middleware: Middleware, app: Application): Application {
  if (typeof middleware !== 'function') {
    throw new ImproperlyConfigured(`validateBothSides() middleware must be a function (app) => app; got ${describeValue(middleware)}.`);
  }
  if (typeof app !== 'function') {
    throw new ImproperlyConfigured(`validateBothSides() app must be an application (a function); got ${describeValue(app)}.`);
  }
  const wrapped = middleware(validate(app));
  if (typeof wrapped !== 'function') {
    throw new ImproperlyConfigured(
      `validateBothSides() middleware ${middleware.name || '(anonymous)'} must return an application; got ${describeValue(wrapped)}.`,
    );
  }
  return validate(wrapped);
}
