// The application
export { createApplication } from './create-application.js';
export type { FrameworkApplication } from './create-application.js';
export type { ApplicationOptions, ErrorHandler, ErrorHandlers, RequestSettings, ServerErrorHandler, Settings } from './settings.js';

// Pipeline middleware
export type {
  GetResponse,
  MaybePromise,
  MiddlewareContext,
  MiddlewareFunction,
  MiddlewareHandler,
  MiddlewareHooks,
  MiddlewareObject,
  PipelineMiddleware,
} from './types.js';
export { middlewareMixin } from './middleware-mixin.js';
export type { MixinHooks } from './middleware-mixin.js';

// Signals
export { Signals } from './signals.js';
export type { SignalEvents, SignalListener, SignalName } from './signals.js';

// Error views and logging
export { badRequest, pageNotFound, permissionDenied, serverError } from './default-handlers.js';
export { logResponse } from './log-response.js';
export { technical404Response } from './technical-404.js';
export { technical500Response } from './technical-500.js';
