/**
 * `parseHeaderParameters()`: `text/html; charset="utf-8"` as
 * `{ value: 'text/html', params: { charset: 'utf-8' } }` (Django's
 * `parse_header_parameters`): the main value lower-cased, parameter names
 * lower-cased, quoted values unquoted (`\"` and `\\`), RFC 2231 `name*=`
 * values (`utf-8''caf%C3%A9`) decoded.
 */

export interface HeaderParameters {
  value: string;
  params: Record<string, string>;
}

/** Splits on `;` outside quoted strings. */
function splitParams(header: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const char = header[i];
    if (char === '\\' && quoted) i++;
    else if (char === '"') quoted = !quoted;
    else if (char === ';' && !quoted) {
      parts.push(header.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(header.slice(start));
  return parts;
}

export function parseHeaderParameters(header: string): HeaderParameters {
  const [first = '', ...rest] = splitParams(header);
  const params: Record<string, string> = {};
  for (const part of rest) {
    const equals = part.indexOf('=');
    if (equals === -1) continue;
    let name = part.slice(0, equals).trim().toLowerCase();
    let value = part.slice(equals + 1).trim();
    if (name.endsWith('*')) {
      name = name.slice(0, -1);
      const match = /^([^']*)'[^']*'(.*)$/.exec(value);
      if (match !== null) {
        try {
          value = decodeURIComponent(match[2]!);
        } catch {
          value = match[2]!;
        }
      }
    } else if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return { value: first.trim().toLowerCase(), params };
}
