/**
 * The URLs a Node handler sees for a tsgi request (`fromNodeHandler`):
 * `req.url` relative to the mount point, `req.baseUrl` the mount point
 * itself, `req.originalUrl` the whole target — the three values Express
 * and connect keep while they route, so a mounted Express app builds its
 * links and redirects under `SCRIPT_NAME` without knowing about tsgi.
 *
 * The environ holds `SCRIPT_NAME` and `PATH_INFO` percent-decoded (SPEC §5.3)
 * and the raw target in `REQUEST_URI`. Handlers expect raw (still encoded)
 * URLs, and re-encoding the decoded path would change it (`/a%2Fb` would
 * become `/a/b`), so the raw pieces are cut from `REQUEST_URI` whenever it
 * still decodes to `SCRIPT_NAME + PATH_INFO`. When a middleware rewrote the
 * path, they are re-encoded as SPEC §13 does.
 */
import { percentDecode } from '../gateway/environ.js';
import type { Environ } from '../protocol/types.js';

/** The three URLs of a request as Express and connect name them. */
export interface NodeTarget {
  /** The path below the mount point (at least `/`) and the query: what the handler routes on. */
  url: string;
  /** The mount point, raw: `''` at the root, else `/prefix` with no trailing slash. */
  baseUrl: string;
  /** `baseUrl` + the path + the query, as the client sent it when nothing rewrote it. */
  originalUrl: string;
}

/** Splits the request's target into the URLs a Node handler expects. */
export function nodeTarget(environ: Environ): NodeTarget {
  const scriptName = environ.SCRIPT_NAME;
  const pathInfo = environ.PATH_INFO;
  const query = environ.QUERY_STRING === '' ? '' : '?' + environ.QUERY_STRING;
  const uri = environ.REQUEST_URI;
  // `OPTIONS *` names the server, not a path (RFC 9112 §3.2.4): node's parser gives `*` as the url too.
  if (pathInfo === '*') return { url: '*', baseUrl: '', originalUrl: '*' };
  let rawScript: string | undefined;
  let rawPath: string | undefined;
  if (typeof uri === 'string' && uri.charCodeAt(0) === 0x2f /* '/' */) {
    const mark = uri.indexOf('?');
    const path = mark === -1 ? uri : uri.slice(0, mark);
    // The hello-world case: nothing encoded, nothing mounted, nothing rewritten.
    if (scriptName === '' && path === pathInfo) {
      return { url: path + query, baseUrl: '', originalUrl: path + query };
    }
    const split = rawSplit(path, scriptName);
    if (split !== -1 && percentDecode(path) === scriptName + pathInfo) {
      rawScript = path.slice(0, split);
      rawPath = path.slice(split);
    }
  }
  rawScript ??= quotePath(scriptName);
  rawPath ??= quotePath(pathInfo);
  return {
    // `/app` names the mount point itself; handlers route on `/` then (connect adds it too).
    url: (rawPath === '' ? '/' : rawPath) + query,
    baseUrl: rawScript,
    originalUrl: rawScript + rawPath + query,
  };
}

/**
 * The index in the raw `path` where the part that decodes to `decodedPrefix`
 * ends, or -1 when `path` does not start with it.
 */
function rawSplit(path: string, decodedPrefix: string): number {
  let raw = 0;
  for (let decoded = 0; decoded < decodedPrefix.length; decoded += 1) {
    if (raw >= path.length) return -1;
    const step = path.charCodeAt(raw) === 0x25 /* '%' */ && /^[0-9A-Fa-f]{2}$/.test(path.slice(raw + 1, raw + 3)) ? 3 : 1;
    if (percentDecode(path.slice(raw, raw + step)) !== decodedPrefix[decoded]) return -1;
    raw += step;
  }
  return raw;
}

/** A decoded path (a byte string) percent-encoded again, keeping `/` and what SPEC §13 keeps. */
function quotePath(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i]!;
    const code = value.charCodeAt(i);
    out += /[A-Za-z0-9_.~\-/;=,]/.test(char) ? char : '%' + code.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
