/**
 * The line formats of `accessLog()`: Apache's `common` and `combined`
 * (https://httpd.apache.org/docs/current/logs.html), gunicorn's atoms for
 * custom formats (`%(h)s %(r)s %({x-forwarded-for}i)s`, gunicorn's
 * `glogging.py`), and JSON lines.
 *
 * A format is compiled once, when the middleware is built, into a list of
 * literal text and atom functions, so an unknown atom fails at construction.
 */
import { Buffer } from 'node:buffer';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { describeValue } from '../../lib/protocol/describe-value.js';
import type { Environ, HeaderList } from '../../lib/protocol/types.js';

/**
 * The request line as it arrived, taken when the request reached the
 * middleware: layers below may rewrite the environ (methodOverride changes
 * the method, urlMap moves the path), but the log shows what the client sent.
 */
export interface RequestLine {
  readonly method: string;
  /** The target as received (`REQUEST_URI`, or rebuilt from the path and query). */
  readonly target: string;
  readonly protocol: string;
  /** `SCRIPT_NAME` + `PATH_INFO` on arrival. */
  readonly path: string;
  readonly query: string;
}

/** The request line of `environ` as it is now. */
export function requestLine(environ: Environ): RequestLine {
  return {
    method: environ.REQUEST_METHOD,
    target: requestTarget(environ),
    protocol: environ.SERVER_PROTOCOL,
    path: `${environ.SCRIPT_NAME}${environ.PATH_INFO}`,
    query: environ.QUERY_STRING,
  };
}

/** Everything known about one request once its response is over. */
export interface LogEntry {
  /** Read when the line is written: keys set by inner layers (`REMOTE_USER`) are there. */
  readonly environ: Environ;
  readonly request: RequestLine;
  /** When the request reached the middleware, in ms since the epoch. */
  readonly start: number;
  /** When the response was over (the body was closed), in ms since the epoch. */
  readonly end: number;
  /** The status code as sent; `0` when no status was set. */
  readonly status: number;
  /** The headers the application passed to `startResponse` last. */
  readonly headers: HeaderList;
  /** Body bytes sent. */
  readonly bytes: number;
  /** The client left or the response was cut short (Apache's `%X` `X`). */
  readonly aborted: boolean;
  /** What the application threw, when it failed. */
  readonly error: unknown;
}

type Atom = (entry: LogEntry) => string;

const COMMON = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s';
/** The named formats, as gunicorn atoms: Apache's `%h %l %u %t "%r" %>s %b` (+ `"%{Referer}i" "%{User-agent}i"`). */
export const NAMED_FORMATS: Readonly<Record<string, string>> = {
  common: COMMON,
  combined: `${COMMON} "%(f)s" "%(a)s"`,
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `[10/Oct/2000:13:55:36 -0700]`, local time, as Apache's `%t` and gunicorn's `%(t)s`. */
export function clfTime(ms: number): string {
  const date = new Date(ms);
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return (
    `[${pad(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}]`
  );
}

/**
 * Apache's log escaping (`ap_escape_logitem`): `"` and `\` get a backslash,
 * control characters and bytes outside printable ASCII become `\xhh`, so a
 * crafted header cannot forge a line or break a quoted field.
 */
export function escapeLogItem(value: string): string {
  if (!/[^\x20-\x7e]|["\\]/.test(value)) return value;
  return value.replace(/[^\x20-\x7e]|["\\]/g, (char) => {
    if (char === '"' || char === '\\') return `\\${char}`;
    return `\\x${(char.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`;
  });
}

/** The request target as received (`REQUEST_URI`), or rebuilt from the path when a server did not give it. */
export function requestTarget(environ: Environ): string {
  if (typeof environ.REQUEST_URI === 'string') return environ.REQUEST_URI;
  const path = `${environ.SCRIPT_NAME}${environ.PATH_INFO}`;
  return environ.QUERY_STRING === '' ? path : `${path}?${environ.QUERY_STRING}`;
}

function stringKey(environ: Environ, key: string): string | undefined {
  const value = environ[key];
  return typeof value === 'string' ? value : undefined;
}

function orDash(value: string | undefined): string {
  return value === undefined || value === '' ? '-' : escapeLogItem(value);
}

function micros(entry: LogEntry): number {
  return Math.max(0, Math.round((entry.end - entry.start) * 1000));
}

/** The letter atoms; their meaning is gunicorn's, except `X`, which is Apache's `%X`. */
const ATOMS: Readonly<Record<string, Atom>> = {
  h: (e) => orDash(e.environ.REMOTE_ADDR),
  l: () => '-',
  u: (e) => orDash(e.environ.REMOTE_USER),
  t: (e) => clfTime(e.start),
  r: (e) => escapeLogItem(`${e.request.method} ${e.request.target} ${e.request.protocol}`),
  m: (e) => escapeLogItem(e.request.method),
  U: (e) => escapeLogItem(e.request.path),
  q: (e) => escapeLogItem(e.request.query),
  H: (e) => escapeLogItem(e.request.protocol),
  s: (e) => (e.status === 0 ? '-' : String(e.status)),
  B: (e) => String(e.bytes),
  b: (e) => (e.bytes === 0 ? '-' : String(e.bytes)),
  f: (e) => orDash(stringKey(e.environ, 'HTTP_REFERER')),
  a: (e) => orDash(stringKey(e.environ, 'HTTP_USER_AGENT')),
  T: (e) => String(Math.floor(micros(e) / 1e6)),
  M: (e) => String(Math.floor(micros(e) / 1e3)),
  D: (e) => String(micros(e)),
  L: (e) => `${Math.floor(micros(e) / 1e6)}.${pad(micros(e) % 1e6, 6)}`,
  p: () => `<${process.pid}>`,
  X: (e) => (e.aborted ? 'X' : '-'),
};

/** `%({name}i)s` request header, `%({name}o)s` response header, `%({key}e)s` environ key. */
function braceAtom(name: string, kind: string): Atom {
  if (kind === 'i') {
    const lower = name.toLowerCase();
    const key = lower === 'content-type' || lower === 'content-length' ? lower.toUpperCase().replace('-', '_') : `HTTP_${name.toUpperCase().replaceAll('-', '_')}`;
    return (e) => orDash(stringKey(e.environ, key));
  }
  if (kind === 'o') {
    const lower = name.toLowerCase();
    return (e) => orDash(e.headers.find(([header]) => header.toLowerCase() === lower)?.[1]);
  }
  return (e) => orDash(stringKey(e.environ, name));
}

const PIECE = /%\(([^)]*)\)s|%%|%/g;
const BRACED = /^\{([^}]+)\}([ioe])$/;

/** Compiles a gunicorn-style format; throws ImproperlyConfigured naming the first bad atom. */
export function compileFormat(format: string): (entry: LogEntry) => string {
  const parts: Array<string | Atom> = [];
  let last = 0;
  for (const match of format.matchAll(PIECE)) {
    parts.push(format.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[0] === '%%') {
      parts.push('%');
      continue;
    }
    const [piece, atom] = match;
    const braced = atom === undefined ? null : BRACED.exec(atom);
    let fn: Atom | undefined;
    if (braced !== null) fn = braceAtom(braced[1]!, braced[2]!);
    else if (atom !== undefined && Object.hasOwn(ATOMS, atom)) fn = ATOMS[atom];
    if (fn === undefined) {
      const shown = piece === '%' ? `'%' at index ${match.index} (write %% for a percent sign)` : describeValue(piece);
      throw new ImproperlyConfigured(
        `accessLog() option format ${describeValue(format)} has an unknown atom ${shown}. ` +
          `Use 'common', 'combined', 'json' or gunicorn atoms: ${Object.keys(ATOMS).map((name) => `%(${name})s`).join(' ')} %({header}i)s %({header}o)s %({key}e)s.`,
      );
    }
    parts.push(fn);
  }
  parts.push(format.slice(last));
  const compiled = parts.filter((part) => part !== '');
  return (entry) => {
    let line = '';
    for (const part of compiled) line += typeof part === 'string' ? part : part(entry);
    return line;
  };
}

/** Text for JSON: byte strings decoded as UTF-8, `null` when absent. */
function text(value: string | undefined): string | null {
  return value === undefined ? null : Buffer.from(value, 'latin1').toString('utf8');
}

/** One JSON object per line; the field names are stable (dashboards key on them). */
export function jsonLine(entry: LogEntry): string {
  const { environ } = entry;
  const error = entry.error;
  return JSON.stringify({
    time: new Date(entry.start).toISOString(),
    remote_addr: text(environ.REMOTE_ADDR),
    remote_user: text(environ.REMOTE_USER),
    method: text(entry.request.method),
    target: text(entry.request.target),
    protocol: text(entry.request.protocol),
    status: entry.status === 0 ? null : entry.status,
    bytes: entry.bytes,
    duration_ms: micros(entry) / 1000,
    referer: text(stringKey(environ, 'HTTP_REFERER')),
    user_agent: text(stringKey(environ, 'HTTP_USER_AGENT')),
    request_id: text(stringKey(environ, 'tsgi.request_id')),
    aborted: entry.aborted,
    error: error === undefined ? null : error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}
