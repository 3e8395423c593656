/**
 * Where a router mounted a `toNodeHandler` handler, as `SCRIPT_NAME` and
 * `PATH_INFO` (SPEC §14). Express records the mount point in `req.baseUrl`;
 * connect only strips it from `req.url` and keeps the whole target in
 * `req.originalUrl`, so there it is the difference of the two. Both give
 * raw (percent-encoded) paths; the environ holds decoded ones.
 */
import type { IncomingMessage } from 'node:http';
import { percentDecode } from '../gateway/environ.js';
import type { Application } from '../protocol/types.js';

/** The raw mount point of `req`: `''` at the root, else `/prefix` without a trailing slash. */
export function mountPrefix(req: IncomingMessage): string {
  const { baseUrl, originalUrl } = req as { baseUrl?: unknown; originalUrl?: unknown };
  if (typeof baseUrl === 'string') return withoutTrailingSlash(baseUrl);
  if (typeof originalUrl !== 'string' || req.url === undefined || originalUrl === req.url) return '';
  const whole = pathOf(originalUrl);
  const rest = pathOf(req.url);
  if (whole.endsWith(rest) && whole.length > rest.length) return withoutTrailingSlash(whole.slice(0, whole.length - rest.length));
  // connect turns `/prefix` into the url `/` when it strips the prefix.
  if (rest === '/') return withoutTrailingSlash(whole);
  return '';
}

/**
 * `app` with the mount point moved from `PATH_INFO` to `SCRIPT_NAME`, as a
 * mounting middleware does. The environ is the gateway's own, fresh for the
 * request, so it is changed in place.
 */
export function mountedApp(app: Application, rawPrefix: string): Application {
  const scriptName = percentDecode(rawPrefix);
  return function mounted(environ, startResponse) {
    const pathInfo = environ.PATH_INFO;
    if (pathInfo.startsWith(scriptName) && (pathInfo.length === scriptName.length || pathInfo[scriptName.length] === '/')) {
      environ.SCRIPT_NAME = scriptName;
      environ.PATH_INFO = pathInfo.slice(scriptName.length);
    }
    return app(environ, startResponse);
  };
}

function pathOf(url: string): string {
  const mark = url.indexOf('?');
  return mark === -1 ? url : url.slice(0, mark);
}

function withoutTrailingSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}
