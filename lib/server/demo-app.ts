/**
 * wsgiref's `demo_app`: the smallest useful application, and a quick way to
 * see the environ a server builds. `tsgi serve` with no module serves it.
 */
import { Buffer } from 'node:buffer';
import type { Application, Body, Environ, StartResponse } from '../protocol/types.js';

const GREETING = Buffer.from('Hello world!\n\n', 'latin1');

/**
 * Answers `Hello world!`, a blank line, then every environ key in sorted
 * order as `KEY = value`: strings as they are (byte strings are sent as the
 * bytes they stand for), anything else as a short description.
 */
export const demoApp: Application = function demoApp(environ: Environ, startResponse: StartResponse): Body {
  const parts: Buffer[] = [GREETING];
  for (const key of Object.keys(environ).sort()) {
    parts.push(Buffer.from(`${key} = `, 'latin1'), valueBytes(environ[key]), NEWLINE);
  }
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.concat(parts)];
};

const NEWLINE = Buffer.from('\n', 'latin1');

/**
 * A byte string (every code unit 0–255) is the request's bytes, so it is
 * written back as latin-1: a UTF-8 path shows as UTF-8. Other text (a value
 * a user put in the environ) is written as UTF-8.
 */
function valueBytes(value: unknown): Buffer {
  if (typeof value === 'string') {
    return Buffer.from(value, /^[\x00-\xff]*$/.test(value) ? 'latin1' : 'utf8');
  }
  return Buffer.from(shortRepr(value, 0), 'utf8');
}

/** One line describing a non-string value: `true`, `[1, 0]`, `<InputStream>`, `[Function: wrap]`. */
export function shortRepr(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return depth === 0 ? value : JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
    case 'symbol':
      return String(value);
    case 'function':
      return `[Function: ${value.name || 'anonymous'}]`;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (depth > 0) return '[…]';
    return `[${value.map((item: unknown) => shortRepr(item, depth + 1)).join(', ')}]`;
  }
  const name = (value as object).constructor?.name;
  return `<${name !== undefined && name !== '' ? name : 'Object'}>`;
}
