/**
 * The socket under the `IncomingMessage` and `ServerResponse` that
 * `fromNodeHandler` gives a Node handler. Node's own request and response
 * classes are used, not look-alikes, because Express and connect swap their
 * prototypes for their own (`Object.setPrototypeOf(res, app.response)`): a
 * look-alike's methods would vanish, while node's keep working as long as
 * the socket they talk to behaves. This class is that socket:
 *
 * - **Request body.** `IncomingMessage` asks its socket to `resume()` when
 *   the handler wants more body (that is how node's server applies
 *   backpressure to a connection). Each `resume()` pulls from `tsgi.input`
 *   and pushes into the request until it is full, so the body streams and is
 *   never buffered whole; the first pull is what makes the gateway answer
 *   `Expect: 100-continue`.
 * - **Response.** `ServerResponse` writes the serialized head and then the
 *   body bytes here; chunked coding is turned off on the response (the
 *   gateway frames the real one), so after the head every byte is body. A
 *   write's callback runs only when the gateway asks for the next chunk, so
 *   `res.write()` returns `false` and `'drain'` follows exactly as with a
 *   slow client. Writes skip `Writable`'s buffer and ticks (the hello-world
 *   cost): the socket counts and corks them itself.
 * - **Close.** Destroying the socket is how node tells a response its
 *   connection is gone (`'close'` on the response); the adapter does it when
 *   the client leaves, and learns from it when the handler gives up. A
 *   complete response is let go of instead, as node's server does on a
 *   kept-alive connection.
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { InputStream } from '../protocol/types.js';
import { parseHead, serializedHead } from './_node-head.js';
import type { NodeHead } from './_node-head.js';

/** Where the socket delivers what the handler sends. */
export interface ResponseTarget {
  /** The handler's status and headers, once node serialized them. */
  head(head: NodeHead): void;
  /** Body bytes; `done` is called when more may be written. */
  chunk(bytes: Uint8Array, done: () => void): void;
  /** The socket was destroyed by the handler (or node on its behalf); `error` if one was given. */
  destroyed(error: Error | null): void;
  /** Something moved: body read or response written (for the idle timeout). */
  activity(): void;
}

/** The peer and local addresses a handler reads from `req.socket` (undefined when the environ has none). */
export interface SocketAddresses {
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  localAddress: string | undefined;
  localPort: number | undefined;
  /** True for https: Express's `req.protocol` and `req.secure` read it. */
  encrypted: boolean;
}

type WriteCallback = (error: Error | null) => void;
interface Held {
  data: string | Uint8Array;
  encoding: BufferEncoding;
  done: WriteCallback;
}
const nop = (): void => {};

/** How much body one pull asks `tsgi.input` for. */
const READ_SIZE = 64 * 1024;

export class AdapterSocket extends Writable {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  readonly encrypted: boolean;
  /** `Writable`'s state: node's `ServerResponse#end()` sets `corked` on it directly. */
  declare readonly _writableState: { corked: number };
  /** True while request body may still come: `IncomingMessage` only asks a readable socket to resume. */
  readable = true;

  readonly #target: ResponseTarget;
  #req: IncomingMessage | undefined;
  #res: ServerResponse | undefined;
  #input: InputStream | null = null;
  #pumping = false;
  #headPending = true;
  /** Set by the adapter before it destroys the socket itself, so that is not taken for the handler's doing. */
  #closing = false;
  /** Bytes (or string units) written and not yet sent. */
  #length = 0;
  #needDrain = false;
  /** Writes held while the socket is corked. */
  #corked: Held[] = [];

  constructor(addresses: SocketAddresses, target: ResponseTarget) {
    // Strings are kept as given so the head can be told from the body that follows it.
    super({ decodeStrings: false });
    this.remoteAddress = addresses.remoteAddress;
    this.remotePort = addresses.remotePort;
    this.localAddress = addresses.localAddress;
    this.localPort = addresses.localPort;
    this.encrypted = addresses.encrypted;
    this.#target = target;
  }

  /** Connects the request (with its body, or null for none) and the response made on this socket. */
  attach(req: IncomingMessage, res: ServerResponse, input: InputStream | null): void {
    this.#req = req;
    this.#res = res;
    this.#input = input;
    if (input === null) this.#endBody();
  }

  /** Called by `IncomingMessage#_read`: the handler wants more request body. */
  resume(): this {
    if (!this.#pumping && this.readable && this.#req !== undefined) void this.#pump();
    return this;
  }

  /** node's server pauses a socket to stop the parser; there is no parser here. */
  pause(): this {
    return this;
  }

  /** Destroys the socket on the adapter's behalf (client gone, timeout, failure). */
  close(): void {
    this.#closing = true;
    this.destroy();
  }

  // What handlers call on `req.socket`; timeouts here are the adapter's (`timeoutMs`).
  setTimeout(_ms: number, _callback?: () => void): this {
    return this;
  }
  setNoDelay(_noDelay?: boolean): this {
    return this;
  }
  setKeepAlive(_enable?: boolean, _delay?: number): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  address(): { address: string; port: number; family: string } | Record<string, never> {
    if (this.localAddress === undefined) return {};
    return { address: this.localAddress, port: this.localPort ?? 0, family: this.localAddress.includes(':') ? 'IPv6' : 'IPv4' };
  }

  /**
   * What `ServerResponse` writes with. It stands in for `Writable#write`: every write goes to the
   * target at once (the target queues them), which spares node's write buffer and the tick per
   * write; a corked socket (node corks while it writes a head and a body) holds writes until uncorked.
   */
  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    const done = (typeof encoding === 'function' ? encoding : typeof callback === 'function' ? callback : nop) as WriteCallback;
    const coding = typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8';
    if (this.destroyed) {
      process.nextTick(done, new Error('fromNodeHandler: write after the response was closed.'));
      return false;
    }
    const data = chunk as string | Uint8Array;
    this.#length += data.length;
    if (this._writableState.corked > 0) this.#corked.push({ data, encoding: coding, done });
    else this.#deliver(data, coding, done);
    if (this.#length < this.writableHighWaterMark) return true;
    this.#needDrain = true;
    return false;
  }

  override cork(): void {
    this._writableState.corked += 1;
  }

  override uncork(): void {
    const state = this._writableState;
    if (state.corked === 0) return;
    state.corked -= 1;
    if (state.corked > 0 || this.#corked.length === 0) return;
    const held = this.#corked;
    this.#corked = [];
    for (const { data, encoding, done } of held) {
      if (this.destroyed) process.nextTick(done, new Error('fromNodeHandler: write after the response was closed.'));
      else this.#deliver(data, encoding, done);
    }
  }

  /** Bytes written and not yet sent: what `written()` and node's `writableLength` read. */
  get pendingLength(): number {
    return this.#length;
  }

  #deliver(chunk: string | Uint8Array, encoding: BufferEncoding, callback: WriteCallback): void {
    this.#target.activity();
    const length = chunk.length;
    let data = chunk;
    if (this.#headPending) {
      const head = this.#res === undefined ? null : serializedHead(this.#res);
      // Bytes before the head are an informational response (`writeContinue()`, `writeEarlyHints()`):
      // the gateway answers `Expect: 100-continue` itself, and tsgi has no other 1xx.
      if (head === null) {
        this.#written(length, callback);
        return;
      }
      if (typeof data !== 'string' || !data.startsWith(head)) {
        const error = new Error('fromNodeHandler: the response did not begin with the head node serialized; this node version writes responses differently.');
        process.nextTick(callback, error);
        this.destroy(error);
        return;
      }
      this.#headPending = false;
      this.#target.head(parseHead(this.#res!, head));
      data = data.slice(head.length);
    }
    // Nothing left once the head is cut off (node wrote it alone, before a Buffer body), or node's
    // final empty write: no Buffer is made for it.
    const bytes = data.length === 0 ? null : typeof data === 'string' ? Buffer.from(data, encoding) : data;
    // Like node's own write callbacks, an empty write's runs on the next tick (node's 'finish' is one).
    if (bytes === null || bytes.length === 0) this.#written(length, callback);
    else this.#target.chunk(bytes, () => this.#sent(length, callback));
  }

  /** A write with nothing to send: counted out now, its callback on the next tick (as `Writable` does). */
  #written(length: number, callback: WriteCallback): void {
    this.#length -= length;
    // No one waits on a write without a callback (node's head, flushed alone) unless a 'drain' is
    // owed: then the tick still runs and emits it. A 'drain' owed later comes from a write still unsent.
    if (callback === nop && !this.#needDrain) return;
    process.nextTick(() => this.#sent(0, callback));
  }

  /** A write went out: 'drain' once nothing is left (as `Writable` does), then its callback. */
  #sent(length: number, callback: WriteCallback): void {
    this.#length -= length;
    if (this.#needDrain && this.#length === 0 && !this.destroyed) {
      this.#needDrain = false;
      this.emit('drain');
      // node's server forwards its socket's 'drain' to the response it is writing (`ondrain`).
      this.#res?.emit('drain');
    }
    callback(null);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.readable = false;
    if (!this.#closing) this.#target.destroyed(error);
    // The error went to the target; passing it on would emit 'error' with no one to hear it.
    callback(null);
  }

  /** Pulls body from `tsgi.input` into the request until it is full or the body ends. */
  async #pump(): Promise<void> {
    const req = this.#req!;
    const input = this.#input!;
    this.#pumping = true;
    try {
      for (;;) {
        const chunk = await input.read(READ_SIZE);
        if (req.destroyed) return;
        this.#target.activity();
        if (chunk.length === 0) {
          this.#endBody();
          return;
        }
        if (!req.push(chunk)) return;
      }
    } catch (error) {
      // The client left mid-upload (ClientDisconnected) or the input failed: as node's
      // server does, the request is destroyed and the handler sees 'aborted' and 'close'.
      this.readable = false;
      req.destroy(error as Error);
    } finally {
      this.#pumping = false;
    }
  }

  #endBody(): void {
    const req = this.#req!;
    this.readable = false;
    req.complete = true;
    req.push(null);
  }
}

// node reads `writableLength` from its socket (`res.writableLength`, `res.writableFinished`); the
// writes never enter `Writable`'s own buffer, so the count is the socket's. A property in
// `Writable`'s typings, so it is replaced here rather than overridden in the class.
Object.defineProperty(AdapterSocket.prototype, 'writableLength', {
  get(this: AdapterSocket): number {
    return this.pendingLength;
  },
  configurable: true,
});
