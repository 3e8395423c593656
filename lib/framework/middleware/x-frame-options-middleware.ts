/**
 * `xFrameOptionsMiddleware()` (Django's `XFrameOptionsMiddleware`): sends
 * `X-Frame-Options: DENY` (or `SAMEORIGIN`) so other sites cannot frame the
 * pages (clickjacking). A response that already has the header keeps it; a
 * view wrapped in `xframeOptionsExempt()` gets none.
 *
 * When not to use it: when a `Content-Security-Policy: frame-ancestors`
 * header already says who may frame the site (it supersedes this header in
 * current browsers), or when a proxy adds it. Put it low in the list: it only
 * touches the response, and views' own headers win.
 *
 * @example
 * xFrameOptionsMiddleware({ value: 'SAMEORIGIN' })
 */
import type { HttpRequest, HttpResponseBase } from '../http/index.js';
import { headerValue } from '../http/header-value.js';
import { afterNext, convertsOwnErrors, nextLayer, type LayerAnswer } from '../pipeline/next-layer.js';
import type { PipelineMiddleware } from '../pipeline/types.js';
import { checkChoice, checkOptionNames } from './check-options.js';
import { isXFrameOptionsExempt } from './x-frame-options-exempt.js';

export interface XFrameOptionsMiddlewareOptions {
  /** The header's value. @default 'DENY' */
  value?: 'DENY' | 'SAMEORIGIN';
}

const SUBJECT = 'xFrameOptionsMiddleware()';

export function xFrameOptionsMiddleware(options: XFrameOptionsMiddlewareOptions = {}): PipelineMiddleware {
  checkOptionNames(SUBJECT, options, ['value']);
  const value = options.value ?? 'DENY';
  checkChoice(SUBJECT, 'value', value, ['DENY', 'SAMEORIGIN']);

  const addHeader = (_request: HttpRequest, response: HttpResponseBase): HttpResponseBase => {
    const list = response.headers.toList();
    if (headerValue(list, 'X-Frame-Options', 'x-frame-options') === undefined && !isXFrameOptionsExempt(response)) {
      // The value was checked above, once: straight into the list.
      list.push(['X-Frame-Options', value]);
    }
    return response;
  };

  return function xFrameOptionsMiddlewareFactory(getResponse) {
    const next = nextLayer(getResponse);
    return convertsOwnErrors(function xFrameOptionsMiddleware(request: HttpRequest): LayerAnswer {
      return afterNext(next, request, next.run(request), addHeader);
    }, next);
  };
}
