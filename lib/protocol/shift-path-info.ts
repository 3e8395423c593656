/**
 * `shiftPathInfo(environ)` moves the first segment of PATH_INFO onto
 * SCRIPT_NAME and returns it, so a dispatcher can hand the rest of the path
 * to a sub-application mounted under that segment (wsgiref.util's
 * `shift_path_info`).
 *
 * @example
 * // SCRIPT_NAME '/app', PATH_INFO '/blog/2024' -> returns 'blog';
 * // SCRIPT_NAME is now '/app/blog' and PATH_INFO '/2024'.
 */
import { describeValue } from './describe-value.js';
import { ProtocolError } from './errors.js';
import type { ByteString } from './types.js';

/** The two keys `shiftPathInfo()` reads and writes; an `Environ` is one. */
export interface PathEnviron {
  SCRIPT_NAME?: ByteString;
  PATH_INFO?: ByteString;
}

/**
 * POSIX path normalisation as Python's `posixpath.normpath`: drops empty and
 * `.` segments, lets `..` pop one, keeps exactly two leading slashes (POSIX
 * leaves `//` implementation-defined), and drops a trailing slash. Node's
 * `path.posix.normalize` differs on the last two, which the table tests see.
 */
function normpath(path: string): string {
  if (path === '') return '.';
  let leading = path.startsWith('/') ? 1 : 0;
  if (path.startsWith('//') && !path.startsWith('///')) leading = 2;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..' || (leading === 0 && segments.length === 0) || segments.at(-1) === '..') {
      segments.push(segment);
    } else if (segments.length > 0) {
      segments.pop();
    }
  }
  return '/'.repeat(leading) + segments.join('/') || '.';
}

/**
 * Shifts one segment from PATH_INFO to SCRIPT_NAME and returns it;
 * `undefined` when PATH_INFO is empty or the segment is `.`. Empty and `.`
 * segments inside the path are dropped and `..` pops a SCRIPT_NAME segment.
 * A PATH_INFO of `/` returns `''` and leaves SCRIPT_NAME ending in `/`, so
 * an application can tell `/x` from `/x/`.
 */
export function shiftPathInfo(environ: PathEnviron): string | undefined {
  const pathInfo = environ.PATH_INFO ?? '';
  if (pathInfo === '') return undefined;
  if (!pathInfo.startsWith('/')) {
    throw new ProtocolError(
      `shiftPathInfo() needs a PATH_INFO that is '' or starts with '/'; got ${describeValue(pathInfo)}. Fix the server or middleware that set it.`,
    );
  }

  const parts = pathInfo.split('/');
  const inner = parts.slice(1, -1).filter((part) => part !== '' && part !== '.');
  // parts[0] is the '' before the leading '/'; parts[1] (after cleaning) is the segment to shift.
  const name = inner.length > 0 ? inner[0]! : parts.at(-1)!;
  const rest = inner.length > 0 ? ['', ...inner.slice(1), parts.at(-1)!] : [''];

  let scriptName = normpath(`${environ.SCRIPT_NAME ?? ''}/${name}`);
  if (scriptName.endsWith('/')) scriptName = scriptName.slice(0, -1);
  if (name === '' && !scriptName.endsWith('/')) scriptName += '/';

  environ.SCRIPT_NAME = scriptName;
  environ.PATH_INFO = rest.join('/');
  return name === '.' ? undefined : name;
}
