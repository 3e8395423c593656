// Logging and observability
export { accessLog, type AccessLogOptions } from './access-log.js';
export { getRequestId, requestId, type RequestIdOptions } from './request-id.js';
export { serverTiming, type ServerTimingOptions, type SlowRequestInfo } from './server-timing.js';

// Authentication
export { basicAuth, type BasicAuthOptions } from './basic-auth.js';
export { bearerAuth, type BearerAuthOptions } from './bearer-auth.js';

// Errors
export { showExceptions, type ShowExceptionsOptions } from './show-exceptions.js';

// Response bodies and caching
export { compress, isCompressible, type CompressOptions } from './compress.js';
export { conditionalGet, type ConditionalGetOptions } from './conditional-get.js';
export { contentLength, type ContentLengthOptions } from './content-length.js';
export { etag, type EtagOptions } from './etag.js';
export { head, type HeadOptions } from './head.js';

// Serving files
export { staticFiles, type StaticFilesOptions } from './static-files.js';

// Routing and request shaping
export { urlMap, type UrlMapMounts, type UrlMapOptions } from './url-map.js';
export { proxyFix, proxyFixOriginal, type ProxyFixOptions, type ProxyFixOriginal } from './proxy-fix.js';
export { methodOverride, originalMethod, type MethodOverrideOptions } from './method-override.js';
export { cors, type CorsOptions } from './cors.js';

// Limits
export { bodyLimit, RequestBodyTooLarge, type BodyLimitOptions } from './body-limit.js';
export { timeout, ResponseTimeout, type TimeoutOptions } from './timeout.js';
