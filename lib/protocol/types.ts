/**
 * The shapes of the tsgi protocol (docs/SPEC.md). These are the only types an
 * application, a middleware or a server has to agree on.
 *
 * Extension keys are typed by declaration merging: a package that adds a key
 * augments `Environ` once, and every reader gets the type without a cast.
 *
 * @example
 * declare module 'tsgi' {
 *   interface Environ {
 *     'myauth.user'?: { id: string };
 *   }
 * }
 */

/**
 * A string whose code units are all 0–255: one code unit per byte on the
 * wire (latin-1), so any bytes round-trip losslessly. PEP 3333's "native
 * string". Decode with `Buffer.from(value, 'latin1')`.
 */
export type ByteString = string;

/** Response headers: an ordered array of `[name, value]` pairs. */
export type HeaderList = Array<[name: string, value: string]>;

/**
 * The request body as the application reads it (`tsgi.input`). Reads are
 * asynchronous; end of input is an empty chunk. The stream ends at
 * `CONTENT_LENGTH`, or at the end of a chunked request.
 */
export interface InputStream extends AsyncIterable<Uint8Array> {
  /** Up to `size` bytes; all remaining bytes when `size` is omitted or negative. */
  read(size?: number): Promise<Uint8Array>;
  /** One line including its `\n`, at most `size` bytes; empty at end of input. */
  readline(size?: number): Promise<Uint8Array>;
  /** The remaining lines; `hint` may stop early once that many bytes were read. */
  readlines(hint?: number): Promise<Uint8Array[]>;
}

/** Where applications write diagnostics (`tsgi.errors`): text, `\n` line ends. */
export interface ErrorStream {
  write(text: string): void;
  writelines(lines: Iterable<string>): void;
  flush(): void;
}

/**
 * Anything a file wrapper can read blocks from: `read(size)` returning an
 * empty chunk at end of file, optionally `close()`.
 */
export interface FileLike {
  read(size: number): Uint8Array | Promise<Uint8Array>;
  close?(): unknown;
}

/** `tsgi.file_wrapper`: turns a file-like object into a body a server may serve fast. */
export type FileWrapperFactory = (file: FileLike, blockSize?: number) => Body;

/**
 * The per-request environment: CGI variables as byte strings plus `tsgi.*`
 * keys. A plain object; applications may change it.
 */
export interface Environ {
  REQUEST_METHOD: ByteString;
  /** The mount point of the application: `''` or starts with `/`, never `/`. */
  SCRIPT_NAME: ByteString;
  /** The rest of the path, percent-decoded exactly once: `''` or starts with `/`. */
  PATH_INFO: ByteString;
  /** The raw query, without `?`; `''` when there is none. */
  QUERY_STRING: ByteString;
  SERVER_NAME: ByteString;
  SERVER_PORT: ByteString;
  SERVER_PROTOCOL: ByteString;
  /** The request target exactly as received, percent-encoding kept. */
  REQUEST_URI?: ByteString;
  CONTENT_TYPE?: ByteString;
  CONTENT_LENGTH?: ByteString;
  REMOTE_ADDR?: ByteString;
  REMOTE_PORT?: ByteString;
  REMOTE_USER?: ByteString;
  SERVER_SOFTWARE?: ByteString;
  GATEWAY_INTERFACE?: ByteString;
  HTTPS?: ByteString;

  'tsgi.version': readonly [1, 0];
  'tsgi.url_scheme': 'http' | 'https';
  'tsgi.input': InputStream;
  'tsgi.errors': ErrorStream;
  'tsgi.multithread': boolean;
  'tsgi.multiprocess': boolean;
  'tsgi.run_once': boolean;
  'tsgi.file_wrapper'?: FileWrapperFactory;
  /** True when `tsgi.input` ends at the end of the request, not at `CONTENT_LENGTH` (chunked requests). */
  'tsgi.input_terminated'?: boolean;

  /** `HTTP_*` headers and extension keys. Declare the ones you add (see above). */
  [key: string]: unknown;
}

/**
 * Sends body data before the iterable's. Resolves when more may be written
 * (backpressure). A legacy escape hatch: prefer returning a body.
 */
export type Write = (chunk: Uint8Array) => Promise<void>;

/**
 * Begins the response. `status` is `"NNN Reason"`. Call it once; call it
 * again only with `excInfo` (the caught error), which replaces the pending
 * status and headers, or re-throws `excInfo` if headers were already sent.
 */
export type StartResponse = (status: string, headers: HeaderList, excInfo?: unknown) => Write;

/** The chunks of a response body. */
export type BodyChunks = Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * What an application returns. The server calls `close()` exactly once,
 * however the request ends.
 */
export type Body = BodyChunks & { close?(): unknown };

/** A tsgi application. */
export type Application = (environ: Environ, startResponse: StartResponse) => Body | Promise<Body>;

/** Gateway middleware: an application to the server above, a server to the app below. */
export type Middleware = (app: Application) => Application;
