/**
 * How the test client follows redirects (RFC 9110 §15.4, with the browser
 * behaviour Werkzeug's client copies): 303 — and 301/302 after a POST — turn
 * into a GET without a body; 307/308 repeat the request as it was.
 */
import { TsgiError } from '../protocol/errors.js';

/** The statuses the client follows. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** The request that follows a redirect. */
export interface RedirectStep {
  readonly method: string;
  readonly url: URL;
  /** False when the body (and its Content-* headers) must be dropped. */
  readonly keepBody: boolean;
}

/**
 * The next request after a redirect response, or `undefined` when it is not
 * a redirect the client follows (not 301/302/303/307/308, or no Location).
 * Throws a TsgiError for a Location on another host: the client only reaches
 * the application under test.
 */
export function nextRedirect(status: number, location: string | undefined, method: string, current: URL, origin: string): RedirectStep | undefined {
  if (!REDIRECT_STATUSES.has(status) || location === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(location, current);
  } catch {
    throw new TsgiError(`The test client cannot follow a ${status} redirect to '${location}': it is not a valid URL.`);
  }
  if (url.origin !== origin) {
    throw new TsgiError(
      `The test client refuses to follow a ${status} redirect to an external host: '${url.href}'. It only reaches the application at '${origin}'.`,
    );
  }
  const toGet = (status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST');
  return toGet ? { method: 'GET', url, keepBody: false } : { method, url, keepBody: true };
}
