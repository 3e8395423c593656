/**
 * Path converters: the `<int:year>` in a route. Five are built in, with
 * Django's exact regexes; `registerConverter()` adds more to one process-wide
 * registry, as Django's `register_converter` does.
 *
 * A name can be registered once: re-registering one (a built-in included)
 * throws, which is Django 6.0's rule (5.x only warned). Routes look their
 * converters up when `path()` builds them, so a converter must be registered
 * before the URLconf module that uses it is evaluated.
 */
import { ImproperlyConfigured } from '../errors.js';
import type { Converter } from './types.js';

function identity(text: string): string {
  return text;
}

function stringify(value: unknown): string {
  return String(value);
}

/** `str`: any text without a `/`; the value is the text. */
const stringConverter: Converter = { regex: '[^/]+', toValue: identity, toUrl: stringify };

/** `int`: ASCII digits; the value is a number (`'0042'` gives 42). */
const intConverter: Converter = {
  regex: '[0-9]+',
  toValue: (text) => Number(text), // the regex admits digits only: Number() reads them in base 10
  toUrl: stringify,
};

/** `slug`: ASCII letters, digits, `-` and `_`. */
const slugConverter: Converter = { regex: '[-a-zA-Z0-9_]+', toValue: identity, toUrl: stringify };

/**
 * `uuid`: a lowercase, hyphenated UUID (uppercase hex does not match, as in
 * Django). The value stays a string: JavaScript has no UUID type.
 */
const uuidConverter: Converter = {
  regex: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  toValue: identity,
  toUrl: stringify,
};

/** `path`: any non-empty text, `/` included (for a trailing file path). */
const pathConverter: Converter = { regex: '.+', toValue: identity, toUrl: stringify };

const registry = new Map<string, Converter>([
  ['str', stringConverter],
  ['int', intConverter],
  ['slug', slugConverter],
  ['uuid', uuidConverter],
  ['path', pathConverter],
]);

/**
 * The built-in converters by object, with their names: routes using only
 * these can be matched without their regex (see RouteMatcher). A name is
 * registered once, so `<int:…>` always means this `int`.
 */
export const builtinConverters: ReadonlyMap<Converter, string> = new Map([...registry].map(([name, converter]) => [converter, name]));

/** The converter registered under `name`, or undefined. */
export function getConverter(name: string): Converter | undefined {
  return registry.get(name);
}

/** The registered converter names, built-ins first, for error messages. */
export function converterNames(): string[] {
  return [...registry.keys()];
}

/**
 * Registers a converter for routes to use as `<name:param>`.
 *
 * @example
 * registerConverter('yyyy', {
 *   regex: '[0-9]{4}',
 *   toValue: (text) => Number(text),
 *   toUrl: (value) => String(value).padStart(4, '0'),
 * });
 * path('articles/<yyyy:year>/', yearArchive);
 */
export function registerConverter(name: string, converter: Converter): void {
  if (typeof name !== 'string' || !/^[^\s<>:]+$/.test(name)) {
    throw new ImproperlyConfigured(
      `registerConverter(): the name ${JSON.stringify(name)} is not usable in a route; use a non-empty name without whitespace, '<', '>' or ':'.`,
    );
  }
  if (registry.has(name)) {
    throw new ImproperlyConfigured(
      `registerConverter(): converter '${name}' is already registered; converters are process-wide, so register yours under another name.`,
    );
  }
  checkConverter(name, converter);
  registry.set(name, { regex: converter.regex, toValue: converter.toValue.bind(converter), toUrl: converter.toUrl.bind(converter) });
}

function checkConverter(name: string, converter: Converter): void {
  const candidate = converter as Partial<Converter> | null;
  if (typeof candidate?.regex !== 'string' || candidate.regex === '') {
    throw new ImproperlyConfigured(
      `registerConverter('${name}'): the regex must be a non-empty string of JavaScript RegExp syntax, got ${JSON.stringify(candidate?.regex)}.`,
    );
  }
  try {
    new RegExp(candidate.regex);
  } catch (error) {
    throw new ImproperlyConfigured(
      `registerConverter('${name}'): the regex '${candidate.regex}' is not a valid regular expression (${(error as Error).message}); fix it.`,
      { cause: error },
    );
  }
  for (const method of ['toValue', 'toUrl'] as const) {
    if (typeof candidate[method] !== 'function') {
      throw new ImproperlyConfigured(`registerConverter('${name}'): ${method} must be a function, got ${typeof candidate[method]}.`);
    }
  }
}
