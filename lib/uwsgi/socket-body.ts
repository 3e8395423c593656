/**
 * A request body read from a socket, as the gateway wants it: an async
 * iterable of chunks, pulled only when the application reads `tsgi.input`,
 * so a slow reader holds the sender back (TCP backpressure) instead of the
 * body piling up in memory.
 *
 * It yields the bytes that came in with the packet first, then the socket's,
 * and stops at `length` bytes (CONTENT_LENGTH). Once the body is complete the
 * socket goes on being read and its bytes dropped, so the peer's close is seen.
 * A socket that ends early ends the iterable early: `tsgi.input` reports that
 * as a client disconnect.
 *
 * @example
 * request.body = socketBody(socket, decoder.rest, contentLength);
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** The body of `length` bytes: `first`, then what `socket` (paused) delivers. */
export function socketBody(socket: Socket, first: Buffer, length: number): AsyncIterable<Uint8Array> {
  return { [Symbol.asyncIterator]: () => new SocketBodyIterator(socket, first, length) };
}

class SocketBodyIterator implements AsyncIterator<Uint8Array> {
  readonly #socket: Socket;
  #first: Buffer;
  #remaining: number;

  constructor(socket: Socket, first: Buffer, length: number) {
    this.#socket = socket;
    this.#first = first;
    this.#remaining = length;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#remaining === 0) return DONE;
    let chunk: Buffer | null = this.#first;
    this.#first = Buffer.alloc(0);
    if (chunk.length === 0) chunk = await this.#read();
    if (chunk === null) return DONE;
    if (chunk.length > this.#remaining) chunk = chunk.subarray(0, this.#remaining);
    this.#remaining -= chunk.length;
    if (this.#remaining === 0) this.#drop();
    return { done: false, value: chunk };
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    return DONE;
  }

  /** The next chunk from the socket, or null at its end. */
  #read(): Promise<Buffer | null> {
    const socket = this.#socket;
    return new Promise((resolve) => {
      const attempt = (): void => {
        if (socket.destroyed || socket.readableEnded) {
          finish(null);
          return;
        }
        const chunk = socket.read() as Buffer | null;
        if (chunk !== null) finish(chunk);
      };
      const finish = (chunk: Buffer | null): void => {
        socket.off('readable', attempt);
        socket.off('end', ended);
        socket.off('close', ended);
        resolve(chunk);
      };
      const ended = (): void => finish(null);
      socket.on('readable', attempt);
      socket.on('end', ended);
      socket.on('close', ended);
      attempt();
    });
  }

  /** The body is complete: read on and drop the rest, so the peer's close is noticed. */
  #drop(): void {
    this.#remaining = 0;
    this.#first = Buffer.alloc(0);
    const socket = this.#socket;
    // After 'readable' listeners, resume() only works once they are gone (they are: #read removes its own).
    setImmediate(() => {
      if (socket.listenerCount('readable') === 0) {
        socket.on('data', () => {});
        socket.resume();
      }
    });
  }
}
