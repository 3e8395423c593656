/**
 * Builds the request a test describes (`client.post('/x', { json })`,
 * `createEnviron('/x', { form })`) the way a real HTTP client would put it
 * on the wire: a request-target, header lines and a body. The gateway then
 * turns it into an environ exactly as it does for a socket, so tests and
 * servers share one environ implementation.
 */
import { Buffer } from 'node:buffer';
import { ClientDisconnected } from '../protocol/errors.js';
import type { HeaderList } from '../protocol/types.js';
import type { GatewayRequest } from '../gateway/types.js';
import type { BaseUrl } from './base-url.js';
import { describeValue } from '../protocol/describe-value.js';
import { encodeParams, encodeTarget, mergeQuery, type QueryInit } from './request-target.js';

/** Headers as a test gives them: an object (arrays repeat the header) or `[name, value]` pairs. */
export type HeadersInit =
  | Readonly<Record<string, string | readonly string[]>>
  | ReadonlyArray<readonly [name: string, value: string]>;

/** What describes one request; the body options are exclusive. */
export interface RequestOptions {
  /** Request headers, sent after the client's default headers (a name given here replaces the default). */
  headers?: HeadersInit;
  /** Added to the query string, after any query already in the path. */
  query?: QueryInit;
  /** The request body; strings are sent as UTF-8. Sets Content-Length. */
  body?: string | Uint8Array;
  /** Serialised with `JSON.stringify`; Content-Type defaults to `application/json`. */
  json?: unknown;
  /** Sent urlencoded; Content-Type defaults to `application/x-www-form-urlencoded`. */
  form?: QueryInit;
  /**
   * A streamed request body. Without a Content-Length header the request is
   * chunked (`Transfer-Encoding: chunked`), so `tsgi.input_terminated` is set.
   */
  bodyChunks?: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  /** @default 'HTTP/1.1' */
  protocol?: string;
  /** @default '127.0.0.1' */
  remoteAddr?: string;
  /** @default omitted (no REMOTE_PORT) */
  remotePort?: number;
}

/** The option names `prepareRequest` understands, for the unknown-option check. */
export const REQUEST_OPTION_NAMES: readonly string[] = [
  'headers', 'query', 'body', 'json', 'form', 'bodyChunks', 'protocol', 'remoteAddr', 'remotePort',
];

/** A request ready to run: what the wire would carry. */
export interface PreparedRequest {
  readonly method: string;
  /** The full URL, for cookies and redirects. */
  readonly url: URL;
  readonly target: string;
  readonly protocol: string;
  readonly headers: HeaderList;
  /** The whole body, or `null` when streamed (`bodyChunks`) or absent. */
  readonly body: Buffer | null;
  readonly bodyChunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array> | null;
  readonly remoteAddr: string;
  readonly remotePort: number | undefined;
  /** True when a header asked for `100 Continue`. */
  readonly expectContinue: boolean;
}

export interface PrepareContext {
  readonly base: BaseUrl;
  /** Names the caller in error messages, e.g. `Client.post('/x')`. */
  readonly subject: string;
  readonly defaultHeaders?: HeaderList;
  /** Extra option names the caller accepts on top of REQUEST_OPTION_NAMES. */
  readonly extraOptionNames?: readonly string[];
  /** The Cookie header value for a URL, when the caller keeps a jar. */
  readonly cookieHeader?: (url: URL) => string | undefined;
}

const BODY_OPTIONS = ['body', 'json', 'form', 'bodyChunks'] as const;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
// Header values: byte strings without CR, LF or NUL (RFC 9110 §5.5); other controls are the app's problem to see.
const BAD_VALUE_CHAR = /[\r\n\0]|[^\x00-\xff]/;

/** Checks `options` and builds the request. Throws a TypeError naming the caller on misuse. */
export function prepareRequest(
  method: string,
  path: string,
  options: RequestOptions,
  context: PrepareContext,
): PreparedRequest {
  const { subject, base } = context;
  if (typeof method !== 'string' || !TOKEN.test(method)) {
    throw new TypeError(`${subject} method must be an HTTP token like 'GET'; got ${describeValue(method)}.`);
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${subject} options must be an object; got ${describeValue(options)}.`);
  }
  const known = [...REQUEST_OPTION_NAMES, ...(context.extraOptionNames ?? [])];
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new TypeError(`${subject} got an unknown option '${name}'. Known options: ${known.join(', ')}.`);
    }
  }
  const given = BODY_OPTIONS.filter((name) => options[name] !== undefined);
  if (given.length > 1) {
    throw new TypeError(
      `${subject} options ${given.join(' and ')} cannot be combined; pass only one of body, json, form or bodyChunks.`,
    );
  }

  const { target, url } = resolveTarget(path, options.query, context);
  const headers = mergeHeaders(context.defaultHeaders ?? [], normaliseHeaders(options.headers, subject), subject);
  const has = (name: string): boolean => headers.some(([key]) => key.toLowerCase() === name);

  let body: Buffer | null = null;
  let bodyChunks: PreparedRequest['bodyChunks'] = null;
  let contentType: string | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string') body = Buffer.from(options.body, 'utf8');
    else if (options.body instanceof Uint8Array) body = Buffer.from(options.body.buffer, options.body.byteOffset, options.body.byteLength);
    else throw new TypeError(`${subject} body must be a string or a Uint8Array; got ${describeValue(options.body)}. Use json or form for objects.`);
  } else if (options.json !== undefined) {
    const text = JSON.stringify(options.json);
    if (text === undefined) throw new TypeError(`${subject} json must be JSON-serialisable; got ${describeValue(options.json)}.`);
    body = Buffer.from(text, 'utf8');
    contentType = 'application/json';
  } else if (options.form !== undefined) {
    body = Buffer.from(encodeParams(options.form, `${subject} form`), 'latin1');
    contentType = 'application/x-www-form-urlencoded';
  } else if (options.bodyChunks !== undefined) {
    const chunks = options.bodyChunks as unknown;
    const iterable = chunks !== null && typeof chunks === 'object' && (Symbol.iterator in chunks || Symbol.asyncIterator in chunks);
    if (!iterable || chunks instanceof Uint8Array) {
      throw new TypeError(`${subject} bodyChunks must be an iterable of Uint8Array chunks; got ${describeValue(chunks)}. Use body for a whole body.`);
    }
    bodyChunks = options.bodyChunks;
  }

  if (contentType !== undefined && !has('content-type')) headers.push(['Content-Type', contentType]);
  if (body !== null && !has('content-length') && !has('transfer-encoding')) headers.push(['Content-Length', String(body.length)]);
  if (bodyChunks !== null && !has('content-length') && !has('transfer-encoding')) headers.push(['Transfer-Encoding', 'chunked']);
  if (!has('host')) headers.unshift(['Host', url.host]);
  const cookie = context.cookieHeader?.(url);
  if (cookie !== undefined) headers.push(['Cookie', cookie]);

  const protocol = options.protocol ?? 'HTTP/1.1';
  if (typeof protocol !== 'string' || !/^HTTP\/\d\.\d$/.test(protocol)) {
    throw new TypeError(`${subject} protocol must look like 'HTTP/1.1'; got ${describeValue(protocol)}.`);
  }
  const remoteAddr = options.remoteAddr ?? '127.0.0.1';
  if (typeof remoteAddr !== 'string') throw new TypeError(`${subject} remoteAddr must be a string; got ${describeValue(remoteAddr)}.`);
  const remotePort = options.remotePort;
  if (remotePort !== undefined && !(Number.isInteger(remotePort) && remotePort >= 0 && remotePort <= 65535)) {
    throw new TypeError(`${subject} remotePort must be an integer from 0 to 65535; got ${describeValue(remotePort)}.`);
  }
  const expectContinue = headers.some(([name, value]) => name.toLowerCase() === 'expect' && value.toLowerCase() === '100-continue');
  return { method, url, target, protocol, headers, body, bodyChunks, remoteAddr, remotePort, expectContinue };
}

/** The request-target on the wire and the full URL it stands for. */
function resolveTarget(path: string, query: QueryInit | undefined, context: PrepareContext): { target: string; url: URL } {
  const { subject, base } = context;
  if (typeof path !== 'string') throw new TypeError(`${subject} path must be a string like '/items'; got ${describeValue(path)}.`);
  let target: string;
  let origin = base.origin;
  if (ABSOLUTE.test(path)) {
    const url = new URL(path);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`${subject} can only request http(s) URLs; got '${path}'.`);
    }
    origin = url.origin;
    target = url.pathname + url.search;
  } else if (path === '*') {
    target = '*';
  } else if (path === '' || path.startsWith('/') || path.startsWith('?')) {
    const withoutFragment = path.split('#', 1)[0] ?? '';
    target = base.encodedScriptRoot + encodeTarget(withoutFragment.startsWith('?') ? `/${withoutFragment}` : withoutFragment || '/');
  } else {
    throw new TypeError(`${subject} path must start with '/' (or be an absolute URL); got '${path}'. Write '/${path}'.`);
  }
  if (query !== undefined) {
    if (target === '*') throw new TypeError(`${subject} cannot add a query to the '*' target.`);
    target = mergeQuery(target, encodeParams(query, `${subject} query`));
  }
  const url = new URL(target === '*' ? '/' : target, origin);
  return { target, url };
}

/** Header pairs from either form, checked like a client library would before sending. */
export function normaliseHeaders(init: HeadersInit | undefined, subject: string): HeaderList {
  if (init === undefined) return [];
  const pairs: HeaderList = [];
  if (Array.isArray(init)) {
    for (const pair of init as readonly unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(`${subject} headers pairs must be [name, value] arrays; got ${describeValue(pair)}.`);
      }
      pairs.push([pair[0] as string, pair[1] as string]);
    }
  } else if (init !== null && typeof init === 'object') {
    for (const [name, value] of Object.entries(init)) {
      if (Array.isArray(value)) for (const item of value as readonly string[]) pairs.push([name, item]);
      else pairs.push([name, value as string]);
    }
  } else {
    throw new TypeError(`${subject} headers must be an object or an array of [name, value] pairs; got ${describeValue(init)}.`);
  }
  for (const [name, value] of pairs) checkHeader(name, value, subject);
  return pairs;
}

function checkHeader(name: unknown, value: unknown, subject: string): void {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new TypeError(`${subject} header name must be an HTTP token like 'X-Token'; got ${describeValue(name)}.`);
  }
  if (typeof value !== 'string') {
    throw new TypeError(`${subject} header '${name}' value must be a string; got ${describeValue(value)}. Convert it with String().`);
  }
  const bad = BAD_VALUE_CHAR.exec(value);
  if (bad !== null) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
    throw new TypeError(
      `${subject} header '${name}' value has a character no client can send (U+${code.padStart(4, '0')} at index ${bad.index}). ` +
        'Header values are byte strings without CR, LF or NUL: encode text with utf8ToByteString().',
    );
  }
}

/** Defaults first, except the names the request sets itself. */
function mergeHeaders(defaults: HeaderList, own: HeaderList, subject: string): HeaderList {
  for (const [name, value] of defaults) checkHeader(name, value, subject);
  const overridden = new Set(own.map(([name]) => name.toLowerCase()));
  return [...defaults.filter(([name]) => !overridden.has(name.toLowerCase())), ...own];
}

/**
 * The request as the gateway receives it. The body is offered as an async
 * iterable that stops with ClientDisconnected once `clientGone()` says the
 * client left, as a socket's would.
 */
export function toGatewayRequest(prepared: PreparedRequest, clientGone?: () => boolean): GatewayRequest {
  const url = prepared.url;
  const request: GatewayRequest = {
    method: prepared.method,
    target: prepared.target,
    protocol: prepared.protocol,
    rawHeaders: prepared.headers.flat(),
    body: bodySource(prepared, clientGone),
    remoteAddress: prepared.remoteAddr,
    serverName: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    serverPort: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
    urlScheme: url.protocol === 'https:' ? 'https' : 'http',
  };
  if (prepared.remotePort !== undefined) request.remotePort = prepared.remotePort;
  return request;
}

function bodySource(prepared: PreparedRequest, clientGone: (() => boolean) | undefined): AsyncIterable<Uint8Array> | null {
  const chunks = prepared.bodyChunks ?? (prepared.body !== null && prepared.body.length > 0 ? [prepared.body] : null);
  if (chunks === null) return null;
  return (async function* () {
    for await (const chunk of chunks) {
      if (clientGone?.() === true) throw new ClientDisconnected('The test client disconnected before sending the whole request body.');
      if (!(chunk instanceof Uint8Array)) {
        throw new TypeError(`bodyChunks must yield Uint8Array chunks; got ${describeValue(chunk)}. Encode strings with Buffer.from().`);
      }
      if (chunk.length > 0) yield chunk;
    }
  })();
}
