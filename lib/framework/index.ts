// tsgi/framework: Django's request handling on the tsgi protocol.

// The application and its pipeline
export * from './pipeline/index.js';

// The URLconf: path(), rePath(), include(), converters, resolve and reverse
export * from './urls/index.js';

// HttpRequest, HttpResponse and its family, sendResponse()
export * from './http/index.js';

// Pipeline middleware (Django's Common, Security, XFrameOptions, ConditionalGet)
export * from './middleware/index.js';

// Views: the class-based View, method decorators, shortcuts
export * from './views/index.js';

// The named errors the pipeline maps to responses
export * from './errors.js';

// Shared view types
export type { Kwargs, View as ViewFunction, ViewResult } from './types.js';
