/**
 * requestId: gives every request an id — the one the client or a proxy sent
 * in `X-Request-ID` when it is well-formed, otherwise a new UUID — and puts
 * it in the environ (`tsgi.request_id`, read it with `getRequestId()`) and
 * in the response's `X-Request-ID`, so one id ties together the proxy's log,
 * the application's logs (`accessLog`'s JSON lines carry it as `request_id`)
 * and what the user reports.
 *
 * An incoming id is only accepted when it matches `accept` as a whole (by
 * default 1–200 characters of `A–Z a–z 0–9 . _ ~ + / = -`): a value with
 * spaces, quotes or control characters could forge log lines or break log
 * parsers, so it is replaced, not cleaned.
 *
 * When not to use it: if clients are untrusted and ids must be unique (for
 * deduplication, say), an incoming id can be chosen by an attacker — pass
 * `accept: /(?!)/` to always generate. If a proxy in front already assigns
 * ids, keep the default so its id is reused rather than a second one made.
 *
 * Where: outermost, before `accessLog()`, so every other layer sees the id.
 * An `X-Request-ID` the application set itself is kept.
 *
 * @example
 * const app = compose(requestId(), accessLog({ format: 'json' }))(site);
 * // in the app: environ['tsgi.request_id'] or getRequestId(environ)
 */
import { randomUUID } from 'node:crypto';
import { describeValue } from '../lib/protocol/describe-value.js';
import { ProtocolError } from '../lib/protocol/errors.js';
import { isToken } from '../lib/protocol/header-syntax.js';
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';

declare module '../lib/protocol/types.js' {
  interface Environ {
    /** The request's id, set by `requestId()` (SPEC §4.19). */
    'tsgi.request_id'?: string;
  }
}

export interface RequestIdOptions {
  /** The request and response header carrying the id. @default 'X-Request-ID' */
  header?: string;
  /** Makes a new id. It must return a non-empty string of printable ASCII. @default crypto.randomUUID */
  generate?: () => string;
  /** An incoming id is reused when this matches all of it. @default /^[A-Za-z0-9._~+\/=-]{1,200}$/ */
  accept?: RegExp;
}

const OPTION_NAMES = ['header', 'generate', 'accept'];
const DEFAULT_ACCEPT = /^[A-Za-z0-9._~+/=-]{1,200}$/;
const PRINTABLE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** The id `requestId()` gave the request, or `undefined` outside it. */
export function getRequestId(environ: Environ): string | undefined {
  return environ['tsgi.request_id'];
}

/** Reuses a well-formed incoming request id or makes one; adds it to the environ and the response. */
export function requestId(options: RequestIdOptions = {}): Middleware {
  checkOptions(options);
  const { header = 'X-Request-ID', generate = randomUUID, accept = DEFAULT_ACCEPT } = options;
  const environKey = `HTTP_${header.toUpperCase().replaceAll('-', '_')}`;
  const lowerHeader = header.toLowerCase();

  return function requestIdMiddleware(app: Application): Application {
    return function identified(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      const incoming = environ[environKey];
      let id: string;
      if (typeof incoming === 'string' && PRINTABLE.test(incoming) && accept.exec(incoming)?.[0] === incoming) {
        id = incoming;
      } else {
        id = generate();
        if (typeof id !== 'string' || !PRINTABLE.test(id)) {
          throw new ProtocolError(
            `requestId() option generate returned ${describeValue(id)}; it must return a non-empty string of printable ASCII, without spaces at either end.`,
          );
        }
      }
      environ['tsgi.request_id'] = id;
      return app(environ, (status, headers, excInfo) => {
        // A new array: the application's is not changed (SPEC §6.4).
        const withId = headers.some(([name]) => name.toLowerCase() === lowerHeader) ? headers : [...headers, [header, id] as [string, string]];
        return startResponse(status, withId, excInfo);
      });
    };
  };
}

function checkOptions(options: RequestIdOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`requestId() options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new TypeError(`requestId() got an unknown option '${name}'. Known options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const { header, generate, accept } = options;
  if (header !== undefined && (typeof header !== 'string' || !isToken(header))) {
    throw new TypeError(`requestId() option header must be a header name (an RFC 9110 token); got ${describeValue(header)}.`);
  }
  if (header !== undefined && header.includes('_')) {
    throw new TypeError(`requestId() option header ${describeValue(header)} contains '_'; servers drop such request headers (SPEC §4.10). Use '-'.`);
  }
  if (generate !== undefined && typeof generate !== 'function') {
    throw new TypeError(`requestId() option generate must be a function returning a new id; got ${describeValue(generate)}.`);
  }
  if (accept !== undefined && !(accept instanceof RegExp)) {
    throw new TypeError(`requestId() option accept must be a RegExp matching a whole acceptable id; got ${describeValue(accept)}.`);
  }
  if (accept !== undefined && (accept.global || accept.sticky)) {
    throw new TypeError(`requestId() option accept ${String(accept)} has the g or y flag, which makes matches depend on the previous one. Remove the flag.`);
  }
}
