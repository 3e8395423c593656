/**
 * `methodOverride()` lets HTML forms and clients limited to GET/POST send
 * other methods: a `POST` with `X-HTTP-Method-Override: DELETE`, or an
 * `application/x-www-form-urlencoded` form with a `_method=DELETE` field,
 * reaches the application as `REQUEST_METHOD` `DELETE` (Rack's
 * `MethodOverride`). The original method is kept in
 * `environ['tsgi.original_method']` (read it with `originalMethod(environ)`).
 *
 * Only `POST` is overridden, and only to a method in `allow`; any other
 * requested method is ignored (the request stays a `POST`), not refused.
 * The header wins over the form field. Method names are matched
 * case-insensitively and passed on upper-cased.
 *
 * The form field costs a read: the middleware reads the body of a
 * urlencoded `POST` without the header — at most `formLimit` bytes; a larger
 * body is not searched — and gives the application a new `tsgi.input` that
 * replays the same bytes, then the rest. A chunked body read whole gets a
 * `CONTENT_LENGTH` and loses `tsgi.input_terminated`.
 *
 * When not to use it: for APIs whose clients can send any method (override
 * headers let a request slip past filters that look at the method, such as
 * a proxy's or a WAF's); never allow `GET`/`HEAD` (a form could then
 * trigger a safe-looking request with a body). CSRF protection must treat
 * the overridden method as unsafe, which it is by default (it only allows
 * PUT, PATCH and DELETE).
 *
 * Put it above routing and anything that looks at the method (CSRF checks,
 * method-based auth), below `bodyLimit()`.
 *
 * @example
 * const app = compose(bodyLimit({ limit: 1_000_000 }), methodOverride())(site);
 * // <form method="post"><input type="hidden" name="_method" value="DELETE">…
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../lib/protocol/errors.js';
import { isToken } from '../lib/protocol/header-syntax.js';
import { createInputStream } from '../lib/protocol/input-stream.js';
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';

export interface MethodOverrideOptions {
  /** The methods a `POST` may become (matched case-insensitively). @default ['PUT', 'PATCH', 'DELETE'] */
  allow?: readonly string[];
  /** The request header naming the method; `null` to ignore headers. @default 'X-HTTP-Method-Override' */
  header?: string | null;
  /** The urlencoded form field naming the method; `null` to never read the body. @default '_method' */
  formField?: string | null;
  /** The most body bytes read to look for the form field. @default 65536 */
  formLimit?: number;
}

declare module '../lib/protocol/types.js' {
  interface Environ {
    /** Set by `methodOverride()` when it changed `REQUEST_METHOD`: the method the client sent. */
    'tsgi.original_method'?: string;
  }
}

const OPTION_NAMES = ['allow', 'header', 'formField', 'formLimit'];
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const BLOCK = 64 * 1024;

/** The method the client sent, when `methodOverride()` changed it; else `REQUEST_METHOD`. */
export function originalMethod(environ: Environ): string {
  return environ['tsgi.original_method'] ?? environ.REQUEST_METHOD;
}

/** Turns `POST` into an allowed method named by a header or a form field. */
export function methodOverride(options: MethodOverrideOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new ImproperlyConfigured(`methodOverride() options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new ImproperlyConfigured(`methodOverride() got an unknown option '${name}'. Known options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const { allow = ['PUT', 'PATCH', 'DELETE'], header = 'X-HTTP-Method-Override', formField = '_method', formLimit = 64 * 1024 } = options;
  if (!Array.isArray(allow) || !allow.every((method: unknown) => typeof method === 'string' && isToken(method))) {
    throw new ImproperlyConfigured(`methodOverride() option allow must be an array of method names such as 'DELETE'; got ${describeValue(allow)}.`);
  }
  const unsafe = allow.find((method) => ['GET', 'HEAD'].includes(method.toUpperCase()));
  if (unsafe !== undefined) {
    throw new ImproperlyConfigured(
      `methodOverride() option allow lists '${unsafe}'; a POST must not become a safe method that carries its body. Remove it.`,
    );
  }
  // The gateway drops header names with '_' (SPEC §4.10), so such a header could never arrive.
  if (header !== null && (typeof header !== 'string' || !isToken(header) || header.includes('_'))) {
    throw new ImproperlyConfigured(
      `methodOverride() option header must be a header name without '_' (or null); got ${describeValue(header)}.`,
    );
  }
  if (formField !== null && (typeof formField !== 'string' || formField === '')) {
    throw new ImproperlyConfigured(`methodOverride() option formField must be a non-empty string (or null); got ${describeValue(formField)}.`);
  }
  if (!(Number.isSafeInteger(formLimit) && formLimit >= 0)) {
    throw new ImproperlyConfigured(`methodOverride() option formLimit must be a whole number of bytes >= 0; got ${describeValue(formLimit)}.`);
  }
  const allowed = new Set(allow.map((method) => method.toUpperCase()));
  const headerKey = header === null ? undefined : `HTTP_${header.toUpperCase().replaceAll('-', '_')}`;

  return function methodOverrideMiddleware(app: Application): Application {
    return async function methodOverrideApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      if (environ.REQUEST_METHOD !== 'POST') return app(environ, startResponse);
      let requested = headerKey === undefined ? undefined : environ[headerKey];
      if ((typeof requested !== 'string' || requested === '') && formField !== null && FORM_TYPE.test(environ.CONTENT_TYPE ?? '')) {
        requested = await readFormField(environ, formField, formLimit);
      }
      const method = typeof requested === 'string' ? requested.trim().toUpperCase() : undefined;
      if (method !== undefined && allowed.has(method)) {
        environ['tsgi.original_method'] = environ.REQUEST_METHOD;
        environ.REQUEST_METHOD = method;
      }
      return app(environ, startResponse);
    };
  };
}

/**
 * The form field's value from a urlencoded body of at most `limit` bytes,
 * replacing `tsgi.input` with one that replays what was read. A declared
 * length over the limit is not read at all.
 */
async function readFormField(environ: Environ, field: string, limit: number): Promise<string | undefined> {
  const declared = environ.CONTENT_LENGTH === undefined ? undefined : Number(environ.CONTENT_LENGTH);
  if (declared !== undefined && declared > limit) return undefined;
  const input = environ['tsgi.input'];
  const parts: Uint8Array[] = [];
  let total = 0;
  // One byte past the limit tells a body that is too large from one that fits exactly.
  while (total <= limit) {
    const chunk = await input.read(Math.min(BLOCK, limit + 1 - total));
    if (chunk.length === 0) break;
    parts.push(chunk);
    total += chunk.length;
  }
  const bytes = Buffer.concat(parts);
  const complete = total <= limit;
  const contentLength = declared ?? (complete ? bytes.length : undefined);
  environ['tsgi.input'] = createInputStream(replay(bytes, complete ? undefined : input), {
    ...(contentLength !== undefined && { contentLength }),
  });
  if (!complete) return undefined;
  if (declared === undefined) {
    // The whole chunked body is in memory now: it has a length (SPEC §4.18, §9.5).
    environ.CONTENT_LENGTH = String(bytes.length);
    delete environ['tsgi.input_terminated'];
  }
  // latin-1 keeps every byte; a method name is ASCII anyway.
  return new URLSearchParams(bytes.toString('latin1')).get(field) ?? undefined;
}

/** The bytes already read, then whatever `rest` still holds. */
async function* replay(bytes: Uint8Array, rest: Environ['tsgi.input'] | undefined): AsyncGenerator<Uint8Array> {
  if (bytes.length > 0) yield bytes;
  if (rest === undefined) return;
  for (;;) {
    const chunk = await rest.read(BLOCK);
    if (chunk.length === 0) return;
    yield chunk;
  }
}
