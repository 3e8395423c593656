/**
 * The test client's cookie jar: enough of RFC 6265 to test sessions and
 * logins (Set-Cookie with Path, Domain, Max-Age, Expires and Secure, sent back
 * as one Cookie header on matching requests). Not a browser: no public-suffix
 * list, no SameSite, no size limits.
 */

/** One stored cookie. */
export interface Cookie {
  readonly name: string;
  readonly value: string;
  /** Lower-case host, without a leading dot. */
  readonly domain: string;
  /** True when Set-Cookie had no Domain: only that exact host gets it back (RFC 6265 §5.3 step 6). */
  readonly hostOnly: boolean;
  readonly path: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  /** When it expires; `undefined` for a session cookie. */
  readonly expires: Date | undefined;
}

export interface SetCookieOptions {
  /** @default 'localhost' */
  domain?: string;
  /** @default '/' */
  path?: string;
  /** @default false */
  secure?: boolean;
  /** @default false */
  httpOnly?: boolean;
  /** @default undefined (a session cookie) */
  expires?: Date;
}

export class CookieJar implements Iterable<Cookie> {
  #cookies: Cookie[] = [];
  readonly #now: () => number;

  /** `now` is injectable so tests of expiry need no waiting. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The number of live cookies. */
  get size(): number {
    return this.#live().length;
  }

  [Symbol.iterator](): Iterator<Cookie> {
    return this.#live()[Symbol.iterator]();
  }

  /** The first live cookie called `name` (optionally for that domain and path). */
  get(name: string, where: { domain?: string; path?: string } = {}): Cookie | undefined {
    return this.#live().find(
      (cookie) =>
        cookie.name === name &&
        (where.domain === undefined || cookie.domain === where.domain.toLowerCase()) &&
        (where.path === undefined || cookie.path === where.path),
    );
  }

  /** Stores a cookie as if a response to `domain` had set it. */
  set(name: string, value: string, options: SetCookieOptions = {}): void {
    this.#store({
      name,
      value,
      domain: (options.domain ?? 'localhost').toLowerCase(),
      hostOnly: options.domain === undefined,
      path: options.path ?? '/',
      secure: options.secure ?? false,
      httpOnly: options.httpOnly ?? false,
      expires: options.expires,
    });
  }

  /** Removes the cookies called `name` (optionally only for that domain and path). */
  delete(name: string, where: { domain?: string; path?: string } = {}): void {
    this.#cookies = this.#cookies.filter(
      (cookie) =>
        !(
          cookie.name === name &&
          (where.domain === undefined || cookie.domain === where.domain.toLowerCase()) &&
          (where.path === undefined || cookie.path === where.path)
        ),
    );
  }

  clear(): void {
    this.#cookies = [];
  }

  /** Reads the `Set-Cookie` values of a response to `url`. */
  storeFromResponse(url: URL, setCookies: Iterable<string>): void {
    for (const line of setCookies) {
      const cookie = this.#parse(url, line);
      if (cookie !== undefined) this.#store(cookie);
    }
  }

  /** The `Cookie` header for a request to `url`, or `undefined` when no cookie matches. */
  cookieHeader(url: URL): string | undefined {
    const host = hostOf(url);
    const matching = this.#live()
      .filter((cookie) => domainMatches(cookie, host) && pathMatches(cookie.path, url.pathname))
      .filter((cookie) => !cookie.secure || url.protocol === 'https:')
      // RFC 6265 §5.4: longer paths first.
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length === 0 ? undefined : matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }

  toString(): string {
    return `<CookieJar ${this.#live().map((cookie) => `${cookie.name}=${cookie.value} (${cookie.domain}${cookie.path})`).join(', ')}>`;
  }

  #live(): Cookie[] {
    const now = this.#now();
    this.#cookies = this.#cookies.filter((cookie) => cookie.expires === undefined || cookie.expires.getTime() > now);
    return this.#cookies;
  }

  #store(cookie: Cookie): void {
    this.delete(cookie.name, { domain: cookie.domain, path: cookie.path });
    // An expired cookie is how a server deletes one: storing it just removes the old one.
    if (cookie.expires === undefined || cookie.expires.getTime() > this.#now()) this.#cookies.push(cookie);
  }

  /** RFC 6265 §5.2, simplified: attributes the jar does not use are ignored. */
  #parse(url: URL, line: string): Cookie | undefined {
    const [pair = '', ...attributes] = line.split(';');
    const equals = pair.indexOf('=');
    if (equals < 1) return undefined;
    const host = hostOf(url);
    let domain = host;
    let hostOnly = true;
    let path = defaultPath(url.pathname);
    let secure = false;
    let httpOnly = false;
    let expires: Date | undefined;
    let maxAge: number | undefined;
    for (const attribute of attributes) {
      const [rawName = '', ...rest] = attribute.split('=');
      const name = rawName.trim().toLowerCase();
      const value = rest.join('=').trim();
      if (name === 'domain' && value !== '') {
        domain = value.replace(/^\./, '').toLowerCase();
        hostOnly = false;
      } else if (name === 'path' && value.startsWith('/')) {
        path = value;
      } else if (name === 'max-age' && /^-?\d+$/.test(value)) {
        maxAge = Number(value);
      } else if (name === 'expires') {
        const time = Date.parse(value);
        if (!Number.isNaN(time)) expires = new Date(time);
      } else if (name === 'secure') {
        secure = true;
      } else if (name === 'httponly') {
        httpOnly = true;
      }
    }
    // §5.3 step 6: a server may only set cookies for itself or a parent domain.
    if (!hostOnly && host !== domain && !host.endsWith(`.${domain}`)) return undefined;
    // §5.3 step 3: Max-Age wins over Expires.
    if (maxAge !== undefined) expires = new Date(this.#now() + maxAge * 1000);
    return {
      name: pair.slice(0, equals).trim(),
      value: pair.slice(equals + 1).trim(),
      domain,
      hostOnly,
      path,
      secure,
      httpOnly,
      expires,
    };
  }
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function domainMatches(cookie: Cookie, host: string): boolean {
  return cookie.hostOnly ? host === cookie.domain : host === cookie.domain || host.endsWith(`.${cookie.domain}`);
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

/** RFC 6265 §5.1.4 default-path: the request path up to its last `/`. */
function defaultPath(requestPath: string): string {
  if (!requestPath.startsWith('/')) return '/';
  const last = requestPath.lastIndexOf('/');
  return last === 0 ? '/' : requestPath.slice(0, last);
}
