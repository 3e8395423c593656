/**
 * Option checks shared by the pipeline middleware factories, so each checks
 * its options at once (never on the first request) with messages in one
 * form: `commonMiddleware() appendSlash must be true or false; got 'yes'.`
 */
import { ImproperlyConfigured } from '../errors.js';
import { describeValue } from '../../protocol/describe-value.js';

/** Throws unless `options` is an object (or undefined) with only `names` as keys. */
export function checkOptionNames(subject: string, options: unknown, names: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ImproperlyConfigured(`${subject} options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (names.length === 0) throw new ImproperlyConfigured(`${subject} takes no options; got '${name}'.`);
    if (!names.includes(name)) {
      throw new ImproperlyConfigured(`${subject} got an unknown option '${name}'. Known options: ${names.join(', ')}.`);
    }
  }
}

export function checkBooleanOption(subject: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ImproperlyConfigured(`${subject} ${name} must be true or false; got ${describeValue(value)}.`);
  }
}

export function checkRegExpList(subject: string, name: string, value: unknown): void {
  if (value !== undefined && !(Array.isArray(value) && value.every((item) => item instanceof RegExp))) {
    throw new ImproperlyConfigured(`${subject} ${name} must be an array of RegExp; got ${describeValue(value)}.`);
  }
}

export function checkChoice(subject: string, name: string, value: unknown, choices: readonly string[]): void {
  if (typeof value !== 'string' || !choices.includes(value)) {
    throw new ImproperlyConfigured(`${subject} ${name} must be one of ${choices.map((choice) => `'${choice}'`).join(', ')}; got ${describeValue(value)}.`);
  }
}
