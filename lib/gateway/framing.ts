/**
 * How a response is delimited on the wire, and the head that goes with it
 * (RFC 9112 §6.3, PEP 3333 "Handling the Content-Length Header").
 *
 * - 1xx, 204 and 304 responses never have a body (RFC 9110 §6.4.1), and
 *   neither does a response to HEAD: framing `none`.
 * - 1xx and 204 must not carry `Content-Length` (RFC 9110 §8.6); the gateway
 *   drops one the application set. A 304's is kept: it describes the
 *   representation, as it does for HEAD.
 * - Otherwise an application's `Content-Length` is used as it is; else a
 *   length the gateway knows (an array body, or no data at all) is sent;
 *   else HTTP/1.1 gets chunked coding and older clients a close-delimited body.
 * - For HEAD, an empty body says nothing about the body a GET would get (the
 *   application may skip producing it), so no `Content-Length: 0` is made up.
 */
import type { HeaderList } from '../protocol/types.js';
import { httpDate } from './date-header.js';
import type { ResponseState } from './start-response.js';
import type { Framing, ResponseHead } from './types.js';

/** What the head depends on besides the stored response. */
export interface HeadContext {
  method: string;
  protocol: string;
  /** `Server` header value; `''` adds none. */
  serverSoftware: string;
  /** The body length when the gateway knows it before sending (an array body, or an empty response). */
  knownLength: number | undefined;
  /** Add `Date` when the application did not: false when the sink's transport adds it. */
  addDate: boolean;
}

/**
 * The head for the stored (and valid) response. Its headers are the
 * application's own list when the gateway adds nothing (no copy per
 * response); sinks only read them.
 */
export function buildHead(state: ResponseState, context: HeadContext): ResponseHead {
  const code = state.code;
  let headers: HeaderList = state.headers;
  let addedLength: [string, string] | undefined;
  let framing: Framing;
  if (code < 200 || code === 204) {
    if (state.declaredLength !== undefined) headers = withoutContentLength(headers);
    framing = NONE;
  } else if (code === 304) {
    framing = NONE;
  } else if (state.declaredLength !== undefined) {
    framing = context.method === 'HEAD' ? NONE : lengthFraming(state.declaredLength);
  } else if (context.knownLength !== undefined && !(context.knownLength === 0 && context.method === 'HEAD')) {
    addedLength = contentLengthHeader(context.knownLength);
    framing = context.method === 'HEAD' ? NONE : lengthFraming(context.knownLength);
  } else if (context.method === 'HEAD') {
    framing = NONE;
  } else {
    framing = isHttp10OrOlder(context.protocol) ? CLOSE : CHUNKED;
  }
  const addDate = !state.hasDate && context.addDate;
  const addServer = !state.hasServer && context.serverSoftware !== '';
  const added = (addedLength === undefined ? 0 : 1) + (addDate ? 1 : 0) + (addServer ? 1 : 0);
  if (added > 0) {
    // A copy made at its final size: a pushed-onto slice would grow to 17 slots.
    const copy: HeaderList = new Array<[string, string]>(headers.length + added);
    let at = 0;
    for (; at < headers.length; at++) copy[at] = headers[at]!;
    if (addedLength !== undefined) copy[at++] = addedLength;
    if (addDate) copy[at++] = ['Date', httpDate()];
    if (addServer) copy[at] = ['Server', context.serverSoftware];
    headers = copy;
  }
  return { status: code, statusLine: state.status!, headers, framing };
}

// Responses of one kind have the same few lengths: the framing of each small length is
// made once and shared (heads are read, never changed).
const SHARED_LENGTHS = 4096;
const LENGTH_FRAMINGS = new Array<Framing | undefined>(SHARED_LENGTHS);

/**
 * A new pair each time, not a shared frozen one: node's header serializer
 * reads every pair of the head, and a frozen array among ordinary ones makes
 * those reads generic (measured: ~370 more instructions per response).
 */
function contentLengthHeader(length: number): [string, string] {
  return ['Content-Length', `${length}`];
}

function lengthFraming(length: number): Framing {
  if (length >= SHARED_LENGTHS) return { kind: 'length', length };
  return (LENGTH_FRAMINGS[length] ??= Object.freeze({ kind: 'length', length }));
}

const NONE: Framing = Object.freeze({ kind: 'none' });
const CLOSE: Framing = Object.freeze({ kind: 'close' });
const CHUNKED: Framing = Object.freeze({ kind: 'chunked' });

/** Chunked coding needs HTTP/1.1 (RFC 9112 §7); `HTTP/1.0` and `HTTP/0.9` get a close-delimited body. */
function isHttp10OrOlder(protocol: string): boolean {
  return protocol === 'HTTP/1.0' || protocol === 'HTTP/0.9';
}

function withoutContentLength(headers: HeaderList): HeaderList {
  return headers.filter((header) => header[0].toLowerCase() !== 'content-length');
}
