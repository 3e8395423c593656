/**
 * `HttpRequest`: Django's request object over a tsgi environ
 * (`django/http/request.py`, `core/handlers/wsgi.py`).
 *
 * Building one is a few field assignments: everything costly (`path`,
 * `GET`, `COOKIES`, `headers`, the content type) is computed on first
 * access and cached, and the body is only read when asked for, once, and
 * asynchronously: `await request.body()`, `text()`, `json()`, or
 * `readForm()` for POST and FILES.
 *
 * @example
 * async function search(request: HttpRequest) {
 *   const q = request.GET.get('q', '');
 *   const form = await request.readForm();      // POST
 *   return new HttpResponse(`${request.method} ${request.path} ${q} ${form.get('name')}`);
 * }
 */
import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import { BadRequest } from '../errors.js';
import { isAscii } from '../../protocol/ascii-case.js';
import { TsgiError } from '../../protocol/errors.js';
import type { Environ } from '../../protocol/types.js';
import { parseHeaderParameters } from './header-parameters.js';
import { checkAllowedHost } from './host-validation.js';
import { MediaType, parseAccept } from './media-type.js';
import type { MultiValueDict } from './multi-value-dict.js';
import { parseCookie } from './parse-cookie.js';
import { QueryDict, decodeBytes } from './query-dict.js';
import { RequestBody } from './request-body.js';
import { RequestHeaders } from './request-headers.js';
import type { RequestResolverMatch, RequestReverseOptions, Reverser } from './request-urlconf.js';
import { maxNumberFields, type HttpRequestOptions } from './request-options.js';
import type { UploadedFile } from './uploaded-file.js';
import { byteStringToUri, escapeUriPath, iriToUri, repercentBrokenUnicode, splitUrl } from './uri-encoding.js';

export type { HttpRequestOptions } from './request-options.js';
export type { RequestResolverMatch, RequestReverseOptions, Reverser } from './request-urlconf.js';

/** What `close()` answers when there are no upload files (one settled Promise, shared). */
export const NOTHING_TO_CLOSE: Promise<void> = Promise.resolve();

const EMPTY_OPTIONS: HttpRequestOptions = Object.freeze({});

function textFromByteString(value: string): string {
  return isAscii(value) ? value : Buffer.from(value, 'latin1').toString('utf8');
}

/** `method` in upper case; one with no lower-case ASCII and no non-ASCII (nearly all) is returned as it is, no copy made. */
function upperCase(method: string): string {
  for (let i = 0; i < method.length; i += 1) {
    const code = method.charCodeAt(i);
    if ((code >= 0x61 && code <= 0x7a) || code > 0x7f) return method.toUpperCase();
  }
  return method;
}

export class HttpRequest {
  /** The request method, upper-cased (`'GET'`). */
  method: string;
  /** Set by the pipeline once the URLconf resolved the request. */
  resolverMatch: RequestResolverMatch | null = null;
  /** Set by the pipeline: the URLconf `reverse()` uses. */
  urlconf: Reverser | null = null;
  readonly #environ: Environ;
  readonly #options: HttpRequestOptions;
  #path: string | undefined;
  #pathInfo: string | undefined;
  #scriptName: string | undefined;
  #GET: QueryDict | undefined;
  #COOKIES: Record<string, string> | undefined;
  #headers: RequestHeaders | undefined;
  #contentType: string | undefined;
  #contentParams: Record<string, string> | undefined;
  #encoding: string | null | undefined;
  #host: string | undefined;
  #acceptedTypes: MediaType[] | undefined;
  /** The body and its form, made when first asked for. */
  #content: RequestBody | undefined;

  constructor(environ: Environ, options: HttpRequestOptions = EMPTY_OPTIONS) {
    this.#environ = environ;
    this.#options = options;
    const method = environ.REQUEST_METHOD;
    this.method = typeof method === 'string' ? upperCase(method) : 'GET';
  }

  /** The environ (Django's `request.META`): CGI byte strings, `HTTP_*` headers, `tsgi.*` keys. */
  get META(): Environ {
    return this.#environ;
  }

  /** The options this request was built with. */
  get options(): HttpRequestOptions {
    return this.#options;
  }

  /** The mount point (SCRIPT_NAME) as text. */
  get scriptName(): string {
    return (this.#scriptName ??= repercentBrokenUnicode(this.#environ.SCRIPT_NAME ?? ''));
  }

  /** PATH_INFO as text (UTF-8; broken bytes stay percent-encoded); `'/'` when empty. What the URLconf resolves. */
  get pathInfo(): string {
    return (this.#pathInfo ??= repercentBrokenUnicode(this.#environ.PATH_INFO ?? '') || '/');
  }

  set pathInfo(value: string) {
    this.#pathInfo = value;
  }

  /** The full path as text, script name included: `/app/articles/2024/`. */
  get path(): string {
    return (this.#path ??= `${this.scriptName.replace(/\/$/, '')}/${this.pathInfo.replace('/', '')}`);
  }

  set path(value: string) {
    this.#path = value;
  }

  /** The Content-Type without parameters, lower-cased; `''` when absent. */
  get contentType(): string {
    if (this.#contentType === undefined) this.#parseContentType();
    return this.#contentType!;
  }

  /** The Content-Type's parameters (`{ charset: 'utf-8' }`). */
  get contentParams(): Record<string, string> {
    if (this.#contentParams === undefined) this.#parseContentType();
    return this.#contentParams!;
  }

  /**
   * The charset form data and the query are decoded with: the Content-Type's
   * charset when it is a known one, else null (meaning UTF-8). Setting it
   * re-parses `GET` on next access.
   */
  get encoding(): string | null {
    if (this.#encoding === undefined) this.#parseContentType();
    return this.#encoding!;
  }

  set encoding(value: string | null) {
    this.#encoding = value;
    this.#GET = undefined;
  }

  #parseContentType(): void {
    const { value, params } = parseHeaderParameters(this.#environ.CONTENT_TYPE ?? '');
    this.#contentType = value;
    this.#contentParams = params;
    if (this.#encoding !== undefined) return;
    this.#encoding = null;
    const charset = params['charset'];
    if (charset !== undefined) {
      try {
        new TextDecoder(charset);
        this.#encoding = charset;
      } catch {
        // An unknown charset is ignored, as Django does.
      }
    }
  }

  /** The query string's fields (immutable). */
  get GET(): QueryDict {
    return (this.#GET ??= QueryDict.fromByteString(this.#environ.QUERY_STRING ?? '', {
      encoding: this.encoding ?? 'utf-8',
      maxFields: maxNumberFields(this.#options),
    }));
  }

  set GET(value: QueryDict) {
    this.#GET = value;
  }

  /**
   * The form fields of a POST body. Available once `readForm()` resolved;
   * immediately (empty) for other methods and content types.
   */
  get POST(): QueryDict {
    const content = this.#requestBody();
    if (content.POST === undefined) content.loadWithoutBody('POST');
    return content.POST!;
  }

  set POST(value: QueryDict) {
    this.#requestBody().POST = value;
  }

  /** The uploaded files of a multipart POST body, by field name. Available as `POST` is. */
  get FILES(): MultiValueDict<UploadedFile> {
    const content = this.#requestBody();
    if (content.FILES === undefined) content.loadWithoutBody('FILES');
    return content.FILES!;
  }

  set FILES(value: MultiValueDict<UploadedFile>) {
    this.#requestBody().FILES = value;
  }

  /** The request's cookies, name -> value (Django's lenient parsing). */
  get COOKIES(): Record<string, string> {
    return (this.#COOKIES ??= parseCookie(textFromByteString(String(this.#environ['HTTP_COOKIE'] ?? ''))));
  }

  /** The request headers, case-insensitive: `request.headers.get('User-Agent')`. */
  get headers(): RequestHeaders {
    return (this.#headers ??= new RequestHeaders(this.#environ));
  }

  /** The media types of the Accept header (`*\/*` when absent), most preferred first. */
  get acceptedTypes(): MediaType[] {
    return (this.#acceptedTypes ??= parseAccept(String(this.#environ['HTTP_ACCEPT'] ?? '*/*')));
  }

  /** True when the client accepts `mediaType` (`request.accepts('text/html')`). */
  accepts(mediaType: string): boolean {
    return this.acceptedTypes.some((type) => type.match(mediaType));
  }

  /** The first of `mediaTypes` in the client's order of preference, or null when it accepts none. */
  getPreferredType(mediaTypes: readonly string[]): string | null {
    for (const accepted of this.acceptedTypes) {
      const found = mediaTypes.find((mediaType) => accepted.match(mediaType));
      if (found !== undefined) return found;
    }
    return null;
  }

  /** `'https'` or `'http'`, from `secureProxySslHeader` when configured and present, else `tsgi.url_scheme`. */
  get scheme(): string {
    const proxyHeader = this.#options.secureProxySslHeader;
    if (proxyHeader) {
      const [header, secureValue] = proxyHeader;
      const value = this.#environ[header];
      if (typeof value === 'string') {
        return value.split(',', 1)[0]!.trim() === secureValue ? 'https' : 'http';
      }
    }
    return this.#environ['tsgi.url_scheme'] === 'https' ? 'https' : 'http';
  }

  isSecure(): boolean {
    return this.scheme === 'https';
  }

  /** The port (X-Forwarded-Port when `useXForwardedPort` and sent, else SERVER_PORT). */
  getPort(): string {
    const forwarded = this.#environ['HTTP_X_FORWARDED_PORT'];
    if (this.#options.useXForwardedPort === true && typeof forwarded === 'string') return forwarded;
    return String(this.#environ.SERVER_PORT ?? '');
  }

  /**
   * The host the client asked for (`example.com:8000`), validated against
   * `allowedHosts`: X-Forwarded-Host when `useXForwardedHost`, else Host,
   * else SERVER_NAME with the port when it is not the scheme's default.
   *
   * @throws DisallowedHost when the host is invalid or not allowed
   */
  getHost(): string {
    return (this.#host ??= checkAllowedHost(this.#rawHost(), this.#options));
  }

  #rawHost(): string {
    const environ = this.#environ;
    const forwarded = environ['HTTP_X_FORWARDED_HOST'];
    if (this.#options.useXForwardedHost === true && typeof forwarded === 'string') return forwarded;
    const host = environ['HTTP_HOST'];
    if (typeof host === 'string') return host;
    // PEP 3333 URL reconstruction.
    const port = this.getPort();
    return port === (this.isSecure() ? '443' : '80') ? environ.SERVER_NAME : `${environ.SERVER_NAME}:${port}`;
  }

  /** The path (escaped as in a URI) plus `?` and the query when there is one; `forceAppendSlash` adds a missing final `/`. */
  getFullPath(forceAppendSlash = false): string {
    return this.#fullPath(this.path, forceAppendSlash);
  }

  /** `getFullPath()` with `pathInfo` instead of `path` (no script name). */
  getFullPathInfo(forceAppendSlash = false): string {
    return this.#fullPath(this.pathInfo, forceAppendSlash);
  }

  #fullPath(path: string, forceAppendSlash: boolean): string {
    const query = this.#environ.QUERY_STRING ?? '';
    const slash = forceAppendSlash && !path.endsWith('/') ? '/' : '';
    return `${escapeUriPath(path)}${slash}${query === '' ? '' : `?${byteStringToUri(query)}`}`;
  }

  /**
   * An absolute URI for `location` (default: this request's full path),
   * resolved against the request's scheme, host and path, as Django's
   * `build_absolute_uri()`: `'//'`-prefixed and other scheme-less absolute
   * paths take this request's scheme and host; relative ones are joined to
   * the current path.
   */
  buildAbsoluteUri(location?: string): string {
    let target = location ?? `//${this.getFullPath()}`;
    const { scheme, netloc, path } = splitUrl(target);
    if (scheme === '' || netloc === '') {
      const schemeHost = `${this.scheme}://${this.getHost()}`;
      if (path.startsWith('/') && scheme === '' && netloc === '' && !path.includes('/./') && !path.includes('/../')) {
        target = schemeHost + (target.startsWith('//') ? target.slice(2) : target);
      } else {
        target = new URL(target, schemeHost + escapeUriPath(this.path)).href;
      }
    }
    return iriToUri(target);
  }

  /**
   * `reverse()` through the URLconf that resolved this request, with this
   * request's script prefix and, unless given, its namespace as the current
   * application.
   */
  reverse(name: string | ((...args: never[]) => unknown), options: RequestReverseOptions = {}): string {
    if (this.urlconf === null) {
      throw new TsgiError(
        `request.reverse(${typeof name === 'string' ? `'${name}'` : 'a view'}) needs request.urlconf, which the pipeline sets. ` +
          'Outside the pipeline, call your resolver\'s reverse() directly.',
      );
    }
    const prefix = this.scriptName.endsWith('/') ? this.scriptName : `${this.scriptName}/`;
    const full: RequestReverseOptions = { scriptPrefix: prefix, ...options };
    if (options.currentApp === undefined && this.resolverMatch !== null) full.currentApp = this.resolverMatch.namespace;
    return this.urlconf.reverse(name, full);
  }

  /**
   * The raw body, read from `tsgi.input` once (later calls share the read),
   * bounded by `dataUploadMaxMemorySize`.
   *
   * @throws RequestDataTooBig past the limit
   */
  body(): Promise<Uint8Array> {
    return this.#requestBody().bytes();
  }

  /** The body decoded with the request's encoding (UTF-8 by default). */
  async text(): Promise<string> {
    return decodeBytes(await this.body(), this.encoding ?? 'utf-8', false)!;
  }

  /**
   * The body parsed as JSON.
   *
   * @throws BadRequest when it is not valid JSON (the parser's error as `cause`)
   */
  async json(): Promise<unknown> {
    const text = await this.text();
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new BadRequest(`The request body is not valid JSON: ${(error as Error).message}. Send a JSON document.`, { cause: error });
    }
  }

  /**
   * Reads and parses the form in a POST body (urlencoded or multipart),
   * once; afterwards `POST` and `FILES` are available. Resolves to `POST`.
   * A body of any other type, or a request of another method, gives an
   * empty form, as Django.
   *
   * @throws MultiPartParserError, TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig, BadRequest
   */
  async readForm(): Promise<QueryDict> {
    await this.#requestBody().readForm();
    return this.POST;
  }

  /** Deletes the temporary files of uploads. The pipeline calls it when the response is closed. */
  close(): Promise<void> {
    const files = this.#content?.FILES;
    if (files === undefined) return NOTHING_TO_CLOSE;
    return Promise.all([...files].map(([, file]) => file.close())).then(() => undefined);
  }

  #requestBody(): RequestBody {
    return (this.#content ??= new RequestBody(this));
  }

  toString(): string {
    let fullPath: string;
    try {
      fullPath = this.getFullPath();
    } catch {
      fullPath = String(this.#environ.PATH_INFO);
    }
    return `<${this.constructor.name}: ${this.method} '${fullPath}'>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
