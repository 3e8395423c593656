/**
 * Content codings for compress (RFC 9110 §8.4.1): negotiation of
 * `Accept-Encoding` (§12.5.3) and a streaming encoder that flushes after
 * every chunk, so output follows input at once and memory stays bounded.
 */
import { Buffer } from 'node:buffer';
import { brotliCompressSync, constants, createBrotliCompress, createDeflate, createGzip, deflateSync, gzipSync, type BrotliCompress, type Deflate, type Gzip } from 'node:zlib';

export type Encoding = 'br' | 'gzip' | 'deflate';
export const ENCODINGS: readonly Encoding[] = ['br', 'gzip', 'deflate'];

export interface EncoderSettings {
  /** zlib level for gzip and deflate, 0–9. */
  level: number;
  /** Brotli quality, 0–11. */
  brotliQuality: number;
}

/**
 * The coding to use, or `undefined` for identity. Each of ours gets the
 * q-value of its own entry, else that of `*`, else 0; the highest non-zero
 * wins, ties going to the server's order (`preference`). `x-gzip` is gzip
 * (§8.4.1.3). Malformed q-values count as 0.
 */
export function negotiate(header: string | undefined, preference: readonly Encoding[]): Encoding | undefined {
  if (header === undefined) return undefined;
  const weights = new Map<string, number>();
  for (const member of header.split(',')) {
    const [coding = '', ...params] = member.split(';').map((part) => part.trim());
    if (coding === '') continue;
    let q = 1;
    for (const param of params) {
      const match = /^q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)$/i.exec(param);
      if (/^q\s*=/i.test(param)) q = match === null ? 0 : Number(match[1]);
    }
    const name = coding.toLowerCase() === 'x-gzip' ? 'gzip' : coding.toLowerCase();
    weights.set(name, Math.max(q, weights.get(name) ?? 0));
  }
  let best: Encoding | undefined;
  let bestQ = 0;
  for (const encoding of preference) {
    const q = weights.get(encoding) ?? weights.get('*') ?? 0;
    if (q > bestQ) [best, bestQ] = [encoding, q];
  }
  return best;
}

/** The whole of a known body, encoded at once (for array bodies). */
export function encodeAll(encoding: Encoding, data: Uint8Array, settings: EncoderSettings): Buffer {
  if (encoding === 'br') return brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: settings.brotliQuality } });
  return encoding === 'gzip' ? gzipSync(data, { level: settings.level }) : deflateSync(data, { level: settings.level });
}

/** One response's encoder: `write()` returns what the chunk produced, flushed; `end()` the rest. */
export class Encoder {
  readonly encoding: Encoding;
  readonly #stream: Gzip | Deflate | BrotliCompress;
  readonly #flushKind: number;
  #out: Buffer[] = [];
  #error: Error | undefined;

  constructor(encoding: Encoding, settings: EncoderSettings) {
    this.encoding = encoding;
    if (encoding === 'br') {
      this.#stream = createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: settings.brotliQuality } });
      this.#flushKind = constants.BROTLI_OPERATION_FLUSH;
    } else {
      this.#stream = encoding === 'gzip' ? createGzip({ level: settings.level }) : createDeflate({ level: settings.level });
      this.#flushKind = constants.Z_SYNC_FLUSH;
    }
    this.#stream.on('data', (chunk: Buffer) => this.#out.push(chunk));
    this.#stream.on('error', (error: Error) => {
      this.#error = error;
    });
  }

  write(chunk: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.#stream.write(chunk);
      this.#stream.flush(this.#flushKind, () => (this.#error ? reject(this.#error) : resolve(this.#take())));
    });
  }

  end(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.#stream.once('end', () => resolve(this.#take()));
      this.#stream.once('error', reject);
      this.#stream.end();
    });
  }

  /** Frees zlib's memory at once (an aborted response). */
  destroy(): void {
    this.#stream.destroy();
  }

  #take(): Buffer {
    const out = this.#out.length === 1 ? this.#out[0]! : Buffer.concat(this.#out);
    this.#out = [];
    return out;
  }
}
