/**
 * The one way the view decorators (`requireHttpMethods`, `noAppendSlash`,
 * `xframeOptionsExempt`) wrap a view: a new function with the view's name
 * and own properties (`viewClass`, `shouldAppendSlash` …), so decorators
 * stack and messages still name the original view (Python's
 * `functools.wraps`). The original function is never changed.
 */
import { describeValue } from '../../protocol/describe-value.js';
import type { HttpRequest } from '../http/index.js';
import type { Kwargs, View, ViewResult } from '../types.js';

/** Returns `body` dressed as `view`; `subject` names the decorator in the error for a non-function. */
export function wrapView<V extends View<any>>(
  view: V,
  subject: string,
  body: (request: HttpRequest, kwargs: Kwargs, args: string[]) => ViewResult,
): V {
  if (typeof view !== 'function') {
    throw new TypeError(`${subject} expects a view function (request, kwargs, ...args) => response; got ${describeValue(view)}.`);
  }
  const wrapped = function (request: HttpRequest, kwargs: Kwargs, ...args: string[]): ViewResult {
    return body(request, kwargs, args);
  };
  for (const key of Object.keys(view)) {
    (wrapped as unknown as Record<string, unknown>)[key] = (view as unknown as Record<string, unknown>)[key];
  }
  Object.defineProperty(wrapped, 'name', { value: view.name, configurable: true });
  return wrapped as unknown as V;
}
