/**
 * `parseCookie()`: a `Cookie` request header as an object of name -> value,
 * with Django's lenient rules (`django/http/cookie.py`), which follow what
 * browsers send rather than the RFC: pairs split on `;`, a pair without `=`
 * has an empty name, names and values are trimmed, a quoted value is
 * unquoted with Python's `http.cookies` rules (`\"`, `\\`, `\073` octal
 * escapes). A later cookie of the same name wins.
 *
 * @example
 * parseCookie('sessionid=abc; theme="dark mode"'); // { sessionid: 'abc', theme: 'dark mode' }
 */

const ESCAPE = /\\(?:([0-3][0-7][0-7])|(.))/g;

/** Python's `http.cookies._unquote`. */
function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(ESCAPE, (_match, octal: string | undefined, char: string | undefined) =>
    octal === undefined ? char! : String.fromCharCode(parseInt(octal, 8)),
  );
}

/** The cookies of a `Cookie` header (decoded text). */
export function parseCookie(header: string): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (header === '') return cookies;
  for (const chunk of header.split(';')) {
    const equals = chunk.indexOf('=');
    const name = (equals === -1 ? '' : chunk.slice(0, equals)).trim();
    const value = (equals === -1 ? chunk : chunk.slice(equals + 1)).trim();
    if (name === '' && value === '') continue;
    // defineProperty: a cookie named __proto__ is data, not the prototype.
    Object.defineProperty(cookies, name, { value: unquote(value), enumerable: true, writable: true, configurable: true });
  }
  return cookies;
}
