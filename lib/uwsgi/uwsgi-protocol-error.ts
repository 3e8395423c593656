/**
 * The error the uwsgi codec and server raise for bytes that are not a valid
 * uwsgi request. Its `code` names the rule that was broken, so a server can
 * choose how to answer (plain HTTP on the socket gets a readable 400; every
 * other violation just closes the connection, as uWSGI does) and tests can
 * check the rule without matching the message.
 *
 * @example
 * try {
 *   decodePacket(bytes);
 * } catch (error) {
 *   if (error instanceof UwsgiProtocolError && error.code === 'http-request') console.error(error.message);
 * }
 */
import { TsgiError } from '../protocol/errors.js';

/** Which rule of the uwsgi protocol the bytes broke. */
export type UwsgiProtocolErrorCode =
  /** The 4-byte header announces a vars block larger than the buffer size (uWSGI's `buffer-size`). */
  | 'block-too-large'
  /** A key of length 0 (uWSGI: "uwsgi key cannot be null"). */
  | 'empty-key'
  /** A key or value length that runs past the end of the vars block. */
  | 'size-overrun'
  /** Bytes left in the vars block too few to hold another key length. */
  | 'trailing-bytes'
  /** A `modifier1` this server does not serve (0 = request, 100 = ping are served). */
  | 'unknown-modifier'
  /** The bytes are a plain HTTP request, sent to a uwsgi socket by mistake. */
  | 'http-request'
  /** The vars of a request are unusable (no REQUEST_METHOD, a CONTENT_LENGTH that is not a number, ...). */
  | 'bad-vars';

export class UwsgiProtocolError extends TsgiError {
  override name = 'UwsgiProtocolError';
  readonly code: UwsgiProtocolErrorCode;

  constructor(code: UwsgiProtocolErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
