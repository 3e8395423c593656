// The protocol's types and errors
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
} from './protocol/types.js';
export { ClientDisconnected, ImproperlyConfigured, ProtocolError, TsgiError } from './protocol/errors.js';
