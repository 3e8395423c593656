// Class-based views
export { HTTP_METHOD_NAMES, View } from './view.js';
export type { ClassView } from './view.js';

// View decorators
export { requireGET, requireHttpMethods, requirePOST, requireSafe } from './require-http-methods.js';

// Shortcuts
export { redirect, resolveUrl } from './redirect.js';
export type { RedirectOptions as RedirectShortcutOptions, RedirectTarget } from './redirect.js';
export { getOr404 } from './get-or-404.js';
export { render } from './render.js';
export type { RenderOptions } from './render.js';
