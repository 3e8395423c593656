/**
 * `staticFiles({ root })` serves the files of a directory under a URL prefix,
 * and passes every other request on to the application (Werkzeug's
 * SharedDataMiddleware, Express's serve-static).
 *
 * - Paths are resolved safely: `PATH_INFO` (percent-decoded once) is decoded
 *   as UTF-8; `.`/`..` segments (also once more encoded, `%2e%2e`),
 *   backslashes, NUL and drive letters are answered `400 Bad Request`, and a
 *   symlink whose target leaves the root is treated as missing unless
 *   `followSymlinks` is set (checked with `realpath`).
 * - `Content-Type` comes from `mime-types` (text types with `charset=utf-8`).
 * - A weak `ETag` (size and mtime) and `Last-Modified` are sent, and
 *   conditional requests answered: 304 / 412 (RFC 9110 §13.2.2).
 * - One `Range: bytes=` range gives 206 (`a-b`, `a-`, `-n`); several ranges,
 *   or a malformed header, give the whole file (200); a range past the end
 *   gives 416 with `Content-Range: bytes *\/size`. `If-Range` with a date must
 *   equal `Last-Modified`; with an entity-tag it needs strong comparison, which
 *   the weak `ETag` never passes, so the whole file is sent (RFC 9110 §13.1.5).
 * - A directory is served by its first existing `index` file; without the
 *   trailing slash it is redirected (301) to it, as nginx does.
 * - Only GET and HEAD are served; other methods are passed on (or answered
 *   405 when `fallthrough` is false).
 * - Only regular files are sent: a FIFO, socket or device in the root is
 *   treated as missing (opened without blocking, so it cannot stall a thread).
 *   A file costs four file system calls (realpath, open, fstat, read) and a
 *   close after the response; there is no cache of file metadata.
 * - The body is `environ['tsgi.file_wrapper']` when the server offers one
 *   (it may send the file its fastest way), else tsgi's `FileWrapper`, which
 *   streams blocks; nothing is buffered.
 *
 * When not to use it: in production behind nginx, let nginx serve the files
 * (`location /static/ { alias ...; }`): it does so without a trip through
 * Node. Not for user uploads without thinking about `Content-Type` sniffing
 * (send `X-Content-Type-Options: nosniff` from a layer above).
 *
 * Where: near the top of the stack, below logging and above the
 * application (and above auth only if the files are public).
 *
 * @example
 * const app = compose(accessLog(), staticFiles({ root: 'public', prefix: '/static', maxAge: 3600 }))(site);
 */
import { Buffer } from 'node:buffer';
import { constants, realpathSync, statSync, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { contentType } from 'mime-types';
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../lib/protocol/errors.js';
import { fileWrapper as defaultFileWrapper } from '../lib/protocol/file-wrapper.js';
import type { Application, Body, Environ, FileLike, HeaderList, Middleware, StartResponse } from '../lib/protocol/types.js';
import { evaluatePreconditions, formatHttpDate, KEPT_ON_304, parseHttpDate } from './_internal/conditional-get-validators.js';
import { requestHeader } from './_internal/head-body.js';
import { booleanOption, checkOptionNames } from './_internal/head-check-options.js';
import { encodePath, safeSegments } from './_internal/static-files-path.js';
import { parseRange, type RangeAnswer } from './_internal/static-files-range.js';

export interface StaticFilesOptions {
  /** The directory to serve; resolved against the working directory when the middleware is built. Required. */
  root: string;
  /** The URL prefix (`PATH_INFO`) the files live under, matched on segment boundaries. @default '/' */
  prefix?: string;
  /** File names tried, in order, for a directory. `[]` serves no directories. @default ['index.html'] */
  index?: string[];
  /** Pass requests for missing files (and other methods) to the application; `false` answers 404 / 405. @default true */
  fallthrough?: boolean;
  /** Serve symlinks whose target is outside `root`. @default false */
  followSymlinks?: boolean;
  /** A `Cache-Control` value sent verbatim; not together with `maxAge`/`immutable`. @default none */
  cacheControl?: string;
  /** Seconds: sends `Cache-Control: public, max-age=N`. @default none */
  maxAge?: number;
  /** With `maxAge`, adds `immutable` (for fingerprinted file names). @default false */
  immutable?: boolean;
  /** Send a weak `ETag` from the size and mtime. @default true */
  etag?: boolean;
  /** Send `Last-Modified` from the mtime. @default true */
  lastModified?: boolean;
  /** Files or directories whose name starts with `.`: `'ignore'` (as missing), `'deny'` (403) or `'allow'`. @default 'ignore' */
  dotfiles?: 'ignore' | 'deny' | 'allow';
}

const OPTION_NAMES = ['root', 'prefix', 'index', 'fallthrough', 'followSymlinks', 'cacheControl', 'maxAge', 'immutable', 'etag', 'lastModified', 'dotfiles'];
const SUBJECT = 'staticFiles()';

/** Serves the files under `root` at `prefix`; everything else goes to the application. */
export function staticFiles(options: StaticFilesOptions): Middleware {
  const config = checkConfig(options);

  return function staticFilesMiddleware(app: Application): Application {
    return async function staticFilesApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const path = environ.PATH_INFO;
      const { prefix } = config;
      if (prefix !== '' && path !== prefix && !path.startsWith(`${prefix}/`)) return app(environ, startResponse);
      const passOn = (status: string): Body | Promise<Body> => (config.fallthrough ? app(environ, startResponse) : plain(startResponse, status));
      if (environ.REQUEST_METHOD !== 'GET' && environ.REQUEST_METHOD !== 'HEAD') {
        if (config.fallthrough) return app(environ, startResponse);
        return plain(startResponse, '405 Method Not Allowed', [['Allow', 'GET, HEAD']]);
      }
      const resolved = safeSegments(path.slice(prefix.length));
      if (!resolved.safe) return plain(startResponse, '400 Bad Request');
      if (resolved.dotfile && config.dotfiles === 'deny') return plain(startResponse, '403 Forbidden');
      if (resolved.dotfile && config.dotfiles === 'ignore') return passOn('404 Not Found');

      let file = await find(config, join(config.root, ...resolved.segments));
      if (file?.directory) {
        const index = await findIndex(config, file.path);
        if (index === undefined) return passOn('404 Not Found');
        if (!resolved.trailingSlash) {
          await closeQuietly(index.handle);
          const query = environ.QUERY_STRING === '' ? '' : `?${environ.QUERY_STRING}`;
          return plain(startResponse, '301 Moved Permanently', [['Location', `${encodePath(`${environ.SCRIPT_NAME}${path}/`)}${query}`]]);
        }
        file = index;
      }
      if (file === undefined || file.directory) return passOn('404 Not Found');
      return serveFile(config, environ, startResponse, file);
    };
  };
}

interface Config {
  root: string;
  realRoot: string;
  prefix: string;
  index: string[];
  fallthrough: boolean;
  followSymlinks: boolean;
  cacheControl: string | undefined;
  etag: boolean;
  lastModified: boolean;
  dotfiles: 'ignore' | 'deny' | 'allow';
}

/** What `find()` found: a directory, or a file opened for reading with what `fstat` says of it. */
type Found = { path: string; directory: true } | { path: string; directory: false; handle: FileHandle; stats: Stats };

/**
 * Opened without blocking, so a FIFO in the root cannot hold a thread of the
 * pool until a writer comes (it is then refused: not a regular file).
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * The file or directory at `path`, if it exists inside the root (or symlinks
 * may leave it). A file is opened here and described by `fstat` on the open
 * handle, so what the headers say is what is sent, and no separate `stat`
 * of the path is needed (one file system call fewer per request).
 */
async function find(config: Config, path: string): Promise<Found | undefined> {
  try {
    if (!config.followSymlinks) {
      const real = await realpath(path);
      if (real !== config.realRoot && !real.startsWith(config.realRoot + sep)) return undefined;
    }
  } catch {
    return undefined;
  }
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    // Where directories cannot be opened (Windows), ask the path instead.
    if ((error as NodeJS.ErrnoException).code !== 'EISDIR') return undefined;
    return (await isDirectory(path)) ? { path, directory: true } : undefined;
  }
  try {
    const stats = await handle.stat();
    if (stats.isFile()) return { path, directory: false, handle, stats };
    await closeQuietly(handle);
    return stats.isDirectory() ? { path, directory: true } : undefined;
  } catch {
    await closeQuietly(handle);
    return undefined;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Closes a handle we are done with; a failure to close a read-only file changes nothing for the client. */
async function closeQuietly(handle: FileHandle): Promise<void> {
  try {
    await handle.close();
  } catch {
    // Nothing to do: the descriptor is released either way.
  }
}

async function findIndex(config: Config, directory: string): Promise<(Found & { directory: false }) | undefined> {
  for (const name of config.index) {
    const found = await find(config, join(directory, name));
    if (found !== undefined && !found.directory) return found;
  }
  return undefined;
}

async function serveFile(config: Config, environ: Environ, startResponse: StartResponse, file: Found & { directory: false }): Promise<Body> {
  const { path, handle, stats } = file;
  let handed = false;
  try {
    const size = stats.size;
    const mtime = Math.floor(stats.mtimeMs / 1000);
    const tag = `W/"${size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers: HeaderList = [];
    if (config.etag) headers.push(['ETag', tag]);
    if (config.lastModified) headers.push(['Last-Modified', formatHttpDate(mtime)]);
    if (config.cacheControl !== undefined) headers.push(['Cache-Control', config.cacheControl]);
    const validators = { etag: config.etag ? tag : undefined, lastModified: config.lastModified ? mtime : undefined };
    const precondition = evaluatePreconditions(environ, validators);
    if (precondition === 304) {
      startResponse('304 Not Modified', headers.filter(([name]) => KEPT_ON_304.includes(name.toLowerCase())));
      return [];
    }
    if (precondition === 412) return plain(startResponse, '412 Precondition Failed');

    const range = rangeFor(environ, size, validators);
    headers.push(['Accept-Ranges', 'bytes']);
    if (range.kind === 'unsatisfiable') {
      return plain(startResponse, '416 Range Not Satisfiable', [['Content-Range', `bytes */${size}`]]);
    }
    const type = contentType(extname(path)) || 'application/octet-stream';
    headers.unshift(['Content-Type', type]);
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
    const length = end - start + 1;
    headers.push(['Content-Length', String(length)]);
    if (range.kind === 'partial') headers.push(['Content-Range', `bytes ${start}-${end}/${size}`]);
    startResponse(range.kind === 'partial' ? '206 Partial Content' : '200 OK', headers);
    if (environ.REQUEST_METHOD === 'HEAD' || length === 0) return [];
    const wrap = environ['tsgi.file_wrapper'] ?? defaultFileWrapper;
    handed = true;
    return wrap(fileSlice(handle, start, length), 64 * 1024);
  } finally {
    if (!handed) await handle.close();
  }
}

/** `Range` applies only when `If-Range` (if any) still matches (RFC 9110 §13.1.5). */
function rangeFor(environ: Environ, size: number, validators: { etag: string | undefined; lastModified: number | undefined }): RangeAnswer {
  const header = requestHeader(environ, 'HTTP_RANGE');
  if (header === undefined) return { kind: 'whole' };
  const ifRange = requestHeader(environ, 'HTTP_IF_RANGE')?.trim();
  if (ifRange !== undefined) {
    const date = ifRange.startsWith('"') || ifRange.startsWith('W/') ? undefined : parseHttpDate(ifRange);
    // An entity-tag needs strong comparison: our tag is weak, so it never matches.
    const matches = date !== undefined && validators.lastModified !== undefined && date === validators.lastModified;
    if (!matches) return { kind: 'whole' };
  }
  return parseRange(header, size);
}

/** `length` bytes from `start`, read at explicit positions; closing closes the file. */
function fileSlice(handle: FileHandle, start: number, length: number): FileLike {
  let position = start;
  const stop = start + length;
  return {
    async read(size: number): Promise<Uint8Array> {
      const want = Math.min(size, stop - position);
      if (want <= 0) return new Uint8Array(0);
      const buffer = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      position += bytesRead;
      return bytesRead === want ? buffer : buffer.subarray(0, bytesRead);
    },
    close: () => handle.close(),
  };
}

/** A short text answer of our own. */
function plain(startResponse: StartResponse, status: string, extra: HeaderList = []): Body {
  const body = Buffer.from(`${status.slice(4)}\n`);
  startResponse(status, [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(body.length)], ...extra]);
  return [body];
}

function checkConfig(options: StaticFilesOptions): Config {
  if (options === undefined) {
    throw new ImproperlyConfigured(`${SUBJECT} needs options with a root directory; got undefined. Call staticFiles({ root: 'public' }).`);
  }
  const checked = checkOptionNames(SUBJECT, options, OPTION_NAMES);
  const { root, prefix = '/', index = ['index.html'], cacheControl, maxAge, dotfiles = 'ignore' } = checked;
  if (typeof root !== 'string' || root === '') {
    throw new ImproperlyConfigured(`${SUBJECT} option root must be a directory path; got ${describeValue(root)}. Pass e.g. { root: 'public' }.`);
  }
  const absolute = resolve(root);
  let realRoot: string;
  try {
    if (!statSync(absolute).isDirectory()) throw new Error('not a directory');
    realRoot = realpathSync(absolute);
  } catch {
    throw new ImproperlyConfigured(`${SUBJECT} option root must be an existing directory; got ${describeValue(root)} (${absolute}). Create it or fix the path.`);
  }
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || /[?#]/.test(prefix)) {
    throw new ImproperlyConfigured(`${SUBJECT} option prefix must be a path starting with '/'; got ${describeValue(prefix)}. Use e.g. '/static'.`);
  }
  const badIndex = Array.isArray(index) ? index.find((name) => typeof name !== 'string' || name === '' || name === '..' || /[/\\\0]/.test(name)) : index;
  if (!Array.isArray(index) || badIndex !== undefined) {
    throw new ImproperlyConfigured(`${SUBJECT} option index must be an array of file names (no slashes); got ${describeValue(badIndex)}. Use e.g. ['index.html'] or [].`);
  }
  if (cacheControl !== undefined && (typeof cacheControl !== 'string' || /[\x00-\x08\x0A-\x1F\x7F]|[^\x00-\xFF]/.test(cacheControl))) {
    throw new ImproperlyConfigured(`${SUBJECT} option cacheControl must be a header value (no control characters); got ${describeValue(cacheControl)}.`);
  }
  if (cacheControl !== undefined && (maxAge !== undefined || checked.immutable !== undefined)) {
    throw new ImproperlyConfigured(`${SUBJECT} got cacheControl together with maxAge/immutable; give either the whole Cache-Control value or maxAge (and immutable).`);
  }
  if (maxAge !== undefined && !(Number.isSafeInteger(maxAge) && maxAge >= 0)) {
    throw new ImproperlyConfigured(`${SUBJECT} option maxAge must be a whole number of seconds >= 0; got ${describeValue(maxAge)}.`);
  }
  const immutable = booleanOption(SUBJECT, 'immutable', checked.immutable, false);
  if (immutable && maxAge === undefined) {
    throw new ImproperlyConfigured(`${SUBJECT} option immutable needs maxAge; got immutable: true alone. Add e.g. maxAge: 31536000.`);
  }
  if (!['ignore', 'deny', 'allow'].includes(dotfiles)) {
    throw new ImproperlyConfigured(`${SUBJECT} option dotfiles must be 'ignore', 'deny' or 'allow'; got ${describeValue(dotfiles)}.`);
  }
  return {
    root: absolute,
    realRoot,
    prefix: prefix.replace(/\/+$/, ''),
    index: [...index],
    fallthrough: booleanOption(SUBJECT, 'fallthrough', checked.fallthrough, true),
    followSymlinks: booleanOption(SUBJECT, 'followSymlinks', checked.followSymlinks, false),
    cacheControl: cacheControl ?? (maxAge === undefined ? undefined : `public, max-age=${maxAge}${immutable ? ', immutable' : ''}`),
    etag: booleanOption(SUBJECT, 'etag', checked.etag, true),
    lastModified: booleanOption(SUBJECT, 'lastModified', checked.lastModified, true),
    dotfiles,
  };
}
