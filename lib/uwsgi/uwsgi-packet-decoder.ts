/**
 * Decodes one uwsgi packet from a stream that arrives in pieces (a socket's
 * chunks), without copying bytes more than once: pieces are kept until the
 * header, then the whole block, are there, and only then joined and decoded.
 * What arrived after the packet is the start of the body (`rest`).
 *
 * Memory is bounded by the buffer size: a header announcing a larger block is
 * refused as soon as its 4 bytes are in, so a sender cannot make the decoder
 * hold more than `4 + maxBlockSize` bytes plus one socket chunk.
 *
 * @example
 * const decoder = new UwsgiPacketDecoder({ maxBlockSize: 8192 });
 * socket.on('data', (chunk) => {
 *   const packet = decoder.push(chunk); // throws UwsgiProtocolError for a bad packet
 *   if (packet !== null) handle(packet, decoder.rest);
 * });
 */
import { Buffer } from 'node:buffer';
import { TsgiError } from '../protocol/errors.js';
import { checkMaxBlockSize, decodeHeader, decodePacket, HEADER_SIZE } from './uwsgi-packet.js';
import type { DecodeOptions, UwsgiPacket } from './uwsgi-packet.js';

const EMPTY = Buffer.alloc(0);

export class UwsgiPacketDecoder {
  readonly #maxBlockSize: number;
  #pieces: Buffer[] = [];
  #length = 0;
  /** Bytes needed before decoding is worth trying: the header, then header and block. */
  #needed = HEADER_SIZE;
  #packet: UwsgiPacket | null = null;
  #rest: Buffer = EMPTY;

  /** @throws ImproperlyConfigured for a bad `maxBlockSize`, at once. */
  constructor(options: DecodeOptions = {}) {
    this.#maxBlockSize = checkMaxBlockSize(options.maxBlockSize, 'UwsgiPacketDecoder');
  }

  /** The packet, once `push()` has returned it. */
  get packet(): UwsgiPacket | null {
    return this.#packet;
  }

  /** The bytes that arrived after the packet (the start of the body); empty until then. */
  get rest(): Buffer {
    return this.#rest;
  }

  /**
   * Adds bytes; returns the packet once it is complete, else `null`.
   * @throws UwsgiProtocolError when the bytes cannot become a valid packet
   */
  push(chunk: Uint8Array): UwsgiPacket | null {
    if (this.#packet !== null) {
      throw new TsgiError(
        'UwsgiPacketDecoder.push() was called after the packet was complete; got more bytes. Read the body from decoder.rest and the stream instead.',
      );
    }
    if (chunk.length === 0) return null;
    this.#pieces.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#length += chunk.length;
    if (this.#length < this.#needed) return null;
    const bytes = this.#joined();
    const packet = decodePacket(bytes, { maxBlockSize: this.#maxBlockSize });
    if (packet === null) {
      // decodePacket accepted the header, so the block size is within bounds.
      this.#needed = HEADER_SIZE + decodeHeader(bytes)!.datasize;
      return null;
    }
    this.#packet = packet;
    this.#rest = bytes.subarray(packet.consumed);
    this.#pieces = [];
    return packet;
  }

  #joined(): Buffer {
    if (this.#pieces.length > 1) this.#pieces = [Buffer.concat(this.#pieces, this.#length)];
    return this.#pieces[0]!;
  }
}
