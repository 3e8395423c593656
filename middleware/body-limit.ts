/**
 * `bodyLimit({ limit })` refuses request bodies larger than `limit` bytes
 * with `413 Content Too Large` (RFC 9110 §15.5.14), so an upload cannot fill
 * memory or disk.
 *
 * A request that declares a `Content-Length` above the limit is answered at
 * once and the application is not called (with `Expect: 100-continue` the
 * client is spared from sending the body at all, SPEC §9.10). A chunked
 * request (no `CONTENT_LENGTH`, `tsgi.input_terminated`) cannot be judged
 * in advance: its `tsgi.input` is wrapped, and a read that would take the
 * body past the limit rejects with `RequestBodyTooLarge` (as does every
 * read after it). An application may catch it; if it lets it propagate —
 * thrown, or from its body — before any response byte was sent, the
 * middleware answers 413 instead (using `excInfo` when the application had
 * called `startResponse`). Afterwards the gateway aborts, as for any error.
 * The wrapped input never holds more than the limit plus one 64 KiB block.
 *
 * When not to use it: as the only defence against slow uploads (it counts
 * bytes, not time: see `timeout()`), or when a proxy in front already
 * enforces the limit (nginx `client_max_body_size`). Requests with a
 * declared length within the limit pass through untouched.
 *
 * Put it near the top of the stack, above anything that reads the body.
 *
 * @example
 * const app = compose(accessLog(), bodyLimit({ limit: 10 * 1024 * 1024 }))(uploads);
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured, TsgiError } from '../lib/protocol/errors.js';
import type { Application, Body, Environ, HeaderList, Middleware, StartResponse } from '../lib/protocol/types.js';
import { LimitedInput } from './_internal/body-limit-input.js';

export interface BodyLimitOptions {
  /** The largest request body accepted, in bytes. @default 1048576 (1 MiB) */
  limit?: number;
}

/** Rejected by `tsgi.input` reads once a chunked request body grows past the limit of `bodyLimit()`. */
export class RequestBodyTooLarge extends TsgiError {
  override name = 'RequestBodyTooLarge';
  constructor(readonly limit: number) {
    super(
      `The request body is larger than the limit of ${limit} bytes set by bodyLimit(). ` +
        'Stop reading it; let this error propagate and bodyLimit() answers 413 Content Too Large.',
    );
  }
}

const STATUS = '413 Content Too Large';

/** Answers 413 to request bodies over `limit` bytes. */
export function bodyLimit(options: BodyLimitOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new ImproperlyConfigured(`bodyLimit() options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (name !== 'limit') throw new ImproperlyConfigured(`bodyLimit() got an unknown option '${name}'. Known options: limit.`);
  }
  const { limit = 1024 * 1024 } = options;
  if (!(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new ImproperlyConfigured(`bodyLimit() option limit must be a whole number of bytes >= 0; got ${describeValue(limit)}.`);
  }
  const refusal = (): { headers: HeaderList; body: Uint8Array[] } => ({
    headers: [['Content-Type', 'text/plain; charset=utf-8']],
    body: [Buffer.from(`Request body too large: the limit is ${limit} bytes.\n`)],
  });

  return function bodyLimitMiddleware(app: Application): Application {
    return async function bodyLimitApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      if (environ.CONTENT_LENGTH !== undefined) {
        if (Number(environ.CONTENT_LENGTH) <= limit) return app(environ, startResponse);
        const { headers, body } = refusal();
        startResponse(STATUS, headers);
        return body;
      }
      // Neither a length nor chunked: the body is empty (SPEC §9.5).
      if (environ['tsgi.input_terminated'] !== true) return app(environ, startResponse);
      const input = new LimitedInput(environ['tsgi.input'], limit, () => new RequestBodyTooLarge(limit));
      environ['tsgi.input'] = input;
      const isOurs = (error: unknown): boolean => error !== undefined && error === input.failure;
      let started = false;
      let sent = false;
      const guardedStartResponse: StartResponse = (status, headers, excInfo) => {
        started = true;
        const write = startResponse(status, headers, excInfo);
        return (chunk) => {
          if (chunk.length > 0) sent = true;
          return write(chunk);
        };
      };
      /** The 413 in place of the application's response, or the error again when bytes are out. */
      const refuse = (error: unknown): Uint8Array[] => {
        if (!isOurs(error) || sent) throw error;
        const { headers, body } = refusal();
        // With excInfo the pending status and headers are replaced (SPEC §6.12).
        if (started) startResponse(STATUS, headers, error);
        else startResponse(STATUS, headers);
        started = true;
        return body;
      };

      let body: Body;
      try {
        body = await app(environ, guardedStartResponse);
      } catch (error) {
        return refuse(error);
      }
      // An array is already complete: nothing can fail while it is sent.
      if (Array.isArray(body)) return body;
      const guarded = (async function* (): AsyncGenerator<Uint8Array> {
        try {
          for await (const chunk of body as AsyncIterable<Uint8Array>) {
            if (chunk.length > 0) sent = true;
            yield chunk;
          }
        } catch (error) {
          yield* refuse(error);
        }
      })();
      let closed = false;
      return Object.assign(guarded, {
        close: (): unknown => {
          if (closed) return undefined;
          closed = true;
          return body.close?.();
        },
      });
    };
  };
}
