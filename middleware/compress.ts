/**
 * `compress()` encodes response bodies with brotli, gzip or deflate, chosen
 * from the request's `Accept-Encoding` (RFC 9110 §12.5.3: q-values, `*`,
 * ties broken by the server's order) — Rack::Deflater, Express's compression.
 *
 * It streams: each chunk of the application's body is written to zlib and
 * whatever that produced is yielded at once, flushed, so a streamed body of
 * any size goes through in a few buffers' worth of memory, and the next chunk
 * is pulled only after the previous output was taken (backpressure). An
 * array body is encoded in one go and stays an array (the gateway can still
 * send its `Content-Length`).
 *
 * Skipped (sent as is): HEAD; 1xx/204/304 and 206 / `Content-Range`;
 * responses with a `Content-Encoding`; `Cache-Control: no-transform`; types
 * `compressible` refuses; bodies below `threshold` — known from
 * `Content-Length`, or by buffering the first chunks (up to `threshold`
 * bytes) when there is none; responses that used `write()`; and requests
 * accepting none of the `encodings` (identity is then sent even after
 * `identity;q=0`: a 406 helps nobody).
 *
 * When it encodes it sets `Content-Encoding`, removes `Content-Length`
 * (SPEC §12.7) and weakens a strong `ETag` (`"x"` -> `W/"x"`): the bytes
 * differ, the content does not. For every compressible response it adds
 * `Vary: Accept-Encoding` (merged into an existing `Vary`), also when it did
 * not encode, so caches keep the variants apart.
 *
 * When not to use it: behind nginx or a CDN that compresses (let them, it is
 * cheaper there); for already-compressed formats (images, video, archives:
 * the default `compressible` leaves them out); for responses carrying
 * secrets next to attacker-controlled text (BREACH). Server-sent events
 * (`text/event-stream`) are left alone by default: the threshold buffering
 * would delay events.
 *
 * Where: above the application and anything producing bodies, below access
 * logging (which then counts the bytes sent) and below `conditionalGet()`
 * (whose weak comparison matches the weakened tags).
 *
 * @example
 * const app = compose(accessLog(), compress({ threshold: 2048 }), conditionalGet())(site);
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../lib/protocol/errors.js';
import type { Application, Body, Environ, HeaderList, Middleware, StartResponse } from '../lib/protocol/types.js';
import { ENCODINGS, Encoder, encodeAll, negotiate, type Encoding, type EncoderSettings } from './_internal/compress-encoder.js';
import { arrayByteLength, asAsync, closingBody, hasNoContent, requestHeader } from './_internal/head-body.js';
import { checkOptionNames } from './_internal/head-check-options.js';
import { HeldResponse } from './_internal/head-held-response.js';

export interface CompressOptions {
  /** The codings offered, in the server's order of preference (breaks q-value ties). @default ['br', 'gzip', 'deflate'] */
  encodings?: Encoding[];
  /** Bodies smaller than this many bytes are sent as they are. @default 1024 */
  threshold?: number;
  /**
   * Whether a `Content-Type` is worth compressing (it gets the whole value, parameters included).
   * @default text/* (not text/event-stream), JSON, JavaScript, XML, SVG, WebAssembly and `+json`/`+xml` types
   */
  compressible?: (contentType: string) => boolean;
  /** zlib level for gzip and deflate, 0 (none) to 9 (smallest). @default 6 */
  level?: number;
  /** Brotli quality, 0 to 11; 11 is too slow for responses made per request. @default 4 */
  brotliQuality?: number;
}

const OPTION_NAMES = ['encodings', 'threshold', 'compressible', 'level', 'brotliQuality'];
const SUBJECT = 'compress()';
const EMPTY = new Uint8Array(0);
const COMPRESSIBLE = /^(text\/(?!event-stream)[\w.+-]+|application\/(json|javascript|ecmascript|x-javascript|xml|wasm|[\w.-]+\+(json|xml))|image\/svg\+xml)$/;

/** The default `compressible`: the media type (parameters ignored) is text-like. */
export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType.split(';')[0]!.trim().toLowerCase());
}

/** Compresses response bodies the client accepts compressed. */
export function compress(options?: CompressOptions): Middleware {
  const checked = checkOptionNames(SUBJECT, options, OPTION_NAMES);
  const encodings = checked.encodings ?? [...ENCODINGS];
  if (!Array.isArray(encodings) || encodings.length === 0 || encodings.some((name) => !ENCODINGS.includes(name))) {
    const bad = Array.isArray(encodings) ? (encodings.find((name) => !ENCODINGS.includes(name)) ?? encodings) : encodings;
    throw new ImproperlyConfigured(`${SUBJECT} option encodings must be a non-empty array of 'br', 'gzip', 'deflate'; got ${describeValue(bad)}.`);
  }
  const threshold = checkInteger('threshold', checked.threshold, 1024, 0, Number.MAX_SAFE_INTEGER);
  const compressible = checked.compressible ?? isCompressible;
  if (typeof compressible !== 'function') {
    throw new ImproperlyConfigured(`${SUBJECT} option compressible must be a function (contentType) => boolean; got ${describeValue(compressible)}.`);
  }
  const settings: EncoderSettings = {
    level: checkInteger('level', checked.level, 6, 0, 9),
    brotliQuality: checkInteger('brotliQuality', checked.brotliQuality, 4, 0, 11),
  };

  return function compressMiddleware(app: Application): Application {
    return async function compressApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const accepted = environ.REQUEST_METHOD === 'HEAD' ? undefined : negotiate(requestHeader(environ, 'HTTP_ACCEPT_ENCODING'), encodings);
      /** Set by the body before it passes the response on: encode, if the response allows. */
      let want = false;
      /** The coding the response was passed on with (`prepare` runs again on an excInfo restart). */
      let active: Encoding | undefined;
      const held = new HeldResponse(startResponse, {
        prepare(status, headers) {
          active = prepareHeaders(status, headers, compressible, want && !held.wrote ? accepted : undefined);
          return status;
        },
      });
      const mayEncode = (): boolean => accepted !== undefined && prepareHeaders(held.status ?? '', held.headers.map(([n, v]) => [n, v]), compressible, accepted) !== undefined;
      const body = await app(environ, held.startResponse);

      if (Array.isArray(body) && held.called && !held.forwarded) {
        const length = arrayByteLength(body);
        want = length !== undefined && length >= threshold;
        held.forward();
        if (active === undefined) return body;
        const encoded = encodeAll(active, Buffer.concat(body as Uint8Array[]), settings);
        return closingBody([encoded], body);
      }
      return closingBody(encodeStream(), body);

      async function* encodeStream(): AsyncGenerator<Uint8Array> {
        const pending: Uint8Array[] = [];
        let pendingBytes = 0;
        let encoder: Encoder | undefined;
        let finished = false;
        const passOn = (): void => {
          const declared = declaredLength(held.headers);
          want = declared !== undefined ? declared >= threshold : pendingBytes >= threshold;
          held.forward();
        };
        /** The bytes to send for `data`, through the encoder the response was passed on with. */
        const encode = async (data: Uint8Array): Promise<Uint8Array> => {
          if (encoder?.encoding !== active) {
            // Only before any byte was sent: an excInfo restart replaced the response.
            encoder?.destroy();
            encoder = active === undefined ? undefined : new Encoder(active, settings);
          }
          return encoder === undefined || data.length === 0 ? data : encoder.write(data);
        };
        try {
          for await (const chunk of asAsync(body)) {
            if (!held.forwarded) {
              // Before startResponse a chunk is empty (SPEC §6.13): nothing to keep.
              if (!held.called) {
                yield EMPTY;
                continue;
              }
              pending.push(chunk);
              pendingBytes += chunk.length;
              if (declaredLength(held.headers) === undefined && pendingBytes < threshold && mayEncode()) {
                yield EMPTY;
                continue;
              }
              passOn();
              const first = Buffer.concat(pending.splice(0));
              yield await encode(first);
              continue;
            }
            yield await encode(chunk);
          }
          if (!held.forwarded && held.called) {
            passOn();
            if (pendingBytes > 0) yield await encode(Buffer.concat(pending.splice(0)));
          }
          if (encoder !== undefined) yield await encoder.end();
          finished = true;
        } finally {
          // Aborted (client gone, app failed): free zlib's memory now.
          if (!finished) encoder?.destroy();
        }
      }
    };
  };
}

/**
 * Edits `headers` for the response: `Vary` for a compressible one, and the
 * coding headers when `encoding` is given and the response may be encoded.
 * Returns the coding used, `undefined` when the body goes as it is.
 */
function prepareHeaders(status: string, headers: HeaderList, compressible: (type: string) => boolean, encoding: Encoding | undefined): Encoding | undefined {
  const code = Number.parseInt(status.slice(0, 3), 10);
  if (hasNoContent(code) || code === 206) return undefined;
  const get = (name: string): string[] => headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
  const coding = get('content-encoding');
  if (coding.some((value) => value.trim().toLowerCase() !== 'identity') || get('content-range').length > 0) return undefined;
  if (get('cache-control').some((value) => /(^|,)\s*no-transform\s*(,|$)/i.test(value))) return undefined;
  const type = get('content-type')[0];
  if (type === undefined || !compressible(type)) return undefined;
  addVary(headers);
  if (encoding === undefined) return undefined;
  remove(headers, 'content-length');
  remove(headers, 'content-encoding');
  headers.push(['Content-Encoding', encoding]);
  for (const entry of headers) {
    // RFC 9110 §8.8.3: other bytes, same content: a strong tag becomes weak.
    if (entry[0].toLowerCase() === 'etag' && entry[1].trim().startsWith('"')) entry[1] = `W/${entry[1].trim()}`;
  }
  return encoding;
}

function addVary(headers: HeaderList): void {
  const vary = headers.find(([name]) => name.toLowerCase() === 'vary');
  if (vary === undefined) {
    headers.push(['Vary', 'Accept-Encoding']);
    return;
  }
  const fields = headers.filter(([name]) => name.toLowerCase() === 'vary').flatMap(([, value]) => value.split(',').map((field) => field.trim().toLowerCase()));
  if (!fields.includes('*') && !fields.includes('accept-encoding')) vary[1] = vary[1].trim() === '' ? 'Accept-Encoding' : `${vary[1]}, Accept-Encoding`;
}

function remove(headers: HeaderList, name: string): void {
  for (let index = headers.length - 1; index >= 0; index--) {
    if (headers[index]![0].toLowerCase() === name) headers.splice(index, 1);
  }
}

function declaredLength(headers: HeaderList): number | undefined {
  const value = headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1];
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}

function checkInteger(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ImproperlyConfigured(`${SUBJECT} option ${name} must be an integer from ${min} to ${max}; got ${describeValue(value)}.`);
  }
  return value;
}
