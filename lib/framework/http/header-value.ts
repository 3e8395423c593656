/**
 * `headerValue(list, name, lower)`: the first value of a header in a
 * response's header list, ignoring case: what `Headers.get(name)` answers.
 *
 * The framework reads a few headers of every response (Content-Type for the
 * charset, Content-Length, X-Frame-Options). `Headers.get()` first looks the
 * name's lower-case form up in a cache map; these callers know it already,
 * so their lookup is the scan alone.
 */
import { equalsAsciiLowerCase } from '../../protocol/ascii-case.js';
import { Headers } from '../../protocol/headers.js';
import type { HeaderList } from '../../protocol/types.js';

/** The first value of header `name` (whose ASCII lower case is `lower`) in `list`, or undefined. */
export function headerValue(list: HeaderList, name: string, lower: string): string | undefined {
  for (let i = 0; i < list.length; i += 1) {
    const entry = list[i]!;
    const header: unknown = entry[0];
    if (header === name) return entry[1];
    // A list edited by hand may hold a name that is not a string: Headers.get() decides what that means.
    if (typeof header !== 'string') return new Headers(list).get(name);
    if (equalsAsciiLowerCase(header, lower)) return entry[1];
  }
  return undefined;
}
