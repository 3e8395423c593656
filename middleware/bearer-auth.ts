/**
 * bearerAuth: OAuth 2.0 bearer tokens in the `Authorization` header
 * (RFC 6750 §2.1), checked against a list of tokens or a verifier. A refused
 * request never reaches the application, and gets RFC 6750 §3's answers:
 *
 * - no credentials, or another scheme: `401` with `WWW-Authenticate: Bearer
 *   realm="…"` and no error code (§3.1: the client may not know it needs a token);
 * - a malformed header (`Bearer` without a token, a value that is not
 *   token68, more than one credential): `400` with `error="invalid_request"`;
 * - a token that does not verify: `401` with `error="invalid_token"`.
 *
 * Tokens from `tokens` are compared in constant time (SHA-256 digests
 * through `crypto.timingSafeEqual`, every token compared, no early exit).
 * The accepted request gets `AUTH_TYPE` `Bearer`.
 *
 * When not to use it: tokens in the query string or a form body (RFC 6750
 * §2.2–§2.3) are not read — they leak into logs and caches; send the header.
 * For `insufficient_scope` (a valid token lacking a permission), answer `403`
 * from the application, which knows what the resource needs. Over plain HTTP
 * a token is as good as a password to whoever sees it: use TLS.
 *
 * Where: after `accessLog()` and `showExceptions()`, before the application
 * and anything that reads the request body.
 *
 * @example
 * const api = bearerAuth({ realm: 'api', verify: async (token) => (await sessions.lookup(token)) !== undefined });
 * const app = compose(accessLog(), api)(site);
 */
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../lib/protocol/errors.js';
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';
import { checkOptionNames, checkParam, digest, isToken68, parseAuthorization, quoted, refuse, sameSecret } from './_internal/basic-auth-header.js';

export interface BearerAuthOptions {
  /** The accepted tokens (token68 strings). Give this or `verify`, not both. */
  tokens?: readonly string[];
  /**
   * Decides whether `token` is valid. Only `true` lets the request through.
   * Give this or `tokens`, not both. A throw is an application error (500).
   */
  verify?: (token: string, environ: Environ) => boolean | Promise<boolean>;
  /** The `realm` of the challenge. Printable ASCII. @default none (no realm parameter) */
  realm?: string;
  /** The `scope` of the challenge: space-separated scope tokens (RFC 6750 §3). @default none */
  scope?: string;
  /** The longest `Authorization` value accepted; longer ones get 400 `invalid_request`. @default 4096 */
  maxLength?: number;
}

const OPTION_NAMES = ['tokens', 'verify', 'realm', 'scope', 'maxLength'];

/** Requires a bearer token, checked against `tokens` or `verify`. */
export function bearerAuth(options: BearerAuthOptions): Middleware {
  const { tokens, verify, realm, scope, maxLength = 4096 } = checkOptions(options);
  const params = [...(realm === undefined ? [] : [`realm=${quoted(realm)}`]), ...(scope === undefined ? [] : [`scope=${quoted(scope)}`])];
  const challenge = (error?: string, description?: string): [string, string] => {
    const all = error === undefined ? params : [...params, `error=${quoted(error)}`, `error_description=${quoted(description ?? '')}`];
    return ['WWW-Authenticate', all.length === 0 ? 'Bearer' : `Bearer ${all.join(', ')}`];
  };
  const digests = (tokens ?? []).map(digest);
  const check =
    verify ??
    ((token: string): boolean => {
      // No early exit: the time does not depend on which token matched.
      let found = false;
      for (const expected of digests) found = sameSecret(token, expected) || found;
      return found;
    });

  return function bearerAuthMiddleware(app: Application): Application {
    return async function bearerAuthenticated(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const header = environ['HTTP_AUTHORIZATION'];
      const parsed = typeof header === 'string' && header.length <= maxLength ? parseAuthorization(header) : undefined;
      if (typeof header !== 'string' || (parsed !== undefined && parsed.scheme !== 'bearer')) {
        return refuse(startResponse, '401 Unauthorized', [challenge()], 'A bearer token is required.');
      }
      if (parsed === undefined || !isToken68(parsed.credentials)) {
        const description = 'The Authorization header is not "Bearer" followed by one token';
        return refuse(startResponse, '400 Bad Request', [challenge('invalid_request', description)], `${description}.`);
      }
      if ((await check(parsed.credentials, environ)) !== true) {
        const description = 'The access token is invalid or expired';
        return refuse(startResponse, '401 Unauthorized', [challenge('invalid_token', description)], `${description}.`);
      }
      environ.AUTH_TYPE = 'Bearer';
      return app(environ, startResponse);
    };
  };
}

function checkOptions(options: BearerAuthOptions): BearerAuthOptions {
  const subject = 'bearerAuth()';
  checkOptionNames(subject, options, OPTION_NAMES);
  const { tokens, verify, realm, scope, maxLength } = options;
  if ((tokens === undefined) === (verify === undefined)) {
    throw new ImproperlyConfigured(
      `bearerAuth() needs exactly one of the options tokens and verify; got ${tokens === undefined ? 'neither' : 'both'}. ` +
        'Pass tokens: [token, …] or verify: (token, environ) => boolean.',
    );
  }
  if (tokens !== undefined) {
    if (!Array.isArray(tokens)) {
      throw new ImproperlyConfigured(`bearerAuth() option tokens must be an array of token strings; got ${describeValue(tokens)}.`);
    }
    tokens.forEach((token: unknown, index) => {
      if (typeof token !== 'string' || !isToken68(token)) {
        throw new ImproperlyConfigured(
          `bearerAuth() option tokens[${index}] must be a token68 string (letters, digits, -._~+/ and trailing =); got ${describeValue(token)}. A client could never send it.`,
        );
      }
    });
  }
  if (verify !== undefined && typeof verify !== 'function') {
    throw new ImproperlyConfigured(`bearerAuth() option verify must be a function (token, environ) => boolean; got ${describeValue(verify)}.`);
  }
  if (realm !== undefined) checkParam(subject, 'realm', realm);
  if (scope !== undefined) {
    // RFC 6750 §3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
    if (typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scope)) {
      throw new ImproperlyConfigured(`bearerAuth() option scope must be scope tokens separated by single spaces (RFC 6750 §3); got ${describeValue(scope)}.`);
    }
  }
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength > 0)) {
    throw new ImproperlyConfigured(`bearerAuth() option maxLength must be a positive integer (characters); got ${describeValue(maxLength)}.`);
  }
  return options;
}
