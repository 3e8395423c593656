// The protocol's types
export type {
  Application,
  Body,
  BodyChunks,
  ByteString,
  Environ,
  ErrorStream,
  FileLike,
  FileWrapperFactory,
  HeaderList,
  InputStream,
  Middleware,
  StartResponse,
  Write,
} from './types.js';

// Errors
export { ClientDisconnected, ImproperlyConfigured, ProtocolError, TsgiError } from './errors.js';

// Environ keys
export { REQUIRED_CGI_KEYS, REQUIRED_TSGI_KEYS, TSGI_VERSION } from './keys.js';
export type { RequiredCgiKey, RequiredTsgiKey } from './keys.js';

// The request body and the error log (tsgi.input, tsgi.errors)
export { createInputStream } from './input-stream.js';
export type { InputStreamOptions } from './input-stream.js';
export { createErrorStream, MemoryErrorStream } from './error-stream.js';
export type { ErrorTarget } from './error-stream.js';

// Byte strings
export { byteStringToUtf8, fromByteString, isByteString, toByteString, utf8ToByteString } from './byte-string.js';

// Composing applications
export { compose } from './compose.js';

// Response helpers
export { Headers } from './headers.js';
export type { HeaderParams } from './headers.js';
export { checkHeaderName, checkHeaderValue, isToken } from './header-syntax.js';
export { isHopByHop } from './hop-by-hop.js';
export { parseStatus, reasonPhrase, statusLine } from './status-line.js';
export { formatHttpDate, parseHttpDate } from './http-date.js';
export { FileWrapper, fileWrapper, openFile } from './file-wrapper.js';
export { isBody, observeBody } from './observe-body.js';
export type { BodyObserver } from './observe-body.js';
export type { OpenFile } from './file-wrapper.js';

// The environ, wsgiref-style
export { applicationUri, guessScheme, requestUri } from './request-uri.js';
export { shiftPathInfo } from './shift-path-info.js';
export type { PathEnviron } from './shift-path-info.js';
export { setupTestingDefaults } from './setup-testing-defaults.js';
