/**
 * `validate(app)`: the executable form of docs/SPEC.md. It wraps an
 * application and checks both sides of every call — the server's environ,
 * streams, `startResponse`, `write` and handling of the body, and the
 * application's arguments, return value and chunks — throwing a
 * `ProtocolError` that names the broken rule (wsgiref's `validator`, Rack's
 * `Lint`).
 *
 * Use it in tests and during development; it costs a few checks per call.
 * The test client wraps applications in it by default. To check a
 * middleware from both sides, validate above and below it:
 * `validate(middleware(validate(app)))`.
 *
 * @example
 * const app = validate((environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return [Buffer.from('hello')];
 * });
 * // …serve it, then, in a test:
 * app.assertAllClosed();
 */
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured, type ProtocolError } from '../protocol/errors.js';
import type { Application, Body, Environ, ErrorStream } from '../protocol/types.js';
import { isBody, wrapBody } from './body-wrapper.js';
import { checkEnviron } from './check-environ.js';
import { ErrorsWrapper } from './errors-wrapper.js';
import { InputWrapper } from './input-wrapper.js';
import { ResponseCheck } from './response-check.js';
import { isThenable, violation } from './violation.js';

export interface ValidateOptions {
  /**
   * Receives the error when a body this validator returned is
   * garbage-collected without the server having closed it (§8.5, §17.3).
   * Collection happens at the engine's convenience, so this is a safety net;
   * `assertAllClosed()` is the check to rely on in tests.
   * @default writes the error's message to the request's `tsgi.errors`
   */
  onUnclosed?: (error: ProtocolError) => void;
}

/** An application wrapped by `validate()`, with a check that the server closed every body. */
export interface ValidatedApplication extends Application {
  /** Bodies returned to the server and not closed yet. */
  readonly openBodies: number;
  /**
   * Throws a `ProtocolError` naming each request whose body the server has
   * not closed. Call it when no request is in flight, e.g. after each
   * request in a test.
   */
  assertAllClosed(): void;
}

/** One body returned and not yet closed; never refers to the body, so it can be collected. */
interface OpenBody {
  request: string;
  errors: ErrorStream;
}

const OPTIONS = ['onUnclosed'];

/** Wraps `app` so that every call is checked against docs/SPEC.md. */
export function validate(app: Application, options: ValidateOptions = {}): ValidatedApplication {
  if (typeof app !== 'function') {
    throw new ImproperlyConfigured(`validate() expects an application function; got ${describeValue(app)}.`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new ImproperlyConfigured(`validate() options must be an object; got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) {
      throw new ImproperlyConfigured(`validate() got an unknown option '${key}'; the options are ${OPTIONS.join(', ')}.`);
    }
  }
  const { onUnclosed } = options;
  if (onUnclosed !== undefined && typeof onUnclosed !== 'function') {
    throw new ImproperlyConfigured(`validate() option onUnclosed must be a function; got ${describeValue(onUnclosed)}.`);
  }

  const open = new Set<OpenBody>();
  // JavaScript has no destructor (wsgiref's validator uses __del__): a
  // finalizer is the closest thing, and runs only if the body is collected.
  const finalizer = new FinalizationRegistry<OpenBody>((record) => {
    if (!open.has(record)) return;
    const error = violation(
      '8.5',
      `the body of ${record.request} was garbage-collected without the server calling its close(); the server must call close() exactly once.`,
    );
    if (onUnclosed) onUnclosed(error);
    else record.errors.write(`${error.message}\n`);
  });

  function accept(body: unknown, check: ResponseCheck, record: OpenBody): Body {
    check.afterReturn();
    // SPEC §3.3: "It MUST NOT return `null`, `undefined` or `false`: an application with nothing to send returns an empty array."
    if (body === null || body === undefined || body === false) {
      throw violation('3.3', `the application returned ${describeValue(body)}; it must return a body. Return [] to send nothing.`);
    }
    // SPEC §3.4: "A string or a `Uint8Array` is not a body: return `[chunk]` instead."
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const fix = typeof body === 'string' ? 'return [Buffer.from(text)] instead' : 'return [chunk] instead';
      throw violation('3.4', `the application returned ${describeValue(body)}, which is not a body; ${fix}.`);
    }
    // SPEC §3.3: "The application MUST return a body (§8) or a Promise that resolves to one."
    if (!isBody(body)) {
      throw violation(
        '3.3',
        `the application returned ${describeValue(body)}, which is not a body; return an Iterable or AsyncIterable of Uint8Array, such as [chunk].`,
      );
    }
    const wrapped = wrapBody(body, check, () => {
      open.delete(record);
      finalizer.unregister(record);
    }, record.errors);
    open.add(record);
    finalizer.register(wrapped, record, record);
    return wrapped;
  }

  function validated(...args: unknown[]): Body | Promise<Body> {
    // SPEC §3.1: "The server MUST call the application with exactly two arguments: the environ and a startResponse function."
    if (args.length !== 2) {
      throw violation('3.1', `the application was called with ${args.length} arguments; a server calls it with (environ, startResponse).`);
    }
    const [environ, startResponse] = args;
    checkEnviron(environ);
    if (typeof startResponse !== 'function') {
      throw violation('3.1', `the application's second argument must be the startResponse function; got ${describeValue(startResponse)}.`);
    }
    const record: OpenBody = { request: describeRequest(environ), errors: environ['tsgi.errors'] };
    const check = new ResponseCheck(environ.REQUEST_METHOD);
    // The same environ object, as wsgiref does: keys the application adds
    // stay visible to the layers above (§4.1).
    environ['tsgi.input'] = new InputWrapper(environ['tsgi.input'], environ.CONTENT_LENGTH);
    environ['tsgi.errors'] = new ErrorsWrapper(record.errors);
    const result = app(environ, check.wrap(startResponse as Parameters<Application>[1]));
    if (isThenable(result)) return Promise.resolve(result).then((body) => accept(body, check, record));
    return accept(result, check, record);
  }

  Object.defineProperty(validated, 'name', { value: `validate(${app.name || 'anonymous'})` });
  return Object.defineProperties(validated, {
    openBodies: { get: () => open.size },
    assertAllClosed: {
      value: function assertAllClosed(): void {
        if (open.size === 0) return;
        const requests = [...open].map((record) => record.request).join(', ');
        const count = open.size === 1 ? '1 response body was' : `${open.size} response bodies were`;
        throw violation('8.5', `${count} not closed (${requests}); the server must call close() exactly once on every body.`);
      },
    },
  }) as unknown as ValidatedApplication;
}

/** `GET /path?query`, for messages about a request. */
function describeRequest(environ: Environ): string {
  const query = environ.QUERY_STRING === '' ? '' : `?${environ.QUERY_STRING}`;
  return `${environ.REQUEST_METHOD} ${environ.REQUEST_URI ?? environ.SCRIPT_NAME + environ.PATH_INFO + query}`;
}
