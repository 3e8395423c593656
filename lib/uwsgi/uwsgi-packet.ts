/**
 * The uwsgi packet codec (uWSGI's `Protocol.rst`), pure: bytes in, values out.
 *
 * A packet is a 4-byte header — `modifier1` (u8), `datasize` (u16
 * little-endian), `modifier2` (u8) — and a vars block of `datasize` bytes:
 * pairs of a u16-LE key length, the key, a u16-LE value length, the value.
 * For a request (`modifier1` 0) the body follows the block on the same
 * stream, `CONTENT_LENGTH` bytes of it. Keys and values are byte strings:
 * one latin-1 code unit per byte, as environ values are.
 *
 * The decoder checks what uWSGI's own parser checks, and names the broken
 * rule in a `UwsgiProtocolError`: a block over the buffer size, a key of
 * length 0, a length that runs past the block, bytes left over that cannot
 * hold a var, an unknown `modifier1`, and — the classic misconfiguration — a
 * plain HTTP request sent to the uwsgi socket (`GET ` read as a header is
 * modifier1 71 with a 21573-byte block: uWSGI's "invalid request block size: 21573").
 *
 * @example
 * const bytes = encodePacket({ vars: { REQUEST_METHOD: 'GET', REQUEST_URI: '/' } });
 * const packet = decodePacket(bytes); // { modifier1: 0, modifier2: 0, vars: [...], consumed: bytes.length }
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import { UwsgiProtocolError } from './uwsgi-protocol-error.js';

/** `modifier1` of a request for the application, with the body after the vars ("WSGI request"). */
export const MODIFIER_REQUEST = 0;
/** `modifier1` of a ping; the answer is a header with `modifier1` 100 and no vars. */
export const MODIFIER_PING = 100;
/** The header's size in bytes. */
export const HEADER_SIZE = 4;
/** uWSGI's default `buffer-size`: the largest vars block accepted unless raised. */
export const DEFAULT_MAX_BLOCK_SIZE = 4096;
/** The most a u16 `datasize` can say. */
export const MAX_BLOCK_SIZE = 65535;

/** The vars of a packet: pairs in order (repeats kept), or an object. */
export type UwsgiVars = ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>;

export interface EncodePacketInput {
  /** @default 0 (a request) */
  modifier1?: number;
  /** @default 0 */
  modifier2?: number;
  vars: UwsgiVars;
}

/** The 4-byte header as read, unchecked. */
export interface UwsgiHeader {
  modifier1: number;
  /** The size of the vars block that follows. */
  datasize: number;
  modifier2: number;
}

/** One decoded packet. */
export interface UwsgiPacket {
  modifier1: number;
  modifier2: number;
  /** Every var in arrival order, repeats kept. */
  vars: Array<[string, string]>;
  /** Bytes the packet took: the header and the vars block. What follows (the body) is not included. */
  consumed: number;
}

export interface DecodeOptions {
  /**
   * The largest vars block accepted, in bytes (uWSGI's `buffer-size`). nginx
   * sends every request header in it, so requests with big cookies may need more.
   * @default 4096 (at most 65535)
   */
  maxBlockSize?: number;
}

/** The packet for `input`, ready to write to a socket. */
export function encodePacket(input: EncodePacketInput): Uint8Array {
  const modifier1 = checkModifier('modifier1', input.modifier1 ?? MODIFIER_REQUEST);
  const modifier2 = checkModifier('modifier2', input.modifier2 ?? 0);
  const pairs = Array.isArray(input.vars) ? (input.vars as ReadonlyArray<readonly [string, string]>) : Object.entries(input.vars);
  const encoded: Buffer[] = [];
  let size = 0;
  for (const [key, value] of pairs) {
    if (key === '') throw new RangeError('encodePacket() got a var with an empty key; uwsgi keys cannot be empty. Remove it or give it a name.');
    for (const part of [key, value]) {
      const bytes = byteStringBytes(part, key);
      const length = Buffer.alloc(2);
      length.writeUInt16LE(bytes.length);
      encoded.push(length, bytes);
      size += 2 + bytes.length;
    }
  }
  if (size > MAX_BLOCK_SIZE) {
    throw new RangeError(
      `encodePacket() vars take ${size} bytes; a uwsgi vars block holds at most ${MAX_BLOCK_SIZE}. Send fewer or shorter vars.`,
    );
  }
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt8(modifier1, 0);
  header.writeUInt16LE(size, 1);
  header.writeUInt8(modifier2, 3);
  return Buffer.concat([header, ...encoded], HEADER_SIZE + size);
}

/** The header at the start of `bytes`, unchecked; `null` when fewer than 4 bytes arrived. */
export function decodeHeader(bytes: Uint8Array): UwsgiHeader | null {
  if (bytes.length < HEADER_SIZE) return null;
  return { modifier1: bytes[0]!, datasize: bytes[1]! | (bytes[2]! << 8), modifier2: bytes[3]! };
}

/**
 * Decodes the packet at the start of `bytes`. Returns `null` when more bytes
 * are needed; throws `UwsgiProtocolError` as soon as the bytes cannot become
 * a valid packet (a bad header is reported from its first 4 bytes, before the
 * block arrives). Work is linear in the block's size: it never loops on input.
 */
export function decodePacket(bytes: Uint8Array, options: DecodeOptions = {}): UwsgiPacket | null {
  const maxBlockSize = checkMaxBlockSize(options.maxBlockSize, 'decodePacket()');
  const header = decodeHeader(bytes);
  if (header === null) return null;
  checkHeader(bytes, header, maxBlockSize);
  const end = HEADER_SIZE + header.datasize;
  if (bytes.length < end) return null;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  return { modifier1: header.modifier1, modifier2: header.modifier2, vars: decodeVars(view, HEADER_SIZE, end), consumed: end };
}

/**
 * `maxBlockSize` checked: an integer from 0 to 65535, or the default.
 * @throws ImproperlyConfigured naming the bad value
 */
export function checkMaxBlockSize(value: unknown, caller: string): number {
  if (value === undefined) return DEFAULT_MAX_BLOCK_SIZE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_BLOCK_SIZE) {
    throw new ImproperlyConfigured(
      `${caller} maxBlockSize must be an integer from 0 to ${MAX_BLOCK_SIZE} (bytes); got ${describeValue(value)}. ` +
        `uwsgi's datasize is 16 bits, so ${MAX_BLOCK_SIZE} is the most any proxy can send.`,
    );
  }
  return value;
}

function checkHeader(bytes: Uint8Array, header: UwsgiHeader, maxBlockSize: number): void {
  const { modifier1, datasize } = header;
  if (modifier1 !== MODIFIER_REQUEST && modifier1 !== MODIFIER_PING) {
    if (looksLikeHttp(bytes)) {
      const start = Buffer.from(bytes.buffer, bytes.byteOffset, HEADER_SIZE).toString('latin1');
      throw new UwsgiProtocolError(
        'http-request',
        `uwsgi request: the connection began with ${describeValue(start)}, which is plain HTTP, not uwsgi ` +
          `(read as a uwsgi header it announces a ${datasize}-byte block: uWSGI's "invalid request block size: ${datasize}"). ` +
          'This socket speaks the uwsgi protocol: point an HTTP client at a server started with --protocol http, or use uwsgi_pass in nginx.',
      );
    }
    throw new UwsgiProtocolError(
      'unknown-modifier',
      `uwsgi request: modifier1 ${modifier1} is not served here; got a packet with modifier1 ${modifier1} (modifier2 ${header.modifier2}). ` +
        `Send modifier1 ${MODIFIER_REQUEST} for a request (nginx's default uwsgi_modifier1) or ${MODIFIER_PING} for a ping.`,
    );
  }
  if (datasize > maxBlockSize) {
    throw new UwsgiProtocolError(
      'block-too-large',
      `uwsgi request: the vars block is ${datasize} bytes, over the buffer size of ${maxBlockSize} bytes. ` +
        `Raise maxBlockSize (up to ${MAX_BLOCK_SIZE}; uWSGI calls it buffer-size) if your proxy sends headers this large.`,
    );
  }
}

/** The first bytes are an HTTP method and a space: `GET `, `POST`, `HEAD`, `PRI ` (three capitals, then a capital or a space). */
function looksLikeHttp(bytes: Uint8Array): boolean {
  for (let i = 0; i < 3; i++) if (!isCapital(bytes[i]!)) return false;
  return isCapital(bytes[3]!) || bytes[3] === 0x20;
}

function isCapital(byte: number): boolean {
  return byte >= 0x41 && byte <= 0x5a;
}

/** The vars in `view[start, end)`; each step moves forward at least 4 bytes. */
function decodeVars(view: Buffer, start: number, end: number): Array<[string, string]> {
  const vars: Array<[string, string]> = [];
  let at = start;
  while (at < end) {
    if (end - at < 2) {
      throw new UwsgiProtocolError(
        'trailing-bytes',
        `uwsgi request: the vars block ends with ${end - at} stray byte after ${vars.length} vars; got no room for another key length. ` +
          'The sender computed datasize wrongly: it must be the exact size of the vars.',
      );
    }
    const keyLength = view.readUInt16LE(at);
    at += 2;
    if (keyLength === 0) {
      throw new UwsgiProtocolError(
        'empty-key',
        `uwsgi request: var ${vars.length + 1} has an empty key (uWSGI: "uwsgi key cannot be null"). The sender must name every var.`,
      );
    }
    at = checkRoom(at, keyLength, end, 'key', vars.length);
    const key = view.toString('latin1', at - keyLength, at);
    if (end - at < 2) {
      throw new UwsgiProtocolError(
        'size-overrun',
        `uwsgi request: var ${describeValue(key)} has no value length; the vars block ends ${end - at} bytes after its key. ` +
          'The sender must follow every key with a u16 value length.',
      );
    }
    const valueLength = view.readUInt16LE(at);
    at = checkRoom(at + 2, valueLength, end, `value of ${describeValue(key)}`, vars.length);
    vars.push([key, view.toString('latin1', at - valueLength, at)]);
  }
  return vars;
}

/** `at + length`, when that stays inside the block. */
function checkRoom(at: number, length: number, end: number, what: string, index: number): number {
  if (at + length > end) {
    throw new UwsgiProtocolError(
      'size-overrun',
      `uwsgi request: the ${what} of var ${index + 1} is said to be ${length} bytes, but only ${end - at} remain in the vars block. ` +
        'The sender wrote a length that overruns datasize.',
    );
  }
  return at + length;
}

function checkModifier(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) {
    throw new RangeError(`encodePacket() ${name} must be an integer from 0 to 255; got ${describeValue(value)}.`);
  }
  return value;
}

/** The latin-1 bytes of a key or value; text above U+00FF is refused rather than cut to 8 bits. */
function byteStringBytes(value: unknown, key: string): Buffer {
  if (typeof value !== 'string') {
    throw new TypeError(`encodePacket() var ${describeValue(key)} must be a string; got ${describeValue(value)}.`);
  }
  if (/[^\x00-\xff]/.test(value)) {
    throw new TypeError(
      `encodePacket() var ${describeValue(key)} is not a byte string: ${describeValue(value)} has a character above U+00FF. ` +
        'Encode text first, e.g. with utf8ToByteString().',
    );
  }
  const bytes = Buffer.from(value, 'latin1');
  if (bytes.length > MAX_BLOCK_SIZE) {
    throw new RangeError(`encodePacket() var ${describeValue(key)} is ${bytes.length} bytes; a uwsgi key or value holds at most ${MAX_BLOCK_SIZE}.`);
  }
  return bytes;
}
