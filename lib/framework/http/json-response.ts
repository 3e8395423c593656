/**
 * `JsonResponse`: data serialised as JSON, `Content-Type:
 * application/json` (Django's `JsonResponse`). By default only a plain
 * object is accepted (`safe`), because a top-level array was once a JSON
 * hijacking risk and an accidental `undefined` or class instance is almost
 * always a bug; pass `safe: false` to send any JSON value.
 *
 * @example
 * return new JsonResponse({ id: 7, tags: ['a'] });
 * return new JsonResponse([1, 2, 3], { safe: false });
 */
import { describeValue } from '../../protocol/describe-value.js';
import { HttpResponse, type HttpResponseOptions } from './http-response.js';

export interface JsonResponseOptions extends HttpResponseOptions {
  /** Only accept a plain object. @default true */
  safe?: boolean;
  /** Passed to `JSON.stringify()` (Django's `encoder`). */
  replacer?: (this: unknown, key: string, value: unknown) => unknown;
  /** Passed to `JSON.stringify()` (Django's `json_dumps_params`). */
  space?: string | number;
}

/** The response options of `new JsonResponse(data)`, the common case. */
const JSON_CONTENT: HttpResponseOptions = Object.freeze({ contentType: 'application/json' });

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export class JsonResponse extends HttpResponse {
  constructor(data: unknown, options?: JsonResponseOptions) {
    const safe = options === undefined || options.safe === undefined ? true : options.safe;
    if (safe && !isPlainObject(data)) {
      throw new TypeError(
        `JsonResponse got ${describeValue(data)}: in order to allow non-object values to be serialized set the safe option to false.`,
      );
    }
    const json = options === undefined ? JSON.stringify(data) : JSON.stringify(data, options.replacer, options.space);
    if (json === undefined) {
      throw new TypeError(`JsonResponse cannot serialize ${describeValue(data)} as JSON. Send null or a JSON value instead.`);
    }
    super(json, options === undefined ? JSON_CONTENT : responseOptions(options));
  }
}

/** The HttpResponse options among `options`, with `application/json` unless a Content-Type is given. */
function responseOptions(options: JsonResponseOptions): HttpResponseOptions {
  const { safe: _safe, replacer: _replacer, space: _space, ...rest } = options;
  if (rest.contentType === undefined && !hasContentType(rest.headers)) rest.contentType = 'application/json';
  return rest;
}

function hasContentType(headers: HttpResponseOptions['headers']): boolean {
  if (headers === undefined) return false;
  const names = typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function'
    ? [...(headers as Iterable<readonly [string, string]>)].map(([name]) => name)
    : Object.keys(headers);
  return names.some((name) => name.toLowerCase() === 'content-type');
}
