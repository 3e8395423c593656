/**
 * The options of `tsgi serve`, the prefork production server: one table
 * (name, flag, kind, default, help) from which the command line, the config
 * file and the usage text are all derived, so the three cannot drift.
 * Time limits are in seconds, as gunicorn's and uWSGI's; sizes in bytes,
 * memory limits in MiB.
 *
 * @example
 * const options = resolveServeOptions({ values: { workers: 2 }, source: 'tsgi.config.json' }, { values: { workers: '4' }, source: 'command line' });
 */
import { availableParallelism } from 'node:os';
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';
import { parseBind } from './parse-bind.js';

/** Every setting of the prefork server, resolved: defaults filled in, values checked. */
export interface ServeOptions {
  /** `MODULE[:EXPORT]` of the application; `undefined` with no mounts serves the demo application. */
  app: string | undefined;
  /** Addresses to listen on: `HOST:PORT`, `[V6]:PORT`, `unix:/path.sock`. @default ['127.0.0.1:8000'] */
  bind: string[];
  /** Worker processes. @default the number of cores (`os.availableParallelism()`) */
  workers: number;
  /** The protocol spoken on every bind. @default 'http' */
  protocol: 'http' | 'uwsgi';
  /** The listen queue length (capped by the kernel's somaxconn). @default 2048 */
  backlog: number;
  /** A worker is recycled after this many requests; 0 never. @default 0 */
  maxRequests: number;
  /** A random 0..J added to `maxRequests` per worker, so workers do not all recycle at once. @default 0 */
  maxRequestsJitter: number;
  /** A worker whose RSS exceeds this many MiB after a request is recycled gracefully; 0 off. @default 0 */
  reloadOnRss: number;
  /** The master kills a worker whose RSS exceeds this many MiB at once, even mid-request; 0 off. @default 0 */
  evilReloadOnRss: number;
  /** Seconds one request may run before the master kills its worker; 0 off. @default 0 */
  harakiri: number;
  /** Seconds of heartbeat silence (a blocked event loop) before the master kills a worker; 0 off. @default 30 */
  timeout: number;
  /** Seconds workers get to finish in-flight requests on stop/reload before they are killed. @default 30 */
  gracefulTimeout: number;
  /** Seconds an idle keep-alive connection stays open. @default 5 */
  keepAlive: number;
  /** Seconds a client has to send the request head (slowloris defence). @default 10 */
  headersTimeout: number;
  /** Seconds a client has to send the whole request; 0 off. @default 60 */
  requestTimeout: number;
  /** The largest request head (request line + headers) node's parser accepts, in bytes. @default 16384 */
  maxHeaderSize: number;
  /** The longest request line, in bytes (answered 414); 0 leaves only `maxHeaderSize`. @default 8190 */
  limitRequestLine: number;
  /** The most header fields a request may have (answered 431); 0 off. @default 100 */
  limitRequestFields: number;
  /** The longest header field (name + value), in bytes (answered 431); 0 off. @default 8190 */
  limitRequestFieldSize: number;
  /** Peers whose `X-Forwarded-*` headers are trusted: IPs, CIDRs, or `*`; empty trusts none. @default [] */
  forwardedAllowIps: string[];
  /** Access log: a file, `-` for stdout, or `undefined` for none. @default undefined */
  accessLog: string | undefined;
  /** `common`, `combined`, `json` or gunicorn atoms. @default combined followed by the worker pid */
  accessLogFormat: string | undefined;
  /** Error log: a file, or `-` for stderr. @default '-' */
  errorLog: string;
  /** Requests slower than this many milliseconds are logged to the error log; 0 off. @default 0 */
  logSlow: number;
  /** `HOST:PORT` of the JSON stats server, or `undefined` for none. @default undefined */
  stats: string | undefined;
  /** More applications: `/prefix=MODULE[:EXPORT]`, dispatched by urlMap. @default [] */
  mount: string[];
}

type Kind = 'int' | 'seconds' | 'string' | 'list' | 'protocol';

interface OptionSpec {
  readonly key: keyof ServeOptions;
  readonly kind: Kind;
  /** The value placeholder in the usage text, e.g. `N`. */
  readonly arg: string;
  readonly help: string;
  /** The smallest value of an `int`. @default 0 */
  readonly min?: number;
}

/** The table: order is the order of the usage text. `app` is the positional argument, not a flag. */
export const SERVE_OPTIONS: readonly OptionSpec[] = [
  { key: 'bind', kind: 'list', arg: 'ADDR', help: 'HOST:PORT or unix:/path.sock; repeatable (default 127.0.0.1:8000)' },
  { key: 'workers', kind: 'int', min: 1, arg: 'N', help: 'worker processes (default: the number of cores)' },
  { key: 'protocol', kind: 'protocol', arg: 'http|uwsgi', help: 'the protocol on every bind (default http)' },
  { key: 'backlog', kind: 'int', arg: 'N', help: 'listen queue length (default 2048)' },
  { key: 'maxRequests', kind: 'int', arg: 'N', help: 'recycle a worker after N requests (default 0: never)' },
  { key: 'maxRequestsJitter', kind: 'int', arg: 'J', help: 'add a random 0..J to --max-requests per worker' },
  { key: 'reloadOnRss', kind: 'int', arg: 'MB', help: 'recycle a worker gracefully past this RSS' },
  { key: 'evilReloadOnRss', kind: 'int', arg: 'MB', help: 'kill a worker at once past this RSS' },
  { key: 'harakiri', kind: 'seconds', arg: 'S', help: 'kill a worker stuck in one request this long' },
  { key: 'timeout', kind: 'seconds', arg: 'S', help: 'kill a worker silent (event loop blocked) this long (default 30)' },
  { key: 'gracefulTimeout', kind: 'seconds', arg: 'S', help: 'time to finish requests on stop/reload (default 30)' },
  { key: 'keepAlive', kind: 'seconds', arg: 'S', help: 'idle keep-alive connection timeout (default 5)' },
  { key: 'headersTimeout', kind: 'seconds', arg: 'S', help: 'time to send the request head (default 10)' },
  { key: 'requestTimeout', kind: 'seconds', arg: 'S', help: 'time to send the whole request (default 60)' },
  { key: 'maxHeaderSize', kind: 'int', min: 1, arg: 'BYTES', help: 'largest request head (default 16384)' },
  { key: 'limitRequestLine', kind: 'int', arg: 'BYTES', help: 'longest request line, else 414 (default 8190)' },
  { key: 'limitRequestFields', kind: 'int', arg: 'N', help: 'most header fields, else 431 (default 100)' },
  { key: 'limitRequestFieldSize', kind: 'int', arg: 'BYTES', help: 'longest header field, else 431 (default 8190)' },
  { key: 'forwardedAllowIps', kind: 'list', arg: 'IPS', help: "trust X-Forwarded-* from these IPs/CIDRs ('*': all)" },
  { key: 'accessLog', kind: 'string', arg: 'FILE', help: "access log file, '-' for stdout (default: none)" },
  { key: 'accessLogFormat', kind: 'string', arg: 'FMT', help: 'common|combined|json|gunicorn atoms' },
  { key: 'errorLog', kind: 'string', arg: 'FILE', help: "error log file, '-' for stderr (default -)" },
  { key: 'logSlow', kind: 'int', arg: 'MS', help: 'log requests slower than MS milliseconds' },
  { key: 'stats', kind: 'string', arg: 'HOST:PORT', help: 'serve JSON stats there (read by tsgi top)' },
  { key: 'mount', kind: 'list', arg: '/P=MOD', help: 'mount MODULE[:EXPORT] at /P; repeatable' },
];

/** `maxRequestsJitter` -> `max-requests-jitter`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Default bind, as the development server's. */
export const DEFAULT_BIND = '127.0.0.1:8000';

function defaults(): ServeOptions {
  return {
    app: undefined,
    bind: [DEFAULT_BIND],
    workers: availableParallelism(),
    protocol: 'http',
    backlog: 2048,
    maxRequests: 0,
    maxRequestsJitter: 0,
    reloadOnRss: 0,
    evilReloadOnRss: 0,
    harakiri: 0,
    timeout: 30,
    gracefulTimeout: 30,
    keepAlive: 5,
    headersTimeout: 10,
    requestTimeout: 60,
    maxHeaderSize: 16_384,
    limitRequestLine: 8190,
    limitRequestFields: 100,
    limitRequestFieldSize: 8190,
    forwardedAllowIps: [],
    accessLog: undefined,
    accessLogFormat: undefined,
    errorLog: '-',
    logSlow: 0,
    stats: undefined,
    mount: [],
  };
}

/** Option values from one place: the command line or a config file. */
export interface OptionLayer {
  /** Raw values: strings from the command line, JSON values from a file. Keys camelCase or kebab-case. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Where they came from, for messages: `'command line'` or the file's name. */
  readonly source: string;
}

/**
 * Checks each layer's values and fills in the defaults; a later layer wins
 * (the command line after the config file).
 * @throws ImproperlyConfigured naming the option, the bad value and what to give.
 */
export function resolveServeOptions(...layers: OptionLayer[]): ServeOptions {
  const options = defaults();
  const specs = new Map<string, OptionSpec>(SERVE_OPTIONS.map((spec) => [spec.key, spec]));
  for (const { values, source } of layers) {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      const subject = sourceSubject(source, key);
      if (key === 'app') {
        if (typeof value !== 'string' || value === '') throw bad(subject, 'must be MODULE[:EXPORT], a string', value);
        options.app = value;
        continue;
      }
      const spec = specs.get(key);
      if (spec === undefined) {
        const known = ['app', ...SERVE_OPTIONS.map((s) => flagName(s.key))].join(', ');
        throw new ImproperlyConfigured(`tsgi serve: ${source} has an unknown option '${name}'. Known options: ${known}.`);
      }
      (options as unknown as Record<string, unknown>)[key] = convert(spec, value, subject);
    }
  }
  if (options.requestTimeout > 0 && options.headersTimeout > options.requestTimeout) {
    throw new ImproperlyConfigured(
      `tsgi serve: --headers-timeout (${options.headersTimeout}) must not exceed --request-timeout (${options.requestTimeout}). ` +
        'Lower the first or raise the second.',
    );
  }
  return options;
}

function sourceSubject(source: string, key: string): string {
  return source === 'command line' ? `--${flagName(key)}` : `'${flagName(key)}' in ${source}`;
}

function bad(subject: string, problem: string, value: unknown): ImproperlyConfigured {
  return new ImproperlyConfigured(`tsgi serve: ${subject} ${problem}; got ${describeValue(value)}.`);
}

function convert(spec: OptionSpec, value: unknown, subject: string): unknown {
  switch (spec.kind) {
    case 'int': {
      const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
      const min = spec.min ?? 0;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) throw bad(subject, `must be an integer >= ${min}`, value);
      return n;
    }
    case 'seconds': {
      const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw bad(subject, 'must be a number of seconds >= 0', value);
      return n;
    }
    case 'protocol':
      if (value !== 'http' && value !== 'uwsgi') throw bad(subject, "must be 'http' or 'uwsgi'", value);
      return value;
    case 'string':
      if (typeof value !== 'string' || value === '') throw bad(subject, 'must be a non-empty string', value);
      if (spec.key === 'stats' && parseBind(value).kind !== 'tcp') throw bad(subject, 'must be HOST:PORT (TCP)', value);
      return value;
    case 'list': {
      // A config file may give one string or a list; --forwarded-allow-ips takes a comma list.
      const items = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(items) || !items.every((item) => typeof item === 'string' && item !== '')) {
        throw bad(subject, 'must be a string or a list of strings', value);
      }
      if (spec.key === 'bind') {
        if (items.length === 0) throw bad(subject, 'needs at least one address', value);
        for (const item of items as string[]) parseBind(item);
      }
      return spec.key === 'forwardedAllowIps' ? items.flatMap((item: string) => item.split(',').map((s) => s.trim())).filter(Boolean) : [...items];
    }
  }
}
