/**
 * `setupTestingDefaults(environ)` fills in whatever a hand-made environ lacks,
 * so a test can call an application with only the keys it cares about
 * (wsgiref.util's `setup_testing_defaults`). Keys already present (not `undefined`) always win.
 *
 * @example
 * const environ = setupTestingDefaults({ PATH_INFO: '/hello', REQUEST_METHOD: 'POST' });
 * const body = await app(environ, startResponse);
 */
import { MemoryErrorStream } from './error-stream.js';
import { createInputStream } from './input-stream.js';
import { TSGI_VERSION } from './keys.js';
import { guessScheme } from './request-uri.js';
import type { Environ } from './types.js';

/** Like Python's `dict.setdefault`, except that a key holding `undefined` counts as missing. */
function setDefault(environ: Record<string, unknown>, key: string, value: () => unknown): void {
  if (environ[key] === undefined) environ[key] = value();
}

/**
 * Adds the missing keys of a complete environ: a local HTTP/1.1 GET of `/`,
 * an empty `tsgi.input` and a `MemoryErrorStream` for `tsgi.errors`.
 * Returns the same object, typed as an `Environ`.
 */
export function setupTestingDefaults(environ: Record<string, unknown>): Environ {
  setDefault(environ, 'SERVER_NAME', () => '127.0.0.1');
  setDefault(environ, 'SERVER_PROTOCOL', () => 'HTTP/1.1');
  setDefault(environ, 'HTTP_HOST', () => environ['SERVER_NAME']);
  setDefault(environ, 'REQUEST_METHOD', () => 'GET');
  // wsgiref sets both only when both are missing; tsgi requires both keys,
  // so a lone one gets its partner as '' (SCRIPT_NAME '/app' + PATH_INFO '').
  if (environ['SCRIPT_NAME'] === undefined && environ['PATH_INFO'] === undefined) {
    environ['SCRIPT_NAME'] = '';
    environ['PATH_INFO'] = '/';
  }
  setDefault(environ, 'SCRIPT_NAME', () => '');
  setDefault(environ, 'PATH_INFO', () => '');
  setDefault(environ, 'QUERY_STRING', () => '');

  setDefault(environ, 'tsgi.version', () => TSGI_VERSION);
  setDefault(environ, 'tsgi.run_once', () => false);
  setDefault(environ, 'tsgi.multithread', () => false);
  setDefault(environ, 'tsgi.multiprocess', () => false);
  setDefault(environ, 'tsgi.input', () => createInputStream(null));
  setDefault(environ, 'tsgi.errors', () => new MemoryErrorStream());
  setDefault(environ, 'tsgi.url_scheme', () => guessScheme(environ));
  setDefault(environ, 'SERVER_PORT', () => (environ['tsgi.url_scheme'] === 'https' ? '443' : '80'));
  return environ as Environ;
}
