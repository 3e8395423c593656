/**
 * What the gateway tells an application that broke a rule of the response
 * (PEP 3333 "Handling the Content-Length Header", "The write() Callable"):
 * each error says what happened, with the values, and what to do instead.
 */
import { describeValue } from '../protocol/describe-value.js';
import { ClientDisconnected, ProtocolError } from '../protocol/errors.js';

const ignore = (): void => {};

/** A rejected Promise that does not count as unhandled: write() callers may not await. */
export function rejected(error: unknown): Promise<never> {
  const promise = Promise.reject(error);
  promise.catch(ignore);
  return promise;
}

export function disconnectedError(): ClientDisconnected {
  return new ClientDisconnected('The client disconnected; write() cannot send any more data.');
}

export function writeChunkError(chunk: unknown): ProtocolError {
  const advice = typeof chunk === 'string' ? ' Encode text first, e.g. write(Buffer.from(text)).' : '';
  return new ProtocolError(`write() chunk must be a Uint8Array; got ${describeValue(chunk)}.${advice}`);
}

export function lateWriteError(chunk: unknown): ProtocolError {
  return new ProtocolError(
    `write() was called after the response finished; got ${describeValue(chunk)}. ` +
      "The data was dropped: write only before the application's body ends.",
  );
}

/** Body bytes (`from` the body or `write()`) came before any startResponse(). */
export function bytesBeforeStartError(from: 'body' | 'write()', length: number): ProtocolError {
  return new ProtocolError(
    `The ${from === 'body' ? 'body yielded' : 'application wrote'} ${length} bytes before startResponse() was called. ` +
      'Call startResponse(status, headers) before returning the body or during its first iteration.',
  );
}

export function endedWithoutStartError(): ProtocolError {
  return new ProtocolError(
    "The application's body ended without startResponse() having been called. " +
      'Call startResponse(status, headers) before returning the body or during its first iteration.',
  );
}

/** A chunk of `length` bytes (`from` the body or `write()`) went past the Content-Length after `sent` bytes. */
export function overflowError(limit: number, from: 'body' | 'write()', length: number, sent: number): ProtocolError {
  return new ProtocolError(
    `The application sent more than its Content-Length of ${limit} bytes: ${from} gave ${length} bytes after ${sent}. ` +
      'The response was cut at the Content-Length; send exactly that many bytes, or leave the header out.',
  );
}

export function shortBodyError(limit: number, sent: number): ProtocolError {
  return new ProtocolError(
    `The application declared Content-Length: ${limit} but sent ${sent} bytes. ` +
      'The response was aborted so the client can tell it is incomplete; send exactly that many bytes, or leave the header out.',
  );
}
