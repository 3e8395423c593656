/**
 * The response side of one request as a pure state machine: what
 * `startResponse()` stored, whether it was valid, and whether the head has
 * gone out. No I/O here; `run-gateway.ts` drives it and talks to the sink.
 *
 * PEP 3333 rules it carries:
 * - `startResponse` stores the status and headers; it never sends them.
 * - It checks them when called, *after* storing them, so an application
 *   whose call failed can only call again with `excInfo` ("start_response").
 * - A second call needs `excInfo`. Before the head is sent it replaces the
 *   stored response; after, it re-throws `excInfo` (the application's own
 *   error) so the application stops.
 *
 * A status is `"NNN Reason"` with a code from 100 to 999 and one space; the
 * reason may be empty (`"204 "`), as RFC 9112 §4 allows, but the space may
 * not. Valid statuses, header names (and where in the list they came) and
 * short header values are remembered, so an application sending the same
 * ones on every request has them checked once.
 */
import { describeValue } from '../protocol/describe-value.js';
import { parseDecimal } from '../protocol/decimal.js';
import { ProtocolError } from '../protocol/errors.js';
import { checkHeaderName, checkHeaderValue } from '../protocol/header-syntax.js';
import { isHopByHop } from '../protocol/hop-by-hop.js';
import { parseStatus } from '../protocol/status-line.js';
import type { HeaderList } from '../protocol/types.js';

/** The headers before startResponse() is called: one shared, frozen list. */
const NO_HEADERS: HeaderList = Object.freeze([]) as unknown as HeaderList;

/** The stored response of one request. */
export class ResponseState {
  /** The status as given, e.g. `404 Not Found`; undefined until `startResponse` is called. */
  status: string | undefined;
  /** The numeric code of a valid status. */
  code = 0;
  /** The headers as given (the application's array, never mutated). */
  headers: HeaderList = NO_HEADERS;
  /** The application's `Content-Length`, when it set a valid one. */
  declaredLength: number | undefined;
  /** Whether the application set these itself (the gateway adds them otherwise). */
  hasDate = false;
  hasServer = false;
  /** Why the stored status or headers cannot be sent; thrown again when the head would go out. */
  invalid: ProtocolError | undefined;
  /** Set once the head went to the sink: the status can no longer change. */
  headersSent = false;

  /**
   * `startResponse(status, headers, excInfo?)` without the returned `write`.
   * `excInfo` of `undefined` or `null` means "not given".
   */
  start(status: unknown, headers: unknown, excInfo?: unknown): void {
    if (excInfo !== undefined && excInfo !== null) {
      // PEP 3333: "if exc_info is provided, and the HTTP headers have already been
      // sent, start_response must raise an error, and should re-raise using the exc_info".
      if (this.headersSent) throw excInfo;
    } else if (this.status !== undefined) {
      throw new ProtocolError(
        `startResponse() was called a second time without excInfo; got ${describeValue(status)} after ${describeValue(this.status)}. ` +
          'Call it once, or pass the caught error as the third argument to replace a response that has not been sent.',
      );
    }
    this.status = typeof status === 'string' ? status : String(status);
    this.headers = Array.isArray(headers) ? (headers as HeaderList) : [];
    this.declaredLength = undefined;
    this.hasDate = false;
    this.hasServer = false;
    this.invalid = undefined;
    try {
      this.code = checkStatus(status);
      this.#checkHeaders(headers);
    } catch (error) {
      this.invalid = error as ProtocolError;
      throw error;
    }
  }

  #checkHeaders(headers: unknown): void {
    if (!Array.isArray(headers)) {
      throw new ProtocolError(
        `startResponse() headers must be an array of [name, value] pairs; got ${describeValue(headers)}. ` +
          "Pass e.g. [['Content-Type', 'text/plain']].",
      );
    }
    for (let i = 0; i < headers.length; i++) {
      const pair: unknown = headers[i];
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
        throw new ProtocolError(
          `startResponse() headers[${i}] must be a [name, value] pair of strings; got ${describePair(pair)}. ` +
            "Write each header like ['Content-Type', 'text/plain'], converting numbers with String().",
        );
      }
      const name: string = pair[0];
      const value: string = pair[1];
      // The header at this place last time is most often the same one (a Map lookup saved).
      let known = i < BY_PLACE ? namesByPlace[i] : undefined;
      if (known === undefined || known.name !== name) {
        known = KNOWN_NAMES.get(name) ?? classifyName(name, value, i);
        if (i < BY_PLACE) namesByPlace[i] = known;
      }
      const kind = known.kind;
      if (kind === 'content-length') {
        this.#noteContentLength(name, value, i);
        continue;
      }
      // The value this name had last time is known to be valid: one comparison instead of a lookup.
      if (value !== known.lastValue) {
        if (!KNOWN_VALUES.has(value)) checkValue(name, value, i);
        known.lastValue = value;
      }
      if (kind === 'date') this.hasDate = true;
      else if (kind === 'server') this.hasServer = true;
    }
  }

  /** A Content-Length of digits only needs no character check. */
  #noteContentLength(name: string, value: string, index: number): void {
    const length = parseDecimal(value);
    if (length === -1) checkValue(name, value, index);
    if (this.declaredLength !== undefined) {
      throw new ProtocolError(
        `startResponse() header 'Content-Length' must appear once; got ${describeValue(String(this.declaredLength))} and ${describeValue(value)}. ` +
          'Send a single Content-Length.',
      );
    }
    if (length === -1) {
      throw new ProtocolError(
        `startResponse() header 'Content-Length' must be a non-negative integer; got ${describeValue(value)}. ` +
          'Give the body length in bytes, or leave the header out.',
      );
    }
    this.declaredLength = length;
  }
}

/** What the gateway needs to know about a header name it accepted. */
type NameKind = 'content-length' | 'date' | 'server' | 'other';

/** A header name that passed, with the last valid value it was sent with. */
interface KnownName {
  readonly name: string;
  readonly kind: NameKind;
  lastValue: string;
}

// Applications send the same header names on every response; a name checked once
// need not be checked again. Only names that passed are kept, and only so many.
const NAME_CACHE_LIMIT = 512;
const KNOWN_NAMES = new Map<string, KnownName>();
// And they send them in the same order: the name met at each of the first places of
// the last header list, checked with one comparison before the Map is asked.
const BY_PLACE = 16;
const namesByPlace = new Array<KnownName | undefined>(BY_PLACE).fill(undefined);

// Most values repeat as well (`text/plain`, `nosniff`, `DENY`): short ones that
// passed are remembered. (Content-Length values change per response and are parsed instead.)
const VALUE_CACHE_LIMIT = 1024;
const CACHED_VALUE_MAX_LENGTH = 64;
const KNOWN_VALUES = new Set<string>();

/** Checks a header value not known to be valid, and remembers it when it is worth it. */
function checkValue(name: string, value: string, index: number): void {
  try {
    checkHeaderValue(name, value);
  } catch (error) {
    throw new ProtocolError(`startResponse() headers[${index}] is invalid: ${(error as Error).message}`, { cause: error });
  }
  if (value.length <= CACHED_VALUE_MAX_LENGTH && KNOWN_VALUES.size < VALUE_CACHE_LIMIT) {
    KNOWN_VALUES.add(value);
  }
}

/** Checks a header name not seen before (the value is for messages), and remembers it. */
function classifyName(name: string, value: string, index: number): KnownName {
  try {
    checkHeaderName(name);
  } catch (error) {
    throw new ProtocolError(`startResponse() headers[${index}] is invalid: ${(error as Error).message}`, { cause: error });
  }
  const lower = name.toLowerCase();
  if (lower === 'status') {
    throw new ProtocolError(
      `startResponse() headers must not contain 'Status' (a CGI convention); got ${describeValue(`${name}: ${value}`)}. ` +
        'Pass the status as the first argument.',
    );
  }
  if (isHopByHop(lower)) {
    // PEP 3333 "Other HTTP Features": hop-by-hop headers are a fatal error.
    throw new ProtocolError(
      `startResponse() headers must not contain hop-by-hop headers; got ${describeValue(`${name}: ${value}`)}. ` +
        'Remove it: the server manages the connection and the transfer coding.',
    );
  }
  const kind: NameKind = lower === 'content-length' || lower === 'date' || lower === 'server' ? lower : 'other';
  // `''` is always a valid value: a fine start.
  const known: KnownName = { name, kind, lastValue: '' };
  if (KNOWN_NAMES.size < NAME_CACHE_LIMIT) KNOWN_NAMES.set(name, known);
  return known;
}

/** The numeric code of a valid status, or a ProtocolError saying what is wrong with it. */
export function checkStatus(status: unknown): number {
  if (typeof status === 'string') {
    if (status === lastStatus) return lastCode;
    const known = KNOWN_STATUSES.get(status);
    if (known !== undefined) return rememberLast(status, known);
    const parsed = parseStatus(status);
    if (parsed) {
      if (KNOWN_STATUSES.size < STATUS_CACHE_LIMIT) KNOWN_STATUSES.set(status, parsed.code);
      return rememberLast(status, parsed.code);
    }
  }
  throw new ProtocolError(statusProblem(status));
}

// Statuses are nearly always string constants: remember the valid ones,
// and the last one apart (one comparison when a server answers 200 after 200).
const STATUS_CACHE_LIMIT = 256;
const KNOWN_STATUSES = new Map<string, number>();
let lastStatus: string | undefined;
let lastCode = 0;

function rememberLast(status: string, code: number): number {
  lastStatus = status;
  lastCode = code;
  return code;
}

function statusProblem(status: unknown): string {
  const got = describeValue(status);
  if (typeof status !== 'string') {
    return `startResponse() status must be a string like '200 OK'; got ${got}. Pass the code and the reason phrase as one string.`;
  }
  if (!/^[1-9]\d\d/.test(status)) {
    return `startResponse() status must start with a 3-digit code from 100 to 999; got ${got}. Write it like '404 Not Found'.`;
  }
  if (status.charCodeAt(3) !== 0x20) {
    return `startResponse() status must be "NNN Reason"; got ${got}. Put one space between the code and the reason.`;
  }
  // RFC 9112 §4: reason-phrase = *( HTAB / SP / VCHAR / obs-text ).
  if (/[^\x00-\xff]/.test(status)) {
    return `startResponse() status must be a byte string (code units 0–255); got ${got}. Keep the reason phrase ASCII.`;
  }
  return `startResponse() status must not contain control characters; got ${got}. Remove CR, LF and other control characters.`;
}

function describePair(pair: unknown): string {
  if (!Array.isArray(pair)) return describeValue(pair);
  return `[${pair.map((item) => describeValue(item)).join(', ')}]`;
}
