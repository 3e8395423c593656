/**
 * A short, readable description of any value for error messages ("got
 * undefined", "got 'abc'", "got a Promise"), so every message in tsgi shows
 * the bad value the same way. Long strings are cut: a message is not a dump.
 */

const MAX_STRING = 60;

/** `describeValue(undefined)` is `'undefined'`; `describeValue('ab')` is `"'ab'"`; `describeValue(new Map())` is `'a Map'`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string': {
      const shown = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
      // JSON escaping shows control characters; the quotes are swapped for single ones.
      return `'${JSON.stringify(shown).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return value.name ? `function ${value.name}` : 'an anonymous function';
    default:
      return describeObject(value as object | null);
  }
}

function describeObject(value: object | null): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  if (typeof name !== 'string' || name === '' || name === 'Object') return 'an object';
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}
