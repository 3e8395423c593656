// Pipeline middleware
export { commonMiddleware } from './common-middleware.js';
export type { CommonMiddlewareOptions } from './common-middleware.js';
export { securityMiddleware } from './security-middleware.js';
export type { SecurityMiddlewareOptions } from './security-middleware.js';
export { xFrameOptionsMiddleware } from './x-frame-options-middleware.js';
export type { XFrameOptionsMiddlewareOptions } from './x-frame-options-middleware.js';
export { conditionalGetMiddleware } from './conditional-get-middleware.js';
export type { ConditionalGetMiddlewareOptions } from './conditional-get-middleware.js';

// View decorators the middleware read
export { noAppendSlash } from './no-append-slash.js';
export type { NoAppendSlashView } from './no-append-slash.js';
export { isXFrameOptionsExempt, xframeOptionsExempt } from './x-frame-options-exempt.js';

// Conditional requests
export { getConditionalResponse, parseEtags, quoteEtag, setResponseEtag } from './conditional-response.js';
export type { Validators } from './conditional-response.js';
export { parseHttpDate } from './parse-http-date.js';
