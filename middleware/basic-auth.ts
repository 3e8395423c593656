/**
 * basicAuth: HTTP Basic authentication (RFC 7617). A request without valid
 * credentials gets `401 Unauthorized` with `WWW-Authenticate: Basic
 * realm="…", charset="UTF-8"` and never reaches the application; a valid one
 * goes on with `REMOTE_USER` (the user name, as a byte string of its UTF-8)
 * and `AUTH_TYPE` `Basic` in the environ, as a CGI server would set them.
 *
 * Passwords are compared in constant time (SHA-256 digests through
 * `crypto.timingSafeEqual`), and an unknown user costs the same comparison
 * as a known one, so response times tell an attacker nothing.
 *
 * Answers: no `Authorization`, another scheme, unknown user, wrong password,
 * no `:` in the decoded pair, control characters or invalid UTF-8 in it ->
 * `401` with the challenge, so a browser asks again. An `Authorization` value
 * that is not even syntactically credentials (not token68, not base64, longer
 * than `maxLength`) -> `400 Bad Request` (RFC 9110 §15.5.1: malformed syntax).
 *
 * When not to use it: over plain HTTP, where the password crosses the wire
 * readable (put TLS in front); for APIs, prefer `bearerAuth()` tokens; for a
 * login page with sessions, use the framework instead — browsers cannot
 * "log out" of Basic auth.
 *
 * Where: after `accessLog()` (which then logs the user as `%(u)s`) and
 * `showExceptions()`, before the application and anything that reads the
 * request body (a refused request's body is never read).
 *
 * @example
 * const admin = basicAuth({ realm: 'admin', verify: (user, password) => db.checkPassword(user, password) });
 * const app = compose(accessLog(), admin)(site);
 */
import { Buffer } from 'node:buffer';
import { describeValue } from '../lib/protocol/describe-value.js';
import { ImproperlyConfigured } from '../lib/protocol/errors.js';
import type { Application, Body, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';
import { checkOptionNames, checkParam, digest, isToken68, parseAuthorization, quoted, refuse, sameSecret } from './_internal/basic-auth-header.js';

export interface BasicAuthOptions {
  /** The protection space, shown by browsers in the login prompt (RFC 7617 §2). Printable ASCII. */
  realm: string;
  /** Passwords by user name (Unicode text, compared after NFC normalisation). Give this or `verify`, not both. */
  users?: Readonly<Record<string, string>>;
  /**
   * Decides whether `user` may in with `password` (both NFC-normalised text).
   * Only `true` lets the request through. Give this or `users`, not both; it
   * should compare in constant time itself. A throw is an application error (500).
   */
  verify?: (user: string, password: string, environ: Environ) => boolean | Promise<boolean>;
  /** The longest `Authorization` value accepted; longer ones get 400. @default 4096 */
  maxLength?: number;
}

const OPTION_NAMES = ['realm', 'users', 'verify', 'maxLength'];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** RFC 7617 §2: user-id and password must not contain control characters. */
const CONTROL = /[\x00-\x1f\x7f]/;

/** Requires HTTP Basic credentials, checked against `users` or `verify`. */
export function basicAuth(options: BasicAuthOptions): Middleware {
  const { realm, users, verify, maxLength = 4096 } = checkOptions(options);
  const challenge: [string, string] = ['WWW-Authenticate', `Basic realm=${quoted(realm)}, charset="UTF-8"`];
  // Digests of the passwords, made once; an unknown user is compared against a dummy one.
  const digests = new Map(Object.entries(users ?? {}).map(([user, password]) => [user.normalize('NFC'), digest(password.normalize('NFC'))]));
  const dummy = digest('');
  const check =
    verify ??
    ((user: string, password: string): boolean => {
      const known = digests.get(user);
      return sameSecret(password, known ?? dummy) && known !== undefined;
    });

  return function basicAuthMiddleware(app: Application): Application {
    return async function basicAuthenticated(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const header = environ['HTTP_AUTHORIZATION'];
      const unauthorized = (): Body => refuse(startResponse, '401 Unauthorized', [challenge], 'Authentication required.');
      if (typeof header !== 'string') return unauthorized();
      if (header.length > maxLength) return refuse(startResponse, '400 Bad Request', [], 'The Authorization header is too long.');
      const parsed = parseAuthorization(header);
      if (parsed === undefined || parsed.scheme !== 'basic' || parsed.credentials === '') return unauthorized();
      if (!isToken68(parsed.credentials) || !BASE64.test(parsed.credentials)) {
        return refuse(startResponse, '400 Bad Request', [], 'The Authorization header is not valid Basic credentials (base64 of user:password).');
      }
      let pair: string;
      try {
        pair = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(parsed.credentials, 'base64'));
      } catch {
        return unauthorized();
      }
      const colon = pair.indexOf(':');
      if (colon < 0 || CONTROL.test(pair)) return unauthorized();
      const user = pair.slice(0, colon).normalize('NFC');
      const password = pair.slice(colon + 1).normalize('NFC');
      if ((await check(user, password, environ)) !== true) return unauthorized();
      environ.REMOTE_USER = Buffer.from(user, 'utf8').toString('latin1');
      environ.AUTH_TYPE = 'Basic';
      return app(environ, startResponse);
    };
  };
}

function checkOptions(options: BasicAuthOptions): BasicAuthOptions {
  const subject = 'basicAuth()';
  checkOptionNames(subject, options, OPTION_NAMES);
  checkParam(subject, 'realm', options.realm);
  const { users, verify, maxLength } = options;
  if ((users === undefined) === (verify === undefined)) {
    throw new ImproperlyConfigured(
      `basicAuth() needs exactly one of the options users and verify; got ${users === undefined ? 'neither' : 'both'}. ` +
        'Pass users: { name: password } or verify: (user, password, environ) => boolean.',
    );
  }
  if (users !== undefined) {
    if (users === null || typeof users !== 'object' || Array.isArray(users)) {
      throw new ImproperlyConfigured(`basicAuth() option users must be an object of passwords by user name; got ${describeValue(users)}.`);
    }
    for (const [user, password] of Object.entries(users)) {
      if (user === '' || user.includes(':') || CONTROL.test(user)) {
        throw new ImproperlyConfigured(`basicAuth() option users has the user name ${describeValue(user)}, which Basic auth cannot carry (RFC 7617 §2: no ':', no control characters, not empty).`);
      }
      if (typeof password !== 'string' || password === '') {
        throw new ImproperlyConfigured(`basicAuth() option users['${user}'] must be a non-empty password string; got ${describeValue(password)}.`);
      }
    }
  }
  if (verify !== undefined && typeof verify !== 'function') {
    throw new ImproperlyConfigured(`basicAuth() option verify must be a function (user, password, environ) => boolean; got ${describeValue(verify)}.`);
  }
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength > 0)) {
    throw new ImproperlyConfigured(`basicAuth() option maxLength must be a positive integer (characters); got ${describeValue(maxLength)}.`);
  }
  return options;
}
