/**
 * Redirect responses (Django's `HttpResponseRedirectBase`):
 * `HttpResponseRedirect` (302, or 307 with `preserveRequest`) and
 * `HttpResponsePermanentRedirect` (301, or 308). The URL goes in
 * `Location`, IRI characters percent-encoded. Only http, https and ftp URLs
 * — or relative and scheme-relative ones — are allowed: a
 * `javascript:` or `data:` URL taken from user input would run in the
 * victim's browser, so it is refused with `DisallowedRedirect`.
 *
 * @example
 * return new HttpResponseRedirect(request.reverse('blog:detail', { kwargs: { id } }));
 */
import { DisallowedRedirect } from '../errors.js';
import { describeValue } from '../../protocol/describe-value.js';
import { HttpResponse, type HttpResponseOptions } from './http-response.js';
import { iriToUri, urlScheme } from './uri-encoding.js';

export interface RedirectOptions extends HttpResponseOptions {
  /** Keep the method and body: 307/308 instead of 302/301 (Django 5.2's `preserve_request`). @default false */
  preserveRequest?: boolean;
}

const ALLOWED_SCHEMES = ['http', 'https', 'ftp'];

export abstract class HttpResponseRedirectBase extends HttpResponse {
  constructor(url: string, options: RedirectOptions, status: number) {
    const { preserveRequest = false, ...responseOptions } = options;
    super(undefined, responseOptions, status);
    if (typeof url !== 'string') {
      throw new TypeError(`${this.constructor.name} url must be a string; got ${describeValue(url)}.`);
    }
    const scheme = urlScheme(url);
    if (scheme !== '' && !ALLOWED_SCHEMES.includes(scheme)) {
      throw new DisallowedRedirect(`Unsafe redirect to URL with protocol '${scheme}'. Redirect to an http, https or ftp URL, or a relative one.`);
    }
    this.headers.set('Location', iriToUri(url));
    if (preserveRequest) this.status = status === 301 ? 308 : 307;
  }

  /** The Location the response redirects to. */
  get url(): string {
    return this.headers.get('Location') ?? '';
  }

  override toString(): string {
    return `<${this.constructor.name} status=${this.status}, "${this.headers.get('Content-Type') ?? ''}", url="${this.url}">`;
  }
}

/** 302 Found (307 with `preserveRequest`). */
export class HttpResponseRedirect extends HttpResponseRedirectBase {
  constructor(url: string, options: RedirectOptions = {}) {
    super(url, options, 302);
  }
}

/** 301 Moved Permanently (308 with `preserveRequest`). */
export class HttpResponsePermanentRedirect extends HttpResponseRedirectBase {
  constructor(url: string, options: RedirectOptions = {}) {
    super(url, options, 301);
  }
}
