/**
 * View decorators that restrict the HTTP methods a view accepts (Django's
 * `django.views.decorators.http`): any other method is answered 405 with an
 * `Allow` header, and logged as `Method Not Allowed (PUT): /x`, before the
 * view runs.
 *
 * @example
 * path('comment/', requirePOST(postComment))
 * path('articles/', requireHttpMethods(['GET', 'POST'])(articles))
 */
import { ImproperlyConfigured } from '../errors.js';
import { describeValue } from '../../protocol/describe-value.js';
import { HttpResponseNotAllowed } from '../http/index.js';
import { logResponse } from '../pipeline/log-response.js';
import type { View } from '../types.js';
import { wrapView } from './wrap-view.js';

const METHOD = /^[A-Z]+$/;

/** Returns a decorator letting only `methods` (upper case, e.g. `['GET', 'POST']`) through. */
export function requireHttpMethods(methods: readonly string[]): <V extends View<any>>(view: V) => V {
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((method) => typeof method === 'string' && METHOD.test(method))) {
    throw new ImproperlyConfigured(
      `requireHttpMethods() expects a non-empty array of upper-case method names such as ['GET', 'POST']; got ${describeValue(methods)}.`,
    );
  }
  const allowed = [...methods];
  const subject = `requireHttpMethods([${allowed.map((method) => `'${method}'`).join(', ')}])`;
  return function requireHttpMethodsDecorator<V extends View<any>>(view: V): V {
    return wrapView(view, subject, (request, kwargs, args) => {
      if (!allowed.includes(request.method)) {
        const response = new HttpResponseNotAllowed(allowed);
        logResponse(request, response, `Method Not Allowed (${request.method})`);
        return response;
      }
      return view(request, kwargs, ...args);
    });
  };
}

/** Only GET. */
export const requireGET = requireHttpMethods(['GET']);
/** Only POST. */
export const requirePOST = requireHttpMethods(['POST']);
/** Only the safe methods GET and HEAD. */
export const requireSafe = requireHttpMethods(['GET', 'HEAD']);
