/**
 * `parseHttpDate(value)`: an HTTP-date (RFC 9110 §5.6.7, any of its three
 * formats) as seconds since the epoch, or `null` when it is not one, as
 * Django's `parse_http_date_safe`. The parsing is the protocol layer's.
 */
import { parseHttpDate as parse } from '../../protocol/http-date.js';

export function parseHttpDate(value: string): number | null {
  return parse(value) ?? null;
}
