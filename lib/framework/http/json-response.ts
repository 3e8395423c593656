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

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export class JsonResponse extends HttpResponse {
  constructor(data: unknown, options: JsonResponseOptions = {}) {
    const { safe = true, replacer, space, ...responseOptions } = options;
    if (safe && !isPlainObject(data)) {
      throw new TypeError(
        `JsonResponse got ${describeValue(data)}: in order to allow non-object values to be serialized set the safe option to false.`,
      );
    }
    const json = JSON.stringify(data, replacer, space);
    if (json === undefined) {
      throw new TypeError(`JsonResponse cannot serialize ${describeValue(data)} as JSON. Send null or a JSON value instead.`);
    }
    if (responseOptions.contentType === undefined && !hasContentType(responseOptions.headers)) {
      responseOptions.contentType = 'application/json';
    }
    super(json, responseOptions);
  }
}

function hasContentType(headers: HttpResponseOptions['headers']): boolean {
  if (headers === undefined) return false;
  const names = typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function'
    ? [...(headers as Iterable<readonly [string, string]>)].map(([name]) => name)
    : Object.keys(headers);
  return names.some((name) => name.toLowerCase() === 'content-type');
}
