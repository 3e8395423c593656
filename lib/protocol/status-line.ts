/**
 * Status lines as `startResponse()` takes them: `"NNN Reason"`. PEP 3333 keeps
 * the status a string so servers need no table of phrases; these helpers are
 * for applications that start from a number, and for code that reads one.
 */
import { STATUS_CODES } from 'node:http';
import { describeValue } from './describe-value.js';

/**
 * `"NNN Reason"`, then nothing else. RFC 9112 §4: the reason phrase is
 * HTAB / SP / VCHAR / obs-text, and may be empty.
 */
const STATUS = /^([1-9]\d\d) ([\t\x20-\x7E\x80-\xFF]*)$/;

/** The phrases RFC 9110 §15 renamed; node's table still has the older ones. */
const RFC_9110_PHRASES: Readonly<Record<number, string>> = {
  413: 'Content Too Large',
  422: 'Unprocessable Content',
};

/**
 * The standard reason phrase of a status code (RFC 9110 §15, e.g. `413
 * Content Too Large`), or `undefined` for a code with none registered.
 */
export function reasonPhrase(code: number): string | undefined {
  return RFC_9110_PHRASES[code] ?? STATUS_CODES[code];
}

/**
 * The status line for a code, with the standard reason phrase:
 * `statusLine(404)` is `'404 Not Found'`; a code with no registered phrase
 * gets `'Unknown'`.
 */
export function statusLine(code: number): string {
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 999) {
    throw new RangeError(`statusLine() code must be an integer from 100 to 999; got ${describeValue(code)}.`);
  }
  return `${code} ${reasonPhrase(code) ?? 'Unknown'}`;
}

/** The parts of a valid status string, or `undefined` when it is not `"NNN Reason"`. */
export function parseStatus(status: string): { code: number; reason: string } | undefined {
  if (typeof status !== 'string') return undefined;
  const match = STATUS.exec(status);
  if (!match) return undefined;
  return { code: Number(match[1]), reason: match[2]! };
}
