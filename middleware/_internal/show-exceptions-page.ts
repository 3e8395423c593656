/**
 * The pages `showExceptions()` answers with: a fixed plain page in
 * production; with `debug`, the error's stack (with its causes) and the
 * environ, as HTML or text by the request's `Accept`, secrets masked the way
 * Django's `SafeExceptionReporterFilter` does, and everything escaped.
 */
import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import { describeValue } from '../../lib/protocol/describe-value.js';
import type { Environ } from '../../lib/protocol/types.js';

/** Environ keys whose values are never shown (Django's `hidden_settings`, plus AUTH and COOKIE). */
export const SECRET_KEYS = /API|TOKEN|KEY|SECRET|PASS|SIGNATURE|AUTH|COOKIE/i;
/** What a secret value is shown as (Django's `cleansed_substitute`). */
export const MASK = '********************';

export interface ErrorPage {
  readonly contentType: string;
  readonly body: Buffer;
}

const PRODUCTION_TEXT = 'Internal Server Error\n\nThe server could not complete the request. The error was logged.\n';

/** The production page: says nothing about the error. */
export function plainPage(): ErrorPage {
  return { contentType: 'text/plain; charset=utf-8', body: Buffer.from(PRODUCTION_TEXT, 'utf8') };
}

/** The debug page, HTML when `Accept` prefers `text/html` to `text/plain`, text otherwise. */
export function debugPage(error: unknown, environ: Environ): ErrorPage {
  const stack = inspect(error, { depth: 4 });
  const rows = environRows(environ);
  const title = `${errorName(error)} at ${text(environ.REQUEST_METHOD)} ${text(environ.SCRIPT_NAME + environ.PATH_INFO)}`;
  if (prefersHtml(environ['HTTP_ACCEPT'])) {
    const html =
      `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n` +
      `<h1>${escapeHtml(title)}</h1>\n<h2>Stack</h2>\n<pre>${escapeHtml(stack)}</pre>\n<h2>Environ</h2>\n<table>\n` +
      rows.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td><pre>${escapeHtml(value)}</pre></td></tr>\n`).join('') +
      '</table>\n</body>\n</html>\n';
    return { contentType: 'text/html; charset=utf-8', body: Buffer.from(html, 'utf8') };
  }
  const plain = `${title}\n\nStack:\n${stack}\n\nEnviron:\n${rows.map(([key, value]) => `${key} = ${value}\n`).join('')}`;
  return { contentType: 'text/plain; charset=utf-8', body: Buffer.from(plain, 'utf8') };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : describeValue(error);
}

/** A byte string's UTF-8 text, for people to read. */
function text(value: string): string {
  return Buffer.from(value, 'latin1').toString('utf8');
}

/** The environ sorted by key: strings decoded, other values described, secrets masked. */
export function environRows(environ: Environ): Array<[key: string, value: string]> {
  return Object.keys(environ)
    .sort()
    .map((key) => {
      const value = environ[key];
      if (SECRET_KEYS.test(key)) return [key, MASK];
      return [key, typeof value === 'string' ? text(value) : Array.isArray(value) ? JSON.stringify(value) : describeValue(value)];
    });
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/**
 * True when `Accept` names `text/html` with a q-value above 0 and at least
 * that of `text/plain` (RFC 9110 §12.5.1; the most specific range applies).
 * Browsers name `text/html`; `*\/*` alone (curl) or no `Accept` gets text.
 */
export function prefersHtml(accept: unknown): boolean {
  if (typeof accept !== 'string' || accept.trim() === '') return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    return { range, quality: Number.isFinite(quality) ? quality : 0 };
  });
  const qualityOf = (type: string): number => {
    const [major] = type.split('/');
    const match = ranges.find((r) => r.range === type) ?? ranges.find((r) => r.range === `${major}/*`) ?? ranges.find((r) => r.range === '*/*');
    return match?.quality ?? 0;
  };
  const html = ranges.find((r) => r.range === 'text/html')?.quality ?? 0;
  return html > 0 && html >= qualityOf('text/plain');
}
