/**
 * `conditionalGet()` answers conditional requests from the validators the
 * application's response carries (`ETag`, `Last-Modified`), like
 * Rack::ConditionalGet, evaluated in RFC 9110 §13.2.2 order:
 *
 * 1. `If-Match` (strong comparison) fails -> `412 Precondition Failed`;
 *    else `If-Unmodified-Since` fails -> 412.
 * 2. `If-None-Match` (weak comparison) matches -> `304 Not Modified` for
 *    GET/HEAD, 412 for other methods; else, for GET/HEAD only,
 *    `If-Modified-Since` not older than `Last-Modified` -> 304.
 *
 * Only 2xx responses are considered. A 304 keeps `Cache-Control`,
 * `Content-Location`, `Date`, `ETag`, `Expires`, `Vary` (RFC 9110 §15.4.5),
 * `Last-Modified` and `Set-Cookie`, and has no body; a 412 has a short text
 * body. The application's body is then not iterated (only up to its
 * `startResponse` call, for a generator that calls it there) and is closed;
 * data it passes to `write()` is dropped.
 *
 * Why: revalidation saves the bytes of the response; with `etag()` below it,
 * any in-memory page gets it.
 *
 * When not to use it: it saves bandwidth, not work — the application still
 * renders the page. An application that can check freshness before rendering
 * should answer 304 itself. Unsafe requests are not protected from lost
 * updates unless the application sends validators on their responses too.
 *
 * Where: above `etag()` and anything that sets validators, below compress
 * (whose weakened `W/` tags still match, by weak comparison).
 *
 * @example
 * const app = compose(conditionalGet(), etag())(site);
 */
import { Buffer } from 'node:buffer';
import { Headers } from '../lib/protocol/headers.js';
import type { Application, Body, Environ, HeaderList, Middleware, StartResponse } from '../lib/protocol/types.js';
import { evaluatePreconditions, hasPreconditions, KEPT_ON_304, parseHttpDate } from './_internal/conditional-get-validators.js';
import { asAsync, closingBody } from './_internal/head-body.js';
import { checkOptionNames } from './_internal/head-check-options.js';

/** conditionalGet() has no settings yet; the interface is there for the shape every middleware shares. */
export interface ConditionalGetOptions {}

const OPTION_NAMES: string[] = [];
const EMPTY = new Uint8Array(0);
const PRECONDITION_FAILED = Buffer.from('Precondition Failed\n');

/** Answers If-None-Match / If-Modified-Since with 304 and If-Match / If-Unmodified-Since with 412. */
export function conditionalGet(options?: ConditionalGetOptions): Middleware {
  checkOptionNames('conditionalGet()', options, OPTION_NAMES);

  return function conditionalGetMiddleware(app: Application): Application {
    return async function conditionalGetApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      if (!hasPreconditions(environ)) return app(environ, startResponse);
      // Set while the current response is replaced by ours; recomputed on every call (SPEC §12.6).
      let replacement: Uint8Array[] | undefined;
      const conditionalStartResponse: StartResponse = (status, headers, excInfo) => {
        replacement = undefined;
        const answer = Array.isArray(headers) ? answerFor(environ, status, headers) : undefined;
        if (answer === undefined) return forward(startResponse, status, headers, excInfo);
        replacement = answer.body;
        forward(startResponse, answer.status, answer.headers, excInfo);
        // The application's data is not part of our answer.
        return async () => undefined;
      };
      const body = await app(environ, conditionalStartResponse);
      if (replacement !== undefined) return closingBody([...replacement], body);
      // An array means startResponse was called and passed: nothing can change now.
      if (Array.isArray(body)) return body;
      return closingBody(watch(body, () => replacement), body);
    };
  };
}

function forward(startResponse: StartResponse, status: string, headers: HeaderList, excInfo: unknown): ReturnType<StartResponse> {
  return excInfo === undefined || excInfo === null ? startResponse(status, headers) : startResponse(status, headers, excInfo);
}

/** Our answer to this response, or `undefined` to let it through. */
function answerFor(environ: Environ, status: string, headers: HeaderList): { status: string; headers: HeaderList; body: Uint8Array[] } | undefined {
  const code = Number.parseInt(status.slice(0, 3), 10);
  if (!(code >= 200 && code < 300)) return undefined;
  const list = new Headers(headers);
  const modified = list.get('Last-Modified');
  const result = evaluatePreconditions(environ, {
    etag: list.get('ETag')?.trim(),
    lastModified: modified === undefined ? undefined : parseHttpDate(modified.trim()),
  });
  if (result === 304) {
    return { status: '304 Not Modified', headers: headers.filter(([name]) => KEPT_ON_304.includes(name.toLowerCase())), body: [] };
  }
  if (result === 412) {
    const failed: HeaderList = [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(PRECONDITION_FAILED.length)]];
    return { status: '412 Precondition Failed', headers: failed, body: [PRECONDITION_FAILED] };
  }
  return undefined;
}

/**
 * The application's chunks until its (late) startResponse call is answered
 * by us; then our answer. One chunk out per chunk pulled (SPEC §12.3).
 */
async function* watch(body: Body, replaced: () => Uint8Array[] | undefined): AsyncGenerator<Uint8Array> {
  for await (const chunk of asAsync(body)) {
    if (replaced() !== undefined) break;
    yield chunk;
  }
  const answer = replaced();
  if (answer === undefined) return;
  if (answer.length === 0) yield EMPTY;
  yield* answer;
}
