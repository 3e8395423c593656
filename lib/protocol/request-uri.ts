/**
 * Rebuilding URLs from the environ, as wsgiref.util does it (PEP 3333 "URL
 * Reconstruction"). The result is the URL the application is served at,
 * which may differ from what the client typed when a proxy rewrote it.
 *
 * SCRIPT_NAME and PATH_INFO are decoded byte strings, so they are quoted
 * again here, one `%XX` per byte (latin-1), exactly reversing the server's
 * decoding: `/sp\xe4m` becomes `/sp%E4m`.
 */
import { describeValue } from './describe-value.js';
import type { Environ } from './types.js';

/** Never quoted (RFC 3986 unreserved). */
const UNRESERVED = /[A-Za-z0-9_.\-~]/;

function quote(value: string, safe: string, key: string): string {
  let quoted = '';
  for (let index = 0; index < value.length; index++) {
    const char = value[index]!;
    const code = value.charCodeAt(index);
    if (UNRESERVED.test(char) || safe.includes(char)) {
      quoted += char;
    } else if (code <= 0xff) {
      quoted += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      throw new TypeError(
        `${key} ${describeValue(value)} is not a byte string: ${describeValue(char)} at index ${index} is above 0xFF. ` +
          'Environ values hold one byte per code unit; use utf8ToByteString() for text.',
      );
    }
  }
  return quoted;
}

/** `'https'` when the CGI `HTTPS` variable is `on`, `yes` or `1`, else `'http'`. */
export function guessScheme(environ: Readonly<Record<string, unknown>>): 'http' | 'https' {
  const https = environ['HTTPS'];
  return https === 'on' || https === 'yes' || https === '1' ? 'https' : 'http';
}

/** The application's base URL: scheme, host (with a non-default port) and SCRIPT_NAME, without PATH_INFO. */
export function applicationUri(environ: Environ): string {
  const scheme = environ['tsgi.url_scheme'];
  let url = `${scheme}://`;
  const host = environ['HTTP_HOST'];
  if (typeof host === 'string' && host !== '') {
    url += host;
  } else {
    url += environ.SERVER_NAME;
    const defaultPort = scheme === 'https' ? '443' : '80';
    if (environ.SERVER_PORT !== defaultPort) url += `:${environ.SERVER_PORT}`;
  }
  return url + quote(environ.SCRIPT_NAME || '/', '/', 'SCRIPT_NAME');
}

/**
 * The full URL of the request; with `includeQuery` (the default), the query
 * string as received. PATH_INFO keeps `/;=,` unquoted, as wsgiref does, so
 * path parameters (`/spam;cookie=1234,5678`) read back verbatim.
 */
export function requestUri(environ: Environ, includeQuery = true): string {
  const url = applicationUri(environ);
  const pathInfo = quote(environ.PATH_INFO ?? '', '/;=,', 'PATH_INFO');
  // With no SCRIPT_NAME, applicationUri() already ends in the path's leading "/".
  let result = environ.SCRIPT_NAME ? url + pathInfo : url + pathInfo.slice(1);
  if (includeQuery && environ.QUERY_STRING) result += `?${environ.QUERY_STRING}`;
  return result;
}
