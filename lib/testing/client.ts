/**
 * The test client: requests an application in-process, through the same
 * gateway every server uses (no socket), with `validate()` checking both the
 * app and the gateway on every call. Werkzeug's `Client` and Rack's
 * `MockRequest`, for tsgi.
 *
 * @example
 * const client = new Client(app);
 * const response = await client.post('/login', { form: { user: 'ada' }, followRedirects: true });
 * t.is(response.status, 200);
 * t.is(client.cookies.get('session')?.value, 'abc');
 */
import { MemoryErrorStream } from '../protocol/error-stream.js';
import { ImproperlyConfigured, TsgiError } from '../protocol/errors.js';
import { describeValue } from '../protocol/describe-value.js';
import type { Application, ErrorStream, FileWrapperFactory, HeaderList, Middleware } from '../protocol/types.js';
import { defaultGatewayOptions, runGateway } from '../gateway/index.js';
import type { GatewayOptions } from '../gateway/types.js';
import { validate as validateApp, type ValidatedApplication } from '../validate/index.js';
import { DEFAULT_BASE_URL, parseBaseUrl, type BaseUrl } from './base-url.js';
import { normaliseHeaders, prepareRequest, toGatewayRequest, type HeadersInit, type PreparedRequest, type RequestOptions } from './build-request.js';
import { ClientSink } from './client-sink.js';
import { CookieJar } from './cookie-jar.js';
import { nextRedirect } from './redirects.js';
import { mountAt } from './script-root.js';
import { TestResponse } from './test-response.js';

export interface ClientOptions {
  /** Wrap the application in `validate()` (with `middleware`: on both sides of it). @default true */
  validate?: boolean;
  /**
   * A middleware under test: the client runs `middleware(app)`, validated
   * above and below (`validate(middleware(validate(app)))`).
   */
  middleware?: Middleware;
  /** Scheme, host, port and script root (`SCRIPT_NAME`) of the app. @default 'http://localhost/' */
  baseUrl?: string;
  /** Sent with every request; a request's own header of the same name replaces it. */
  headers?: HeadersInit;
  /** @default false */
  followRedirects?: boolean;
  /** @default 10 */
  maxRedirects?: number;
  /** Keep cookies between requests in `client.cookies`. @default true */
  useCookies?: boolean;
  /** Also copy whatever is written to `tsgi.errors` here (e.g. `createErrorStream(process.stderr)`). */
  errors?: ErrorStream;
  /** Extra environ keys for every request (the gateway's `baseEnviron`). */
  baseEnviron?: Readonly<Record<string, unknown>>;
  /** The `Server` header and `SERVER_SOFTWARE`; `''` leaves both out. @default the gateway's */
  serverSoftware?: string;
  /** Offered as `tsgi.file_wrapper`. @default none */
  fileWrapper?: FileWrapperFactory;
}

const CLIENT_OPTION_NAMES = [
  'validate', 'middleware', 'baseUrl', 'headers', 'followRedirects', 'maxRedirects', 'useCookies', 'errors',
  'baseEnviron', 'serverSoftware', 'fileWrapper',
];

/** Per-request options: the request itself plus how the client behaves for it. */
export interface ClientRequestOptions extends RequestOptions {
  /** Overrides the client's `followRedirects` for this request. */
  followRedirects?: boolean;
  /**
   * Simulates a client that goes away after receiving this many body bytes
   * (`0`: as soon as the head arrives), to test close() on disconnect.
   */
  disconnectAfter?: number;
  /**
   * Consumes the body as it streams instead of keeping it in `body`; a
   * returned Promise holds the gateway back (backpressure), like a slow client.
   */
  onBodyChunk?: (chunk: Uint8Array) => void | Promise<void>;
}

/** The methods with a shortcut; error messages name the shortcut the test called. */
const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const CLIENT_REQUEST_OPTION_NAMES = ['followRedirects', 'disconnectAfter', 'onBodyChunk'];

export class Client {
  /** The cookies the client keeps and sends back. */
  readonly cookies: CookieJar = new CookieJar();
  readonly #app: Application;
  readonly #base: BaseUrl;
  readonly #defaultHeaders: HeaderList;
  readonly #followRedirects: boolean;
  readonly #maxRedirects: number;
  readonly #useCookies: boolean;
  readonly #errors: ErrorStream | undefined;
  readonly #gatewayOverrides: Partial<GatewayOptions>;
  /** The validators wrapping the app (and the middleware), asked after each request whether every body was closed. */
  readonly #validators: ValidatedApplication[] = [];
  #inFlight = 0;

  constructor(app: Application, options: ClientOptions = {}) {
    if (typeof app !== 'function') {
      throw new ImproperlyConfigured(`new Client() expects an application (a function); got ${describeValue(app)}.`);
    }
    if (options === null || typeof options !== 'object') {
      throw new ImproperlyConfigured(`new Client() options must be an object; got ${describeValue(options)}.`);
    }
    for (const name of Object.keys(options)) {
      if (!CLIENT_OPTION_NAMES.includes(name)) {
        throw new ImproperlyConfigured(`new Client() got an unknown option '${name}'. Known options: ${CLIENT_OPTION_NAMES.join(', ')}.`);
      }
    }
    const { validate = true, middleware, maxRedirects = 10 } = options;
    if (middleware !== undefined && typeof middleware !== 'function') {
      throw new ImproperlyConfigured(`new Client() middleware must be a function (app) => app; got ${describeValue(middleware)}.`);
    }
    if (!Number.isInteger(maxRedirects) || maxRedirects < 0) {
      throw new ImproperlyConfigured(`new Client() maxRedirects must be an integer >= 0; got ${describeValue(maxRedirects)}.`);
    }
    this.#base = parseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, 'new Client()');
    // Checked now, not on the first request: a bad default header fails the constructor.
    this.#defaultHeaders = normaliseHeaders(options.headers, 'new Client()');
    this.#followRedirects = options.followRedirects ?? false;
    this.#maxRedirects = maxRedirects;
    this.#useCookies = options.useCookies ?? true;
    this.#errors = options.errors;
    this.#gatewayOverrides = {
      multithread: false,
      multiprocess: false,
      runOnce: false,
      ...(options.baseEnviron !== undefined && { baseEnviron: options.baseEnviron }),
      ...(options.serverSoftware !== undefined && { serverSoftware: options.serverSoftware }),
      ...(options.fileWrapper !== undefined && { fileWrapper: options.fileWrapper }),
    };
    let wrapped = app;
    if (middleware !== undefined) {
      wrapped = middleware(validate ? this.#validated(app) : app);
      if (typeof wrapped !== 'function') {
        throw new ImproperlyConfigured(
          `new Client() middleware ${middleware.name || '(anonymous)'} must return an application; got ${describeValue(wrapped)}.`,
        );
      }
    }
    if (validate) wrapped = this.#validated(wrapped);
    this.#app = mountAt(this.#base.scriptRoot, wrapped);
  }

  #validated(app: Application): Application {
    const validated = validateApp(app);
    this.#validators.push(validated);
    return validated;
  }

  get(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('GET', path, options);
  }

  post(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('POST', path, options);
  }

  put(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('PUT', path, options);
  }

  patch(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('PATCH', path, options);
  }

  delete(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('DELETE', path, options);
  }

  head(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('HEAD', path, options);
  }

  options(path: string, options?: ClientRequestOptions): Promise<TestResponse> {
    return this.request('OPTIONS', path, options);
  }

  /**
   * Sends one request (and, when asked, follows its redirects). Resolves once
   * the gateway has finished the response and closed the body.
   */
  async request(method: string, path: string, options: ClientRequestOptions = {}): Promise<TestResponse> {
    const subject = VERBS.includes(method)
      ? `Client.${method.toLowerCase()}(${describeValue(path)})`
      : `Client.request(${describeValue(method)}, ${describeValue(path)})`;
    const { followRedirects = this.#followRedirects, disconnectAfter, onBodyChunk, ...requestOptions } = options ?? {};
    if (disconnectAfter !== undefined && !(Number.isInteger(disconnectAfter) && disconnectAfter >= 0)) {
      throw new TypeError(`${subject} disconnectAfter must be an integer >= 0 (bytes); got ${describeValue(disconnectAfter)}.`);
    }
    if (onBodyChunk !== undefined && typeof onBodyChunk !== 'function') {
      throw new TypeError(`${subject} onBodyChunk must be a function; got ${describeValue(onBodyChunk)}.`);
    }
    const context = {
      base: this.#base,
      subject,
      defaultHeaders: this.#defaultHeaders,
      extraOptionNames: CLIENT_REQUEST_OPTION_NAMES,
      ...(this.#useCookies && { cookieHeader: (url: URL) => this.cookies.cookieHeader(url) }),
    };
    let prepared = prepareRequest(method, path, requestOptions, context);
    let current = requestOptions;
    const history: TestResponse[] = [];
    const visited = new Set<string>();
    for (;;) {
      visited.add(`${prepared.method} ${prepared.url.href}`);
      const response = await this.#run(prepared, history, disconnectAfter, onBodyChunk);
      if (!followRedirects) return response;
      const step = nextRedirect(response.status, response.headers.get('Location'), prepared.method, prepared.url, prepared.url.origin);
      if (step === undefined) return response;
      const key = `${step.method} ${step.url.href}`;
      if (visited.has(key)) {
        const chain = [...history, response].map((hop) => `${hop.request.method} ${hop.request.url}`).join(' -> ');
        throw new TsgiError(`The test client detected a redirect loop: ${chain} -> ${key}. Fix the redirects of the application.`);
      }
      if (history.length >= this.#maxRedirects) {
        throw new TsgiError(
          `The test client followed ${this.#maxRedirects} redirects without reaching a final response (last: ${key}). Raise maxRedirects or fix the redirects.`,
        );
      }
      history.push(response);
      current = step.keepBody ? current : withoutBody(current);
      // The Location already carries the query it wants.
      const { query: _query, ...sameRequest } = current;
      prepared = prepareRequest(step.method, step.url.href, sameRequest, context);
    }
  }

  async #run(
    prepared: PreparedRequest,
    history: readonly TestResponse[],
    disconnectAfter: number | undefined,
    onBodyChunk: ((chunk: Uint8Array) => void | Promise<void>) | undefined,
  ): Promise<TestResponse> {
    const errors = new MemoryErrorStream();
    const options = defaultGatewayOptions({ ...this.#gatewayOverrides, errors: tee(errors, this.#errors) });
    const sink = new ClientSink({ expectContinue: prepared.expectContinue, disconnectAfter, onBodyChunk });
    this.#inFlight += 1;
    try {
      await runGateway(this.#app, toGatewayRequest(prepared, () => sink.disconnected), sink, options);
    } finally {
      this.#inFlight -= 1;
    }
    // With requests still in flight their bodies are legitimately open; check once all are done.
    if (this.#inFlight === 0) for (const validator of this.#validators) validator.assertAllClosed();
    const head = sink.head;
    const response = new TestResponse({
      status: head?.status ?? 0,
      statusLine: head?.statusLine ?? '',
      headers: head?.headers ?? [],
      body: sink.body(),
      bodyLength: sink.bytesWritten,
      framing: head?.framing ?? { kind: 'none' },
      aborted: sink.aborted || (sink.disconnected && !sink.ended),
      abortReason: sink.abortReason,
      errors: errors.text,
      continueSent: sink.continues > 0,
      request: {
        method: prepared.method,
        url: prepared.url.href,
        target: prepared.target,
        headers: prepared.headers,
        body: prepared.body,
      },
      history: [...history],
    });
    if (this.#useCookies) this.cookies.storeFromResponse(prepared.url, response.headers.getAll('Set-Cookie'));
    return response;
  }

  toString(): string {
    return `<Client ${this.#base.origin}${this.#base.encodedScriptRoot}>`;
  }
}

/** A request's options for the GET that follows a 303: no body, no Content-* headers. */
function withoutBody(options: RequestOptions): RequestOptions {
  const { body: _body, json: _json, form: _form, bodyChunks: _chunks, headers, ...rest } = options;
  if (headers === undefined) return rest;
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((item: string) => [name, item] as const));
  return {
    ...rest,
    headers: (pairs as ReadonlyArray<readonly [string, string]>).filter(([name]) => !/^(content-type|content-length|transfer-encoding)$/i.test(name)),
  };
}

/** `tsgi.errors` for one request: kept in memory, and copied to the client's stream when given. */
function tee(memory: MemoryErrorStream, copy: ErrorStream | undefined): ErrorStream {
  if (copy === undefined) return memory;
  return {
    write(text) {
      memory.write(text);
      copy.write(text);
    },
    writelines(lines) {
      for (const line of lines) this.write(line);
    },
    flush() {
      copy.flush();
    },
  };
}
