/**
 * The response sent when the application fails before its head went out,
 * and how the failure is logged.
 *
 * The body is fixed and says nothing about the failure: a traceback can hold
 * paths, queries and secrets, and belongs in the log (`tsgi.errors`), never
 * on the wire (wsgiref's `error_output` does the same).
 */
import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import type { ErrorStream } from '../protocol/types.js';
import { httpDate } from './date-header.js';
import type { ResponseHead } from './types.js';

/** The body of every gateway-generated 500. */
export const ERROR_BODY: Uint8Array = Buffer.from('A server error occurred. Please contact the administrator.');

/** The head of the 500 (no body framing for HEAD requests). */
export function errorHead(method: string, serverSoftware: string): ResponseHead {
  const headers: ResponseHead['headers'] = [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(ERROR_BODY.length)],
    ['Date', httpDate()],
  ];
  if (serverSoftware !== '') headers.push(['Server', serverSoftware]);
  return {
    status: 500,
    statusLine: '500 Internal Server Error',
    headers,
    framing: method === 'HEAD' ? { kind: 'none' } : { kind: 'length', length: ERROR_BODY.length },
  };
}

/**
 * Writes `error` with its stack (and causes) to `errors`, saying which
 * request it broke. Logging never throws: a broken log must not turn one
 * failed request into a crashed server.
 */
export function logError(errors: ErrorStream, what: string, method: string, target: string, error: unknown): void {
  try {
    errors.write(`${what} while serving ${method} ${target}:\n${inspect(error)}\n`);
    errors.flush();
  } catch {
    // Nowhere left to report it.
  }
}
