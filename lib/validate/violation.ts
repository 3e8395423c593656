/**
 * How `validate()` reports a broken rule: one `ProtocolError` whose message
 * says who broke what, shows the bad value, says what to do, and ends with
 * the rule of docs/SPEC.md, so a reader can look the rule up.
 *
 * @example
 * violation('14.2', `environ['PATH_INFO'] must be empty or start with '/'; got 'x'.`)
 * // ProtocolError: validate: environ['PATH_INFO'] must be empty or start with '/'; got 'x'. (SPEC.md §14.2)
 */
import { ProtocolError } from '../protocol/errors.js';

/** A `ProtocolError` for rule `rule` (e.g. `'14.2'`) of docs/SPEC.md. */
export function violation(rule: string, message: string): ProtocolError {
  return new ProtocolError(`validate: ${message} (SPEC.md §${rule})`);
}

/** The first character of `value` matching `pattern`, described for a message: `'\r' (U+000D) at index 3`. */
export function describeBadChar(value: string, pattern: RegExp): string | undefined {
  const match = pattern.exec(value);
  if (!match) return undefined;
  const char = match[0];
  const code = `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `${JSON.stringify(char)} (${code}) at index ${match.index}`;
}

/** True for objects with a callable `then`: what `await` would wait for. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
