/**
 * Option checks shared by head, contentLength, etag, conditionalGet, compress
 * and staticFiles, so their messages follow one recipe: the subject, what is
 * wrong, the bad value, what to do.
 */
import { describeValue } from '../../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';

/** Checks that `options` is an object whose keys are all in `known`; returns it. */
export function checkOptionNames<T extends object>(subject: string, options: T | undefined, known: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${subject} options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      const hint = known.length === 0 ? 'It takes no options yet.' : `Known options: ${known.join(', ')}.`;
      throw new ImproperlyConfigured(`${subject} got an unknown option '${name}'. ${hint}`);
    }
  }
  return options;
}

/** Checks a boolean option; returns it or its default. */
export function booleanOption(subject: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new TypeError(`${subject} option ${name} must be true or false; got ${describeValue(value)}.`);
  }
  return value;
}
