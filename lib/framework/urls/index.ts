// Building a URLconf
export { path } from './path.js';
export { rePath } from './re-path.js';
export { include, IncludedUrls, type UrlModule } from './include.js';
export type { PathOptions } from './build-entry.js';
// Converters
export { registerConverter } from './converters.js';
// Resolving and reversing
export { createResolver, UrlConf, type UrlConfOptions } from './url-conf.js';
export { ResolverMatch } from './resolver-match.js';
// The entries and their patterns
export { UrlPattern } from './url-pattern.js';
export { UrlResolver } from './url-resolver.js';
export { RoutePattern } from './route-pattern.js';
export { RegexPattern } from './regex-pattern.js';
// Types
export type { AnyView, Converter, Pattern, QueryInput, ReverseOptions, UrlCheckWarning, UrlEntry } from './types.js';
export type { ConverterValue, ConverterValues, RouteKwargs, WithExtraKwargs } from './route-kwargs.js';
