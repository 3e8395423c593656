/**
 * `createEnviron()`: a spec-valid environ for unit tests that call an
 * application or a middleware directly (Werkzeug's `create_environ` /
 * `EnvironBuilder`, Rack's `MockRequest.env_for`). It is built by the
 * gateway's own `buildEnviron` from the request a real client would send, so
 * a unit test sees exactly what a server would give the app.
 *
 * @example
 * const environ = createEnviron('/search?q=tsgi', { method: 'POST', json: { page: 2 } });
 * environ.QUERY_STRING;                    // 'q=tsgi'
 * environ.CONTENT_TYPE;                    // 'application/json'
 * await environ['tsgi.input'].read();      // the JSON bytes
 */
import { MemoryErrorStream } from '../protocol/error-stream.js';
import { describeValue } from '../protocol/describe-value.js';
import type { Environ, ErrorStream, FileWrapperFactory } from '../protocol/types.js';
import { buildEnviron, defaultGatewayOptions } from '../gateway/index.js';
import type { GatewayOptions } from '../gateway/types.js';
import { DEFAULT_BASE_URL, parseBaseUrl, type BaseUrl } from './base-url.js';
import { prepareRequest, toGatewayRequest, type RequestOptions } from './build-request.js';
import { percentDecode } from '../gateway/environ.js';
import { encodeTarget } from './request-target.js';

export interface CreateEnvironOptions extends RequestOptions {
  /** @default 'GET' */
  method?: string;
  /** Scheme, host, port and script root. @default 'http://localhost/' */
  baseUrl?: string;
  /** The mount point (`SCRIPT_NAME`), written like a path; replaces the base URL's path. @default the base URL's path */
  scriptName?: string;
  /** `tsgi.errors`. @default a new MemoryErrorStream */
  errors?: ErrorStream;
  /** @default false */
  multithread?: boolean;
  /** @default false */
  multiprocess?: boolean;
  /** @default false */
  runOnce?: boolean;
  /** `SERVER_SOFTWARE`; `''` leaves it out. @default the gateway's */
  serverSoftware?: string;
  /** Offered as `tsgi.file_wrapper`. @default none */
  fileWrapper?: FileWrapperFactory;
  /** Keys set last, over everything else (Werkzeug's `environ_overrides`). */
  extra?: Readonly<Record<string, unknown>>;
}

const ENVIRON_OPTION_NAMES = [
  'method', 'baseUrl', 'scriptName', 'errors', 'multithread', 'multiprocess', 'runOnce', 'serverSoftware', 'fileWrapper', 'extra',
];

/** A complete environ for a request to `path` (which may carry a query). */
export function createEnviron(path = '/', options: CreateEnvironOptions = {}): Environ {
  const subject = `createEnviron(${describeValue(path)})`;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${subject} options must be an object; got ${describeValue(options)}.`);
  }
  const {
    method = 'GET', baseUrl = DEFAULT_BASE_URL, scriptName, errors = new MemoryErrorStream(),
    multithread = false, multiprocess = false, runOnce = false, serverSoftware, fileWrapper, extra,
    ...requestOptions
  } = options;
  const base = withScriptName(parseBaseUrl(baseUrl, subject), scriptName, subject);
  const prepared = prepareRequest(method, path, requestOptions, { base, subject, extraOptionNames: ENVIRON_OPTION_NAMES });

  const overrides: Partial<GatewayOptions> = { errors, multithread, multiprocess, runOnce };
  if (serverSoftware !== undefined) overrides.serverSoftware = serverSoftware;
  if (fileWrapper !== undefined) overrides.fileWrapper = fileWrapper;
  const environ = buildEnviron(toGatewayRequest(prepared), defaultGatewayOptions(overrides));

  // The gateway always mounts at ''; move the script root as a server mounted there would.
  if (base.scriptRoot !== '') {
    const pathInfo = environ.PATH_INFO;
    if (pathInfo !== base.scriptRoot && !pathInfo.startsWith(`${base.scriptRoot}/`)) {
      throw new TypeError(`${subject} the URL's path '${pathInfo}' is outside the script name '${base.scriptRoot}'.`);
    }
    environ.SCRIPT_NAME = base.scriptRoot;
    environ.PATH_INFO = pathInfo.slice(base.scriptRoot.length);
  }
  if (extra !== undefined) {
    if (extra === null || typeof extra !== 'object') {
      throw new TypeError(`${subject} extra must be an object of environ keys; got ${describeValue(extra)}.`);
    }
    Object.assign(environ, extra);
  }
  return environ;
}

function withScriptName(base: BaseUrl, scriptName: string | undefined, subject: string): BaseUrl {
  if (scriptName === undefined) return base;
  // SPEC: SCRIPT_NAME is '' or starts with '/', and never ends with '/' (PEP 3333 URL reconstruction).
  if (typeof scriptName !== 'string' || (scriptName !== '' && (!scriptName.startsWith('/') || scriptName.endsWith('/')))) {
    throw new TypeError(
      `${subject} scriptName must be '' or start with '/' and not end with '/'; got ${describeValue(scriptName)}. Write e.g. '/app'.`,
    );
  }
  const encodedScriptRoot = encodeTarget(scriptName);
  return { ...base, encodedScriptRoot, scriptRoot: percentDecode(encodedScriptRoot) };
}
