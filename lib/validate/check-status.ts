/**
 * The status an application passes to `startResponse()` (docs/SPEC.md §6.2,
 * §6.3; PEP 3333 "The start_response() Callable"). The validator is stricter
 * than HTTP's grammar on purpose: one space, a non-empty reason, no
 * surrounding whitespace, as PEP 3333 asks, so statuses look the same
 * everywhere.
 */
import { describeValue } from '../protocol/describe-value.js';
import { statusLine } from '../protocol/status-line.js';
import { describeBadChar, violation } from './violation.js';

const CONTROL = /[\x00-\x1F\x7F]/;
const NOT_A_BYTE = /[^\x00-\xFF]/;
const STATUS = /^(\d{3}) \S(?:.*\S)?$/;
const LEADING_CODE = /^\s*(\d{3})/;

/** Checks `status` and returns its code. */
export function checkStatus(status: unknown): number {
  // SPEC §6.2: "The status MUST be a string of three digits, one space and a reason phrase, such as `'404 Not Found'`."
  if (typeof status !== 'string') {
    const hint = typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 999
      ? ` Use statusLine(${status}), which gives '${statusLine(status)}'.`
      : '';
    throw violation('6.2', `startResponse() status must be a string such as '200 OK'; got ${describeValue(status)}.${hint}`);
  }

  // SPEC §6.3: "The status MUST NOT contain control characters, and MUST be a byte string (§5.1)."
  const control = describeBadChar(status, CONTROL);
  if (control !== undefined) {
    throw violation('6.3', `startResponse() status must not contain control characters; got ${describeValue(status)}, with ${control}.`);
  }
  const notByte = describeBadChar(status, NOT_A_BYTE);
  if (notByte !== undefined) {
    throw violation(
      '6.3',
      `startResponse() status must be a byte string (code units 0–255); got ${describeValue(status)}, with ${notByte}. Use an ASCII reason phrase.`,
    );
  }

  // SPEC §6.2: "The status MUST be a string of three digits, one space and a reason phrase, such as `'404 Not Found'`."
  const match = STATUS.exec(status);
  const code = Number((match ?? LEADING_CODE.exec(status))?.[1] ?? NaN);
  if (match === null || code < 100) {
    const hint = code >= 100 ? ` Use '${statusLine(code)}'.` : ' The code is 100–999.';
    throw violation(
      '6.2',
      `startResponse() status must be three digits, one space and a reason phrase, such as '200 OK'; got ${describeValue(status)}.${hint}`,
    );
  }
  return code;
}
