/**
 * What the gateway accepts as a body and as a chunk (PEP 3333 "The
 * application returns an iterable yielding zero or more bytestrings"; tsgi:
 * an Iterable or AsyncIterable of Uint8Array). Each check names what it got
 * and what to return instead.
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '../protocol/describe-value.js';
import { ProtocolError } from '../protocol/errors.js';

/** Rejects a body that is not an (async) iterable of chunks, naming what it was. */
export function checkBody(body: unknown): void {
  // Both are iterable, of characters and of numbers: the commonest mistakes.
  if (typeof body === 'string') {
    throw new ProtocolError(
      'The application returned a string; it must return an iterable of Uint8Array chunks. Return [Buffer.from(text)] instead.',
    );
  }
  if (body instanceof Uint8Array) {
    throw new ProtocolError(
      'The application returned a Uint8Array; it must return an iterable of chunks. Return [chunk] instead.',
    );
  }
  const object = body as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown } | null | undefined;
  if (typeof object?.[Symbol.asyncIterator] !== 'function' && typeof object?.[Symbol.iterator] !== 'function') {
    throw new ProtocolError(
      `The application returned ${describeValue(body)}; it must return an iterable or async iterable of Uint8Array chunks, ` +
        "e.g. [Buffer.from('hello')].",
    );
  }
}

/** The chunk, if it is a Uint8Array. */
export function checkChunk(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  const advice = typeof chunk === 'string' ? ' Encode text first, e.g. yield Buffer.from(text).' : '';
  throw new ProtocolError(`The body yielded ${describeValue(chunk)}; chunks must be Uint8Array.${advice}`);
}

/**
 * The total length of an array body: wsgiref's `len(result) == 1` rule for
 * computing Content-Length, generalised. Undefined when an item is not a
 * Uint8Array (iterating will report it).
 */
export function arrayLength(body: readonly unknown[]): number | undefined {
  let total = 0;
  for (let i = 0; i < body.length; i++) {
    const chunk = body[i];
    if (!(chunk instanceof Uint8Array)) return undefined;
    total += chunk.length;
  }
  return total;
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}
