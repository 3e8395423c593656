/**
 * A small uwsgi client: sends one request as nginx's `uwsgi_pass` would and
 * reads back the raw HTTP response. For tests (tsgi's own conformance suite
 * runs through it) and for checking a uwsgi server without nginx.
 *
 * The vars are built as nginx builds them from `uwsgi_params`: the CGI
 * variables (CONTENT_TYPE and CONTENT_LENGTH sent empty when there is no
 * body, as nginx does), `HTTP_HOST`, and one `HTTP_*` var per header line —
 * repeated lines as repeated vars (nginx before 1.23 does that; later ones
 * join them first), header names with `_` dropped (nginx's default
 * `underscores_in_headers off`). `vars` adds or replaces vars.
 *
 * The response is parsed by hand: the status line, header lines, and a body
 * up to `Content-Length` or to the close. This is a test client's parser,
 * lenient and small — not one to put in front of untrusted servers.
 *
 * @example
 * const response = await uwsgiRequest({ host: '127.0.0.1', port: 3031 }, { target: '/hello?x=1' });
 * response.status; // 200
 * response.body.toString(); // 'Hello world!'
 */
import { Buffer } from 'node:buffer';
import net from 'node:net';
import { Headers } from '../protocol/headers.js';
import { percentDecode } from '../gateway/environ.js';
import { encodePacket } from './uwsgi-packet.js';
import type { UwsgiAddress } from './uwsgi-server.js';

export interface UwsgiRequestOptions {
  /** @default 'GET' */
  method?: string;
  /** The request-target as a client sent it, e.g. `/a%20b?x=1`. @default '/' */
  target?: string;
  /** `SERVER_PROTOCOL`. @default 'HTTP/1.1' */
  protocol?: string;
  /** Header lines in order, repeats kept; a Host line is made up when missing. */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** The body (strings as UTF-8), sent with its length as CONTENT_LENGTH. */
  body?: string | Uint8Array;
  /** Vars to add, or to replace by name (every var of that name goes). */
  vars?: Readonly<Record<string, string>>;
  /** Receives body bytes as they arrive (a returned Promise slows the reading); `body` then stays empty. */
  onBodyChunk?: (chunk: Uint8Array) => void | Promise<void>;
  /** Close the connection once this many body bytes arrived (0: right after the head). */
  disconnectAfter?: number;
}

export interface UwsgiResponse {
  status: number;
  /** `'200 OK'`: the code and reason, without the HTTP version. */
  statusLine: string;
  headers: Headers;
  body: Buffer;
  /** Body bytes received, also when `onBodyChunk` consumed them. */
  bodyLength: number;
  /** The body was cut: fewer bytes than Content-Length, a reset connection, or `disconnectAfter`. */
  aborted: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

/** Sends one request to the uwsgi server at `address` and reads its response. */
export async function uwsgiRequest(address: UwsgiAddress, options: UwsgiRequestOptions = {}): Promise<UwsgiResponse> {
  const method = options.method ?? 'GET';
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const socket = 'path' in address ? net.connect(address.path) : net.connect(address.port, address.host);
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const vars = requestVars(address, socket, method, options, body);
    socket.write(encodePacket({ vars }));
    if (body !== undefined && body.length > 0) socket.write(body);
    return await readResponse(socket, method, options);
  } finally {
    socket.destroy();
  }
}

/** The vars nginx would send for this request. */
function requestVars(address: UwsgiAddress, socket: net.Socket, method: string, options: UwsgiRequestOptions, body: Buffer | undefined): Array<[string, string]> {
  const target = options.target ?? '/';
  const mark = target.indexOf('?');
  const headers = options.headers ?? [];
  const header = (name: string): string | undefined => headers.find(([key]) => key.toLowerCase() === name)?.[1];
  const host = 'path' in address ? 'localhost' : address.host;
  const port = 'path' in address ? '80' : String(address.port);
  const vars: Array<[string, string]> = [
    ['QUERY_STRING', mark === -1 ? '' : target.slice(mark + 1)],
    ['REQUEST_METHOD', method],
    ['CONTENT_TYPE', header('content-type') ?? ''],
    ['CONTENT_LENGTH', header('content-length') ?? (body === undefined ? '' : String(body.length))],
    ['REQUEST_URI', target],
    ['PATH_INFO', percentDecode(mark === -1 ? target : target.slice(0, mark))],
    ['DOCUMENT_ROOT', '/var/www/html'],
    ['SERVER_PROTOCOL', options.protocol ?? 'HTTP/1.1'],
    ['REQUEST_SCHEME', 'http'],
    ['REMOTE_ADDR', socket.localAddress ?? '127.0.0.1'],
    ['REMOTE_PORT', String(socket.localPort ?? 0)],
    ['SERVER_PORT', port],
    ['SERVER_NAME', host],
  ];
  if (header('host') === undefined) vars.push(['HTTP_HOST', `${host}:${port}`]);
  for (const [name, value] of headers) {
    if (name.includes('_')) continue;
    const lower = name.toLowerCase();
    if (lower === 'content-type' || lower === 'content-length') continue;
    vars.push([`HTTP_${name.toUpperCase().replaceAll('-', '_')}`, value]);
  }
  for (const [key, value] of Object.entries(options.vars ?? {})) {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i]![0] === key) vars.splice(i, 1);
    vars.push([key, value]);
  }
  return vars;
}

async function readResponse(socket: net.Socket, method: string, options: UwsgiRequestOptions): Promise<UwsgiResponse> {
  const iterator = (socket as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let reset = false;
  const next = async (): Promise<Buffer | undefined> => {
    try {
      const step = await iterator.next();
      return step.done === true ? undefined : step.value;
    } catch {
      reset = true;
      return undefined;
    }
  };
  let buffered = Buffer.alloc(0);
  let end = -1;
  while ((end = buffered.indexOf(HEAD_END)) === -1) {
    const chunk = await next();
    if (chunk === undefined) throw new Error(`uwsgiRequest(): the connection closed before a complete response head; got ${buffered.length} bytes.`);
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length > MAX_HEAD) throw new Error(`uwsgiRequest(): the response head is over ${MAX_HEAD} bytes; the server is not sending HTTP.`);
  }
  const lines = buffered.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (match === null) throw new Error(`uwsgiRequest(): the response does not start with an HTTP status line; got '${lines[0]}'.`);
  const status = Number(match[1]);
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.add(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const noBody = method === 'HEAD' || status === 204 || status === 304 || status < 200;
  const declared = headers.get('Content-Length');
  let remaining = noBody ? 0 : declared === undefined ? Infinity : Number(declared);
  const chunks: Buffer[] = [];
  let bodyLength = 0;
  let aborted = false;
  let chunk: Buffer | undefined = buffered.subarray(end + HEAD_END.length);
  if (options.disconnectAfter === 0) return { status, statusLine: `${status} ${match[2] ?? ''}`, headers, body: Buffer.alloc(0), bodyLength: 0, aborted: true };
  while (remaining > 0) {
    if (chunk === undefined || chunk.length === 0) {
      chunk = await next();
      if (chunk === undefined) {
        aborted = remaining !== Infinity || reset;
        break;
      }
    }
    const piece: Buffer = chunk.subarray(0, Math.min(chunk.length, remaining));
    chunk = undefined;
    remaining -= piece.length;
    bodyLength += piece.length;
    if (options.onBodyChunk !== undefined) await options.onBodyChunk(piece);
    else chunks.push(piece);
    if (options.disconnectAfter !== undefined && bodyLength >= options.disconnectAfter) {
      aborted = true;
      break;
    }
  }
  return { status, statusLine: `${status} ${match[2] ?? ''}`, headers, body: Buffer.concat(chunks), bodyLength, aborted };
}
