/**
 * `compose(a, b, c)` stacks middleware into one: applied to an app it gives
 * `a(b(c(app)))`, so the first listed is the outermost and sees the request
 * first, as in Django's MIDDLEWARE setting and koa-compose.
 *
 * The nesting happens once, when the composed middleware is applied to an
 * application, so a request pays nothing for composition: the result is
 * exactly the application the middleware built by hand would be.
 *
 * @example
 * const app = compose(logRequests(), gzip(), auth({ realm: 'admin' }))(site);
 */
import { describeValue } from './describe-value.js';
import { ImproperlyConfigured } from './errors.js';
import type { Application, Middleware } from './types.js';

function nameOf(middleware: Middleware): string {
  return middleware.name || 'an anonymous middleware';
}

/** One middleware made of several; `compose()` with none is the identity. */
export function compose(...middleware: Middleware[]): Middleware {
  // Checked now, not on the first request (STYLE.md: check configuration at construction).
  middleware.forEach((layer, index) => {
    if (typeof layer !== 'function') {
      throw new TypeError(
        `compose() expects functions; argument ${index + 1} is ${describeValue(layer)}. Pass middleware, e.g. compose(gzip(), auth()), not its options or result.`,
      );
    }
  });
  const layers = [...middleware];
  const composed: Middleware = (app: Application): Application => {
    if (typeof app !== 'function') {
      throw new TypeError(
        `${composed.name} expects an application function; got ${describeValue(app)}. Call it as compose(...)(app).`,
      );
    }
    let wrapped = app;
    for (let index = layers.length - 1; index >= 0; index--) {
      const layer = layers[index]!;
      const next: unknown = layer(wrapped);
      if (typeof next !== 'function') {
        throw new ImproperlyConfigured(
          `Middleware ${nameOf(layer)} (argument ${index + 1} of compose()) returned ${describeValue(next)} instead of an application. ` +
            `A middleware must return a function (environ, startResponse) => body.`,
        );
      }
      wrapped = next as Application;
    }
    return wrapped;
  };
  Object.defineProperty(composed, 'name', {
    value: `compose(${layers.map((layer) => layer.name || 'anonymous').join(', ')})`,
  });
  return composed;
}
