/**
 * `urlMap(mounts)` dispatches each request to one of several applications by
 * path prefix, and optionally by host: uWSGI's multi-app hosting, Rack's
 * `URLMap`, Werkzeug's `DispatcherMiddleware`. The longest matching prefix
 * wins, on segment boundaries (`/api` matches `/api` and `/api/users`, never
 * `/apix`); mounts with a host are tried before mounts without one.
 *
 * The matched prefix moves from `PATH_INFO` to the end of `SCRIPT_NAME`
 * (SPEC §14), so every mounted application routes as if it were at the root
 * and builds its URLs with the prefix. Both keys are restored when the
 * mounted application's body is closed, or when it throws (SPEC §12.8), so
 * the layers above see the values they set.
 *
 * It returns an Application, not a Middleware: it is the bottom of a stack.
 * To use it as a middleware in front of an existing application, pass that
 * application as `notFound`, which then gets every request no mount matched:
 * `const mount = (app: Application) => urlMap({ '/admin': admin }, { notFound: app });`
 *
 * When not to use it: to route inside one application (use the URLconf), or
 * when the mounted applications must share middleware state — wrap the map,
 * not each mount, then.
 *
 * Mount keys are `/path` or `http://host[:port]/path`. A host mount matches
 * when its host equals the `Host` header, `SERVER_NAME`, or
 * `SERVER_NAME:SERVER_PORT` (case-insensitively); its scheme is ignored.
 * Paths are compared with the percent-decoded `PATH_INFO`, byte for byte
 * (non-ASCII mount paths as UTF-8).
 *
 * @example
 * const app = urlMap({ '/': site, '/api': api, 'http://admin.example.com/': admin });
 */
import { Buffer } from 'node:buffer';
import { utf8ToByteString } from '../lib/protocol/byte-string.js';
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../lib/protocol/errors.js';
import type { Application, Body, Environ, StartResponse } from '../lib/protocol/types.js';
import { isBody, observeBody } from '../lib/protocol/observe-body.js';

/** Mount points and their applications: an object, or a list of `[location, app]` pairs. */
export type UrlMapMounts = Readonly<Record<string, Application>> | ReadonlyArray<readonly [location: string, app: Application]>;

export interface UrlMapOptions {
  /** Answers requests that match no mount, with the environ unchanged. @default a plain `404 Not Found` */
  notFound?: Application;
}

interface Mount {
  /** Lower-cased `host[:port]`, or undefined for any host. */
  host: string | undefined;
  /** The prefix as a byte string: `''` for the root, else `/a/b`. */
  path: string;
  app: Application;
}

const SEGMENT_PROBLEM = /(^|\/)\.{1,2}(\/|$)|\/\//;
const HOST_MOUNT = /^https?:\/\/([^/?#@\s]+)(\/.*)$/i;

/** An application dispatching to the mounted ones by longest prefix. */
export function urlMap(mounts: UrlMapMounts, options: UrlMapOptions = {}): Application {
  if (options === null || typeof options !== 'object') {
    throw new ImproperlyConfigured(`urlMap() options must be an object; got ${describeValue(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (name !== 'notFound') throw new ImproperlyConfigured(`urlMap() got an unknown option '${name}'. Known options: notFound.`);
  }
  const notFound = options.notFound ?? notFoundApp;
  if (typeof notFound !== 'function') {
    throw new ImproperlyConfigured(`urlMap() option notFound must be an application; got ${describeValue(notFound)}.`);
  }
  const table = parseMounts(mounts);

  return function urlMapApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    const mount = table.find((candidate) => hostMatches(candidate.host, environ) && pathMatches(candidate.path, environ.PATH_INFO));
    if (mount === undefined) return notFound(environ, startResponse);
    const scriptName = environ.SCRIPT_NAME;
    const pathInfo = environ.PATH_INFO;
    const restore = (): void => {
      environ.SCRIPT_NAME = scriptName;
      environ.PATH_INFO = pathInfo;
    };
    environ.SCRIPT_NAME = scriptName + mount.path;
    environ.PATH_INFO = pathInfo.slice(mount.path.length);
    let result: Body | Promise<Body>;
    try {
      result = mount.app(environ, startResponse);
    } catch (error) {
      restore();
      throw error;
    }
    if (typeof (result as Partial<PromiseLike<Body>>).then === 'function') {
      return Promise.resolve(result).then(
        (body) => restoringOnClose(body, restore),
        (error: unknown) => {
          restore();
          throw error;
        },
      );
    }
    return restoringOnClose(result as Body, restore);
  };
}

function hostMatches(host: string | undefined, environ: Environ): boolean {
  if (host === undefined) return true;
  const httpHost = typeof environ.HTTP_HOST === 'string' ? environ.HTTP_HOST.toLowerCase() : undefined;
  const serverName = environ.SERVER_NAME.toLowerCase();
  return host === httpHost || host === serverName || host === `${serverName}:${environ.SERVER_PORT}`;
}

function pathMatches(prefix: string, pathInfo: string): boolean {
  // The root mount takes everything, `OPTIONS *` included.
  return prefix === '' || pathInfo === prefix || pathInfo.startsWith(`${prefix}/`);
}

function notFoundApp(_environ: Environ, startResponse: StartResponse): Body {
  startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from('Not Found')];
}

/** Checks every mount at once and sorts them: host mounts first, then longer paths first. */
function parseMounts(mounts: UrlMapMounts): Mount[] {
  if (mounts === null || typeof mounts !== 'object') {
    throw new ImproperlyConfigured(
      `urlMap() expects an object of mounts, such as { '/api': api }, or a list of [location, app] pairs; got ${describeValue(mounts)}.`,
    );
  }
  const entries: Array<readonly [unknown, unknown]> = Array.isArray(mounts) ? mounts : Object.entries(mounts);
  const seen = new Map<string, string>();
  const table: Mount[] = [];
  entries.forEach((entry, index) => {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new ImproperlyConfigured(`urlMap() mount ${index} must be a [location, app] pair; got ${describeValue(entry)}.`);
    }
    const [location, app] = entry as [unknown, unknown];
    if (typeof location !== 'string') {
      throw new ImproperlyConfigured(`urlMap() mount ${index} location must be a string; got ${describeValue(location)}.`);
    }
    if (typeof app !== 'function') {
      throw new ImproperlyConfigured(`urlMap() mount '${location}' must be an application (a function); got ${describeValue(app)}.`);
    }
    const hostMatch = HOST_MOUNT.exec(location);
    const host = hostMatch ? hostMatch[1]!.toLowerCase() : undefined;
    const path = hostMatch ? hostMatch[2]! : location;
    if (!path.startsWith('/')) {
      throw new ImproperlyConfigured(
        `urlMap() mount '${location}' must start with '/' (or be http://host/path); got ${describeValue(path)}. Write '/${path}'.`,
      );
    }
    if (path.length > 1 && path.endsWith('/')) {
      throw new ImproperlyConfigured(
        `urlMap() mount '${location}' must not end with '/' (SCRIPT_NAME never does, SPEC §14.5). Write '${location.slice(0, -1)}'.`,
      );
    }
    if (SEGMENT_PROBLEM.test(path) || /[?#]/.test(path)) {
      throw new ImproperlyConfigured(
        `urlMap() mount '${location}' has an empty, '.' or '..' segment, or a query; a mount is a plain path such as '/api/v1'.`,
      );
    }
    const key = `${host ?? ''} ${path}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw new ImproperlyConfigured(`urlMap() mount '${location}' duplicates '${previous}'. Mount one application per location.`);
    }
    seen.set(key, location);
    table.push({ host, path: path === '/' ? '' : utf8ToByteString(path), app: app as Application });
  });
  return table.sort((a, b) => rank(b) - rank(a));
}

/** Host mounts before the others; within each, the longer path first. */
function rank(mount: Mount): number {
  return (mount.host === undefined ? 0 : 1e9) + mount.path.length;
}

/**
 * The same chunks; `restore` runs once the application's body is closed
 * (SPEC §12.8). Anything that is not a body is left to the server to report.
 */
function restoringOnClose(body: Body, restore: () => void): Body {
  return isBody(body) ? observeBody(body, { closed: restore }) : body;
}
