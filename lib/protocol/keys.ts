/**
 * The environ keys every request carries, in one place so the gateway, the
 * validator and the test client agree on them (docs/SPEC.md "The environ").
 */

/** The tsgi protocol version, `environ['tsgi.version']`. */
export const TSGI_VERSION = [1, 0] as const;

/**
 * CGI keys that are always present (PEP 3333 lists these as required;
 * `QUERY_STRING`, `SCRIPT_NAME` and `PATH_INFO` may be `''` but not missing,
 * so applications never need a fallback).
 */
export const REQUIRED_CGI_KEYS = [
  'REQUEST_METHOD',
  'SCRIPT_NAME',
  'PATH_INFO',
  'QUERY_STRING',
  'SERVER_NAME',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
] as const;

/** `tsgi.*` keys that are always present (`tsgi.file_wrapper` and `tsgi.input_terminated` are optional). */
export const REQUIRED_TSGI_KEYS = [
  'tsgi.version',
  'tsgi.url_scheme',
  'tsgi.input',
  'tsgi.errors',
  'tsgi.multithread',
  'tsgi.multiprocess',
  'tsgi.run_once',
] as const;

/** One of the required CGI keys. */
export type RequiredCgiKey = (typeof REQUIRED_CGI_KEYS)[number];

/** One of the required `tsgi.*` keys. */
export type RequiredTsgiKey = (typeof REQUIRED_TSGI_KEYS)[number];
