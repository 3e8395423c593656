/**
 * The request headers a Node handler sees (`req.rawHeaders`), rebuilt from
 * the environ (`fromNodeHandler`). The environ keeps no original casing, so
 * names are re-cased the common way (`HTTP_X_REQUEST_ID` → `X-Request-Id`);
 * node lower-cases them in `req.headers` anyway. A header the client sent
 * twice arrives once, joined as the environ holds it (SPEC §4.10).
 */
import type { Environ } from '../protocol/types.js';

// Requests repeat the same few header names: remember how each key is spelled.
const NAME_CACHE_LIMIT = 512;
const names = new Map<string, string>([
  ['CONTENT_TYPE', 'Content-Type'],
  ['CONTENT_LENGTH', 'Content-Length'],
]);

/** Names and values alternating, as node's `rawHeaders`. */
export function rawHeadersOf(environ: Environ): string[] {
  const raw: string[] = [];
  for (const key in environ) {
    if (!(key.startsWith('HTTP_') || key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH')) continue;
    const value = environ[key];
    if (typeof value !== 'string') continue;
    raw.push(headerName(key), value);
  }
  // A chunked request reaches the environ without CONTENT_LENGTH; body parsers still
  // need to see that a body follows (`type-is` hasBody looks for one of the two).
  if (environ['tsgi.input_terminated'] === true && environ.HTTP_TRANSFER_ENCODING === undefined) {
    raw.push('Transfer-Encoding', 'chunked');
  }
  return raw;
}

/** `HTTP_X_REQUEST_ID` → `X-Request-Id`. */
function headerName(key: string): string {
  let name = names.get(key);
  if (name === undefined) {
    name = key
      .slice(5)
      .toLowerCase()
      .split('_')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join('-');
    if (names.size < NAME_CACHE_LIMIT) names.set(key, name);
  }
  return name;
}
