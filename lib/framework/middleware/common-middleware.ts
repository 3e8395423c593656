/**
 * `commonMiddleware()` (Django's `CommonMiddleware`) does four small things:
 *
 * - refuses user agents matching `disallowedUserAgents` (403);
 * - with `prependWww`, redirects `example.com/...` to `www.example.com/...` (301);
 * - with `appendSlash`, turns a 404 for `/x` into a 301 to `/x/` when only
 *   the slash URL resolves — after the view (and the 404 handler) ran, so a
 *   view may answer `/x` itself; the query string and the script prefix are
 *   kept; a view wrapped in `noAppendSlash()` is never redirected to;
 * - sets `Content-Length` on responses that are not streamed.
 *
 * It calls `request.getHost()` on every request, so a Host outside
 * `allowedHosts` is a 400 here. With `debug`, a POST/PUT/PATCH/DELETE that
 * would be redirected is an error instead: a 301 makes the client drop the
 * body silently.
 *
 * When not to use it: behind a proxy that already canonicalises hosts and
 * slashes; or with a catch-all pattern (`<path:rest>`), which makes every
 * slashless URL valid so appendSlash never fires. Put it near the top, after
 * `securityMiddleware`.
 *
 * @example
 * createApplication({ urlpatterns, middleware: [securityMiddleware(), commonMiddleware({ disallowedUserAgents: [/BadBot/] })] });
 */
import { PermissionDenied, TsgiError } from '../errors.js';
import { HttpResponsePermanentRedirect, type HttpRequest, type HttpResponseBase } from '../http/index.js';
import { headerValue } from '../http/header-value.js';
import type { UrlConf } from '../urls/index.js';
import { activeResolver } from '../pipeline/get-response.js';
import { afterNext, convertsOwnErrors, nextLayer, type LayerAnswer } from '../pipeline/next-layer.js';
import type { PipelineMiddleware } from '../pipeline/types.js';
import { checkBooleanOption, checkOptionNames, checkRegExpList } from './check-options.js';

export interface CommonMiddlewareOptions {
  /** Redirect `/x` to `/x/` when only the latter resolves. @default the application's `appendSlash` (true) */
  appendSlash?: boolean;
  /** Redirect hosts without `www.` to `www.<host>`. @default the application's `prependWww` (false) */
  prependWww?: boolean;
  /** User-Agent patterns answered with 403 'Forbidden user agent'. @default [] */
  disallowedUserAgents?: readonly RegExp[];
}

const SUBJECT = 'commonMiddleware()';
const BODY_METHODS = ['DELETE', 'POST', 'PUT', 'PATCH'];

export function commonMiddleware(options: CommonMiddlewareOptions = {}): PipelineMiddleware {
  checkOptionNames(SUBJECT, options, ['appendSlash', 'prependWww', 'disallowedUserAgents']);
  checkBooleanOption(SUBJECT, 'appendSlash', options.appendSlash);
  checkBooleanOption(SUBJECT, 'prependWww', options.prependWww);
  checkRegExpList(SUBJECT, 'disallowedUserAgents', options.disallowedUserAgents);
  const disallowedUserAgents = [...(options.disallowedUserAgents ?? [])];

  return function commonMiddlewareFactory(getResponse, { settings, resolver }) {
    const appendSlash = options.appendSlash ?? settings.appendSlash;
    const prependWww = options.prependWww ?? settings.prependWww;
    const debug = settings.debug;

    const shouldRedirectWithSlash = (request: HttpRequest): boolean =>
      appendSlash && slashRedirectAllowed(request.pathInfo, activeResolver(request, resolver));

    const fullPathWithSlash = (request: HttpRequest): string => {
      const path = escapeLeadingSlashes(request.getFullPath(true));
      if (debug && BODY_METHODS.includes(request.method)) {
        throw new TsgiError(
          `You called this URL via ${request.method}, but the URL doesn't end in a slash and you have appendSlash set. ` +
            `tsgi can't redirect to the slash URL while maintaining ${request.method} data. Change your form to point to ` +
            `${request.getHost()}${path} (note the trailing slash), or set appendSlash: false in createApplication().`,
        );
      }
      return path;
    };

    const finish = (request: HttpRequest, response: HttpResponseBase): HttpResponseBase => {
      if (response.status === 404 && shouldRedirectWithSlash(request)) {
        return new HttpResponsePermanentRedirect(fullPathWithSlash(request));
      }
      // Not there yet, so appending is set() without the search for an old value; digits need no checking.
      if (!response.streaming) {
        const list = response.headers.toList();
        if (headerValue(list, 'Content-Length', 'content-length') === undefined) list.push(['Content-Length', `${response.content.byteLength}`]);
      }
      return response;
    };

    const next = nextLayer(getResponse);
    return convertsOwnErrors(function commonMiddleware(request: HttpRequest): LayerAnswer {
      if (disallowedUserAgents.length > 0) {
        const userAgent = request.META['HTTP_USER_AGENT'];
        if (typeof userAgent === 'string') {
          // search() ignores lastIndex, so a /g pattern behaves the same on every request.
          for (const pattern of disallowedUserAgents) if (userAgent.search(pattern) !== -1) throw new PermissionDenied('Forbidden user agent');
        }
      }
      const host = request.getHost();
      if (prependWww && host !== '' && !host.startsWith('www.')) {
        // Add the slash in the same redirect when it will be needed (Django does the same).
        const path = shouldRedirectWithSlash(request) ? fullPathWithSlash(request) : request.getFullPath();
        return new HttpResponsePermanentRedirect(`${request.scheme}://www.${host}${path}`);
      }
      return afterNext(next, request, next.run(request), finish);
    }, next);
  };
}

/**
 * Django's `should_redirect_with_slash` (without the setting): `path` lacks
 * the slash, does not resolve, its slash form does, and that view allows it.
 */
function slashRedirectAllowed(pathInfo: string, resolver: UrlConf): boolean {
  if (pathInfo.endsWith('/') || resolver.isValidPath(pathInfo)) return false;
  const match = resolver.isValidPath(`${pathInfo}/`);
  if (!match) return false;
  return (match.view as { shouldAppendSlash?: unknown }).shouldAppendSlash !== false;
}

/** `//evil.com/` would be a scheme-relative URL to another host: `/%2Fevil.com/` (Django's `escape_leading_slashes`). */
function escapeLeadingSlashes(path: string): string {
  return path.startsWith('//') ? `/%2F${path.slice(2)}` : path;
}
