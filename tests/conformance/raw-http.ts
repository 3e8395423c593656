/**
 * A raw HTTP/1.x exchange over a `net` socket, for what node's http client
 * cannot send or will not show: HTTP/1.0 requests, repeated Cookie lines,
 * close-delimited bodies. It reads the response byte by byte as sent, so a
 * missing terminating chunk or a short body is visible as `aborted`.
 */
import net from 'node:net';
import { Headers } from '../../lib/protocol/headers.js';
import { framingOf, type ConformanceRequest, type ConformanceResponse } from './front-end.js';

/** Sends `request` to 127.0.0.1:`port` on a fresh connection and reads one response. */
export async function rawExchange(port: number, request: ConformanceRequest): Promise<Omit<ConformanceResponse, 'errorsText'>> {
  const method = request.method ?? 'GET';
  const headers = [...(request.headers ?? [])];
  const has = (name: string): boolean => headers.some(([key]) => key.toLowerCase() === name);
  if (!has('host')) headers.unshift(['Host', `127.0.0.1:${port}`]);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  if (body !== undefined && !has('content-length')) headers.push(['Content-Length', String(body.length)]);
  if (request.bodyChunks !== undefined && !has('transfer-encoding')) headers.push(['Transfer-Encoding', 'chunked']);
  if (request.expectContinue === true) headers.push(['Expect', '100-continue']);
  // One request per connection: the response then ends with the connection at the latest.
  if ((request.protocol ?? 'HTTP/1.1') === 'HTTP/1.1' && !has('connection')) headers.push(['Connection', 'close']);
  const head = `${method} ${request.target ?? '/'} ${request.protocol ?? 'HTTP/1.1'}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;

  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const sendBody = (): void => {
    if (body !== undefined) socket.write(body);
    for (const chunk of request.bodyChunks ?? []) {
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n');
    }
    if (request.bodyChunks !== undefined) socket.write('0\r\n\r\n');
  };
  socket.write(head, 'latin1');
  if (request.expectContinue !== true) sendBody();

  const reader = new ByteReader(socket);
  const result = { continued: false, aborted: false, bodyLength: 0, chunks: [] as Buffer[] };
  try {
    let status: number;
    let statusLine: string;
    let responseHeaders: Headers;
    for (;;) {
      const line = await reader.line();
      if (line === undefined) throw new Error('rawExchange: the connection closed before a response head.');
      const match = /^HTTP\/\d\.\d (\d{3}) ?(.*)$/.exec(line);
      if (match === null) throw new Error(`rawExchange: not an HTTP status line: '${line}'.`);
      status = Number(match[1]);
      statusLine = `${status} ${match[2] ?? ''}`;
      responseHeaders = new Headers();
      for (let field = await reader.line(); field !== ''; field = await reader.line()) {
        if (field === undefined) throw new Error('rawExchange: the connection closed inside a response head.');
        const colon = field.indexOf(':');
        responseHeaders.add(field.slice(0, colon), field.slice(colon + 1).trim());
      }
      if (status >= 200) break;
      if (status === 100) {
        result.continued = true;
        sendBody();
      }
    }
    const framing = framingOf(method, status, responseHeaders);
    const deliver = async (chunk: Buffer): Promise<boolean> => {
      result.bodyLength += chunk.length;
      if (request.onBodyChunk !== undefined) await request.onBodyChunk(chunk);
      else result.chunks.push(chunk);
      return request.disconnectAfter === undefined || result.bodyLength < request.disconnectAfter;
    };
    const disconnect = (): void => {
      result.aborted = true;
      socket.destroy();
    };
    if (request.disconnectAfter === 0) disconnect();
    else if (framing === 'length') {
      let remaining = Number(responseHeaders.get('Content-Length'));
      while (remaining > 0) {
        const chunk = await reader.some(remaining);
        if (chunk === undefined) {
          result.aborted = true;
          break;
        }
        remaining -= chunk.length;
        if (!(await deliver(chunk))) {
          disconnect();
          break;
        }
      }
    } else if (framing === 'chunked') {
      // disconnect() has already marked an early stop as aborted: do not overwrite it.
      if (!(await readChunked(reader, deliver, disconnect))) result.aborted = true;
    } else if (framing === 'close') {
      for (let chunk = await reader.some(Infinity); chunk !== undefined; chunk = await reader.some(Infinity)) {
        if (!(await deliver(chunk))) {
          disconnect();
          break;
        }
      }
      // A close-delimited body is complete at a clean close; a reset means it was cut.
      if (reader.failed) result.aborted = true;
    }
    return {
      status,
      statusLine,
      headers: responseHeaders,
      body: Buffer.concat(result.chunks),
      bodyLength: result.bodyLength,
      framing,
      aborted: result.aborted,
      continued: result.continued,
    };
  } finally {
    socket.destroy();
  }
}

/** Reads a chunked body; false when it ended without the terminating chunk. */
async function readChunked(reader: ByteReader, deliver: (chunk: Buffer) => Promise<boolean>, disconnect: () => void): Promise<boolean> {
  for (;;) {
    const sizeLine = await reader.line();
    if (sizeLine === undefined) return false;
    const size = Number.parseInt(sizeLine.split(';')[0] ?? '', 16);
    if (Number.isNaN(size)) throw new Error(`rawExchange: bad chunk size line '${sizeLine}'.`);
    if (size === 0) {
      for (let trailer = await reader.line(); trailer !== ''; trailer = await reader.line()) {
        if (trailer === undefined) return false;
      }
      return true;
    }
    let remaining = size;
    while (remaining > 0) {
      const chunk = await reader.some(remaining);
      if (chunk === undefined) return false;
      remaining -= chunk.length;
      if (!(await deliver(chunk))) {
        disconnect();
        return true;
      }
    }
    if ((await reader.line()) !== '') return false;
  }
}

/** Pull-based reading of a socket: lines for the head, byte runs for the body. */
class ByteReader {
  #iterator: AsyncIterator<Buffer>;
  #buffer: Buffer = Buffer.alloc(0);
  #ended = false;
  /** True when the connection was reset rather than closed cleanly. */
  failed = false;

  constructor(socket: net.Socket) {
    this.#iterator = (socket as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** The next CRLF-terminated line without its CRLF (latin-1), or undefined at the end. */
  async line(): Promise<string | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.#buffer.subarray(0, end).toString('latin1');
        this.#buffer = this.#buffer.subarray(end + 2);
        return line;
      }
      if (!(await this.#more())) return undefined;
    }
  }

  /** Up to `max` bytes (at least one), or undefined at the end. */
  async some(max: number): Promise<Buffer | undefined> {
    if (this.#buffer.length === 0 && !(await this.#more())) return undefined;
    const take = Math.min(max, this.#buffer.length);
    const chunk = this.#buffer.subarray(0, take);
    this.#buffer = this.#buffer.subarray(take);
    return chunk;
  }

  async #more(): Promise<boolean> {
    if (this.#ended) return false;
    try {
      const next = await this.#iterator.next();
      if (next.done === true) {
        this.#ended = true;
        return false;
      }
      this.#buffer = this.#buffer.length === 0 ? next.value : Buffer.concat([this.#buffer, next.value]);
      return true;
    } catch {
      // ECONNRESET and the like: the peer aborted; callers see the end.
      this.#ended = true;
      this.failed = true;
      return false;
    }
  }
}
