/**
 * The base URL of the test client and `createEnviron()`: where the
 * application pretends to live. Werkzeug's `base_url` semantics: the scheme,
 * host and port become `tsgi.url_scheme`, `HTTP_HOST`, `SERVER_NAME` and
 * `SERVER_PORT`, and its path is the script root (`SCRIPT_NAME`).
 */
import { ImproperlyConfigured } from '../protocol/errors.js';
import { describeValue } from '../protocol/describe-value.js';
import { percentDecode } from '../gateway/environ.js';

/** The base URL every relative path is resolved against. */
export const DEFAULT_BASE_URL = 'http://localhost/';

export interface BaseUrl {
  /** `http://host[:port]`, no path. */
  readonly origin: string;
  readonly scheme: 'http' | 'https';
  /** The host without the port, as `SERVER_NAME` shows it (IPv6 without brackets). */
  readonly hostname: string;
  readonly port: number;
  /** The script root percent-encoded as on the wire: `''` or `/app`, never ending with `/`. */
  readonly encodedScriptRoot: string;
  /** The same, decoded once into a byte string: what `SCRIPT_NAME` holds. */
  readonly scriptRoot: string;
}

/** Parses and checks a base URL; `subject` names the caller in error messages. */
export function parseBaseUrl(baseUrl: string, subject: string): BaseUrl {
  if (typeof baseUrl !== 'string') {
    throw new ImproperlyConfigured(`${subject} baseUrl must be a string like 'http://localhost/'; got ${describeValue(baseUrl)}.`);
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ImproperlyConfigured(
      `${subject} baseUrl must be an absolute http(s) URL like 'http://localhost/'; got '${baseUrl}'.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ImproperlyConfigured(`${subject} baseUrl must use http or https; got '${baseUrl}'. Use e.g. 'https://example.com/'.`);
  }
  if (url.search !== '' || url.hash !== '' || baseUrl.includes('?') || baseUrl.includes('#')) {
    throw new ImproperlyConfigured(
      `${subject} baseUrl cannot have a query or a fragment; got '${baseUrl}'. Pass the query with each request instead.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ImproperlyConfigured(
      `${subject} baseUrl cannot carry credentials; got '${baseUrl}'. Send an Authorization header instead.`,
    );
  }
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const encodedScriptRoot = url.pathname.replace(/\/+$/, '');
  return {
    origin: url.origin,
    scheme,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port),
    encodedScriptRoot,
    scriptRoot: percentDecode(encodedScriptRoot),
  };
}
