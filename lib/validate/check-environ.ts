/**
 * The server's side of the call: is the environ it built one an application
 * may rely on? (docs/SPEC.md §4 and §14; wsgiref's `check_environ`, plus the
 * rules tsgi makes normative.) Each check quotes the sentence it enforces.
 */
import { isByteString } from '../protocol/byte-string.js';
import { describeValue } from '../protocol/describe-value.js';
import { isToken } from '../protocol/header-syntax.js';
import { REQUIRED_CGI_KEYS, REQUIRED_TSGI_KEYS } from '../protocol/keys.js';
import type { Environ } from '../protocol/types.js';
import { describeBadChar, violation } from './violation.js';

const DIGITS = /^\d+$/;
const HTTP_VERSION = /^HTTP\/\d(\.\d)?$/;
const NOT_A_BYTE = /[^\x00-\xFF]/;
const INPUT_METHODS = ['read', 'readline', 'readlines', Symbol.asyncIterator] as const;
const ERRORS_METHODS = ['write', 'writelines', 'flush'] as const;

/** Throws a `ProtocolError` for the first rule `environ` breaks. */
export function checkEnviron(environ: unknown): asserts environ is Environ {
  // SPEC §4.1: "The environ MUST be a plain object: its prototype is `Object.prototype` or `null`."
  const proto: unknown = typeof environ === 'object' && environ !== null ? Object.getPrototypeOf(environ) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw violation('4.1', `environ must be a plain object; got ${describeValue(environ)}. Build it as an object literal.`);
  }
  const env = environ as Record<string, unknown>;

  // SPEC §4.2: "These CGI keys MUST always be present: `REQUEST_METHOD`, `SCRIPT_NAME`, `PATH_INFO`, `QUERY_STRING`, `SERVER_NAME`, `SERVER_PORT` and `SERVER_PROTOCOL`."
  // SPEC §4.2: "The keys `tsgi.version`, `tsgi.url_scheme`, `tsgi.input`, `tsgi.errors`, `tsgi.multithread`, `tsgi.multiprocess` and `tsgi.run_once` MUST always be present too (§4.12–§4.16)."
  const missing = [...REQUIRED_CGI_KEYS, ...REQUIRED_TSGI_KEYS].filter((key) => env[key] === undefined);
  if (missing.length > 0) {
    const keys = missing.map((key) => `'${key}'`).join(', ');
    throw violation(
      '4.2',
      `environ is missing the required key${missing.length > 1 ? 's' : ''} ${keys}. A server always sets them, to '' when a CGI value is empty.`,
    );
  }

  // SPEC §4.3: "Every key without a dot is a CGI key, and its value MUST be a byte string."
  for (const key of Object.keys(env)) {
    if (key.includes('.')) continue;
    const value = env[key];
    if (typeof value !== 'string') {
      const hint = typeof value === 'number' ? ` Pass it as a string: '${value}'.` : '';
      throw violation('4.3', `environ['${key}'] must be a byte string; got ${describeValue(value)}.${hint}`);
    }
    if (!isByteString(value)) {
      throw violation(
        '4.3',
        `environ['${key}'] must be a byte string (code units 0–255); got ${describeValue(value)}, with ${describeBadChar(value, NOT_A_BYTE)}. ` +
          `Decode request bytes as latin-1 (toByteString()).`,
      );
    }
  }

  // SPEC §4.9: "`HTTP_CONTENT_TYPE` and `HTTP_CONTENT_LENGTH` MUST NOT be present: the request's Content-Type and Content-Length belong in `CONTENT_TYPE` and `CONTENT_LENGTH`."
  for (const key of ['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH']) {
    if (key in env) {
      throw violation('4.9', `environ must not have '${key}'; the request's header belongs in '${key.slice(5)}'.`);
    }
  }

  const cgi = env as Record<string, string>;
  // SPEC §4.4: "`REQUEST_METHOD` MUST be a token."
  if (!isToken(cgi['REQUEST_METHOD']!)) {
    throw violation('4.4', `environ['REQUEST_METHOD'] must be a token such as 'GET'; got ${describeValue(cgi['REQUEST_METHOD'])}.`);
  }

  // SPEC §4.6: "`SERVER_NAME` MUST NOT be empty, and `SERVER_PORT` MUST be decimal digits."
  if (cgi['SERVER_NAME'] === '') {
    throw violation('4.6', `environ['SERVER_NAME'] must not be empty. Use the Host header's name or the local address.`);
  }
  if (!DIGITS.test(cgi['SERVER_PORT']!)) {
    throw violation('4.6', `environ['SERVER_PORT'] must be decimal digits; got ${describeValue(cgi['SERVER_PORT'])}.`);
  }

  // SPEC §4.7: "`SERVER_PROTOCOL` MUST be `HTTP/` followed by the version of the request, such as `HTTP/1.1`."
  if (!HTTP_VERSION.test(cgi['SERVER_PROTOCOL']!)) {
    throw violation(
      '4.7',
      `environ['SERVER_PROTOCOL'] must be 'HTTP/' and a version, such as 'HTTP/1.1'; got ${describeValue(cgi['SERVER_PROTOCOL'])}.`,
    );
  }

  // SPEC §4.8: "`CONTENT_LENGTH`, when present, MUST be decimal digits."
  if (cgi['CONTENT_LENGTH'] !== undefined && !DIGITS.test(cgi['CONTENT_LENGTH'])) {
    throw violation(
      '4.8',
      `environ['CONTENT_LENGTH'] must be decimal digits; got ${describeValue(cgi['CONTENT_LENGTH'])}. Leave the key out when the request has no Content-Length.`,
    );
  }

  checkTsgiKeys(env);
  checkPaths(cgi);
}

function checkTsgiKeys(env: Record<string, unknown>): void {
  // SPEC §4.12: "`tsgi.version` MUST be the array `[1, 0]`."
  const version = env['tsgi.version'];
  if (!Array.isArray(version) || version.length !== 2 || version[0] !== 1 || version[1] !== 0) {
    const shown = Array.isArray(version) ? JSON.stringify(version) : describeValue(version);
    throw violation('4.12', `environ['tsgi.version'] must be the array [1, 0]; got ${shown}. Use TSGI_VERSION.`);
  }

  // SPEC §4.13: "`tsgi.url_scheme` MUST be `'http'` or `'https'`."
  const scheme = env['tsgi.url_scheme'];
  if (scheme !== 'http' && scheme !== 'https') {
    throw violation('4.13', `environ['tsgi.url_scheme'] must be 'http' or 'https'; got ${describeValue(scheme)}.`);
  }

  // SPEC §4.14: "`tsgi.input` MUST be an input stream: an object with `read`, `readline`, `readlines` and `[Symbol.asyncIterator]` methods (§9)."
  const input = env['tsgi.input'];
  const inputLacks = lacking(input, INPUT_METHODS);
  if (inputLacks !== undefined) {
    throw violation(
      '4.14',
      `environ['tsgi.input'] must be an input stream; got ${describeValue(input)}, which has no ${inputLacks} method. Use createInputStream().`,
    );
  }

  // SPEC §4.15: "`tsgi.errors` MUST be an error stream: an object with `write`, `writelines` and `flush` methods (§10)."
  const errors = env['tsgi.errors'];
  const errorsLacks = lacking(errors, ERRORS_METHODS);
  if (errorsLacks !== undefined) {
    throw violation(
      '4.15',
      `environ['tsgi.errors'] must be an error stream; got ${describeValue(errors)}, which has no ${errorsLacks} method. Use createErrorStream().`,
    );
  }

  // SPEC §4.16: "`tsgi.multithread`, `tsgi.multiprocess` and `tsgi.run_once` MUST be booleans."
  for (const key of ['tsgi.multithread', 'tsgi.multiprocess', 'tsgi.run_once']) {
    if (typeof env[key] !== 'boolean') {
      throw violation('4.16', `environ['${key}'] must be a boolean; got ${describeValue(env[key])}.`);
    }
  }

  // SPEC §4.17: "`tsgi.file_wrapper`, when present, MUST be a function (§11)."
  const fileWrapper = env['tsgi.file_wrapper'];
  if (fileWrapper !== undefined && typeof fileWrapper !== 'function') {
    throw violation('4.17', `environ['tsgi.file_wrapper'] must be a function when present; got ${describeValue(fileWrapper)}.`);
  }

  // SPEC §4.18: "`tsgi.input_terminated`, when present, MUST be a boolean."
  const terminated = env['tsgi.input_terminated'];
  if (terminated !== undefined && typeof terminated !== 'boolean') {
    throw violation('4.18', `environ['tsgi.input_terminated'] must be a boolean when present; got ${describeValue(terminated)}.`);
  }
}

function checkPaths(cgi: Record<string, string>): void {
  const script = cgi['SCRIPT_NAME']!;
  const path = cgi['PATH_INFO']!;

  // SPEC §14.1: "`SCRIPT_NAME` MUST be empty or start with `/`."
  if (script !== '' && !script.startsWith('/')) {
    throw violation('14.1', `environ['SCRIPT_NAME'] must be empty or start with '/'; got ${describeValue(script)}.`);
  }

  // SPEC §14.2: "`PATH_INFO` MUST be empty or start with `/`, except that it is `*` for the request `OPTIONS *`."
  const asterisk = path === '*' && cgi['REQUEST_METHOD'] === 'OPTIONS' && script === '';
  if (path !== '' && !path.startsWith('/') && !asterisk) {
    throw violation('14.2', `environ['PATH_INFO'] must be empty or start with '/'; got ${describeValue(path)}.`);
  }

  // SPEC §14.3: "`SCRIPT_NAME` MUST NOT be `/`: an application mounted at the root has `SCRIPT_NAME` `''`, and the `/` belongs to `PATH_INFO`."
  if (script === '/') {
    throw violation('14.3', `environ['SCRIPT_NAME'] must not be '/'. An application at the root has SCRIPT_NAME '' and PATH_INFO '/…'.`);
  }

  // SPEC §14.4: "`SCRIPT_NAME` and `PATH_INFO` MUST NOT both be empty: when the application is at the root, `PATH_INFO` is at least `/`."
  if (script === '' && path === '') {
    throw violation('14.4', `environ['SCRIPT_NAME'] and environ['PATH_INFO'] must not both be empty. Set PATH_INFO to '/'.`);
  }

  // SPEC §14.5: "`SCRIPT_NAME` MUST NOT end with `/`: the slash after the mount point belongs to `PATH_INFO`."
  if (script.endsWith('/')) {
    throw violation(
      '14.5',
      `environ['SCRIPT_NAME'] must not end with '/'; got ${describeValue(script)}. Move the slash to the start of PATH_INFO.`,
    );
  }
}

/** The first of `methods` that `value` does not have as a function, described; `undefined` when it has them all. */
function lacking(value: unknown, methods: readonly (string | symbol)[]): string | undefined {
  for (const method of methods) {
    const member =
      (typeof value === 'object' || typeof value === 'function') && value !== null
        ? (value as Record<string | symbol, unknown>)[method]
        : undefined;
    if (typeof member !== 'function') return typeof method === 'symbol' ? '[Symbol.asyncIterator]' : method;
  }
  return undefined;
}
