/**
 * `HttpResponse` with a fixed status, as Django names them: 304, 400, 403,
 * 404, 405 (with `Allow`), 410 and 500. A 304 has no body and no
 * Content-Type (RFC 9110 §15.4.5); setting content on it throws.
 */
import { describeValue } from '../../protocol/describe-value.js';
import { HttpResponse, type HttpResponseOptions, type ResponseContent } from './http-response.js';

/** 304 Not Modified: no content, no Content-Type. */
export class HttpResponseNotModified extends HttpResponse {
  constructor(options: Omit<HttpResponseOptions, 'status'> = {}) {
    super(undefined, options, 304);
    this.headers.delete('Content-Type');
  }

  override get content(): Uint8Array {
    return super.content;
  }

  override set content(value: ResponseContent) {
    if ((typeof value === 'string' || value instanceof Uint8Array) && value.length === 0) {
      super.content = value;
      return;
    }
    throw new TypeError(`You cannot set content to a 304 (Not Modified) response; got ${describeValue(value)}. A 304 has no body.`);
  }
}

/** 400 Bad Request. */
export class HttpResponseBadRequest extends HttpResponse {
  constructor(content?: ResponseContent, options: HttpResponseOptions = {}) {
    super(content, options, 400);
  }
}

/** 403 Forbidden. */
export class HttpResponseForbidden extends HttpResponse {
  constructor(content?: ResponseContent, options: HttpResponseOptions = {}) {
    super(content, options, 403);
  }
}

/** 404 Not Found. */
export class HttpResponseNotFound extends HttpResponse {
  constructor(content?: ResponseContent, options: HttpResponseOptions = {}) {
    super(content, options, 404);
  }
}

/** 405 Method Not Allowed, with `Allow: GET, POST` listing `permittedMethods`. */
export class HttpResponseNotAllowed extends HttpResponse {
  constructor(permittedMethods: Iterable<string>, content?: ResponseContent, options: HttpResponseOptions = {}) {
    super(content, options, 405);
    if (permittedMethods === null || typeof (permittedMethods as Iterable<string>)?.[Symbol.iterator] !== 'function' || typeof permittedMethods === 'string') {
      throw new TypeError(`HttpResponseNotAllowed needs the permitted methods as an array; got ${describeValue(permittedMethods)}. Write e.g. ['GET', 'POST'].`);
    }
    this.headers.set('Allow', [...permittedMethods].join(', '));
  }

  override toString(): string {
    return `<${this.constructor.name} [${this.headers.get('Allow')}] status=${this.status}, "${this.headers.get('Content-Type') ?? ''}">`;
  }
}

/** 410 Gone. */
export class HttpResponseGone extends HttpResponse {
  constructor(content?: ResponseContent, options: HttpResponseOptions = {}) {
    super(content, options, 410);
  }
}

/** 500 Internal Server Error. */
export class HttpResponseServerError extends HttpResponse {
  constructor(content?: ResponseContent, options: HttpResponseOptions = {}) {
    super(content, options, 500);
  }
}
