/**
 * The debug error page (Django's `technical_500_response`): the error, its
 * stack and causes, the request (method, path, query, cookie names) and the
 * environ. HTML, or plain text when the client does not accept `text/html`.
 * Only ever used with `debug` on; even then, environ values whose key looks
 * like a secret are masked, as Django's `SafeExceptionReporterFilter` does,
 * and cookie values are never shown.
 */
import { inspect } from 'node:util';
import { HttpResponse, type HttpRequest, type HttpResponseBase } from '../http/index.js';
import { acceptsHtml } from './accepts-html.js';
import { escapeHtml } from './escape-html.js';

/** Keys whose values the page replaces (Django's `hidden_settings`, with COOKIE for the header). */
export const HIDDEN_KEYS = /API|TOKEN|KEY|SECRET|PASS|SIGNATURE|AUTH|COOKIE/i;
/** What a hidden value shows as (Django's `cleansed_substitute`). */
export const CLEANSED = '********************';

/** The debug answer to an error; `status` is 400 for BadRequest/SuspiciousOperation. */
export function technical500Response(request: HttpRequest, error: unknown, status = 500): HttpResponseBase {
  const report = collect(request, error);
  if (!acceptsHtml(request)) {
    return new HttpResponse(textPage(report), { status, contentType: 'text/plain; charset=utf-8' });
  }
  return new HttpResponse(htmlPage(report), { status });
}

interface Report {
  title: string;
  kind: string;
  message: string;
  stack: string;
  request: Array<[string, string]>;
  environ: Array<[string, string]>;
}

function collect(request: HttpRequest, error: unknown): Report {
  const kind = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return {
    title: `${kind} at ${safely(() => request.path)}`,
    kind,
    message,
    stack: inspect(error, { depth: 4 }),
    request: [
      ['Method', safely(() => request.method)],
      ['Path', safely(() => request.path)],
      ['Path info', safely(() => request.pathInfo)],
      ['GET', safely(() => describeQuery(request))],
      ['Cookies (names)', safely(() => Object.keys(request.COOKIES).join(', ') || '(none)')],
      ['View', safely(() => request.resolverMatch?.viewName ?? '(not resolved)')],
    ],
    environ: Object.keys(request.META)
      .sort()
      .map((key) => [key, HIDDEN_KEYS.test(key) ? CLEANSED : describeEnvironValue(request.META[key])]),
  };
}

function describeQuery(request: HttpRequest): string {
  const parts: string[] = [];
  for (const [key, values] of request.GET.lists()) parts.push(`${key} = ${values.map((value) => JSON.stringify(value)).join(', ')}`);
  return parts.length === 0 ? '(none)' : parts.join('\n');
}

function describeEnvironValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  return inspect(value, { depth: 0, breakLength: Infinity });
}

/** A page about one failure must not fail on a second one (e.g. a broken request). */
function safely(read: () => string): string {
  try {
    return read();
  } catch (error) {
    return `(unavailable: ${error instanceof Error ? error.message : String(error)})`;
  }
}

function textPage(report: Report): string {
  const lines = [report.title, '', `${report.kind}: ${report.message}`, '', 'Stack:', report.stack, '', 'Request:'];
  for (const [name, value] of report.request) lines.push(`  ${name}: ${value}`);
  lines.push('', 'Environ:');
  for (const [name, value] of report.environ) lines.push(`  ${name} = ${value}`);
  lines.push(
    '',
    "You're seeing this error because debug is true in createApplication(). Set it to false and tsgi will answer with the standard error page.",
    '',
  );
  return lines.join('\n');
}

function table(rows: Array<[string, string]>): string {
  return rows.map(([name, value]) => `    <tr><th>${escapeHtml(name)}</th><td><pre>${escapeHtml(value)}</pre></td></tr>`).join('\n');
}

function htmlPage(report: Report): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <meta name="robots" content="NONE,NOARCHIVE">
  <title>${escapeHtml(report.title)}</title>
  <style>
    html * { padding: 0; margin: 0; }
    body { font: small sans-serif; background: #eee; color: #000; }
    body > div { border-bottom: 1px solid #ddd; padding: 10px 20px; }
    h1 { font-weight: normal; } h2 { margin-bottom: .8em; }
    pre { font-size: 100%; white-space: pre-wrap; word-break: break-word; }
    table { border: 1px solid #ccc; border-collapse: collapse; width: 100%; background: white; }
    td, th { vertical-align: top; padding: 2px 3px; text-align: left; border-bottom: 1px solid #eee; }
    th { width: 14em; color: #666; }
    #summary { background: #ffc; } #stack { background: #eee; } #explanation { background: #eee; border-bottom: 0 none; }
    pre.exception_value { font-family: sans-serif; color: #575757; font-size: 1.5em; margin: 10px 0; }
  </style>
</head>
<body>
<div id="summary">
  <h1>${escapeHtml(report.title)}</h1>
  <pre class="exception_value">${escapeHtml(`${report.kind}: ${report.message}`)}</pre>
</div>
<div id="stack">
  <h2>Stack</h2>
  <pre>${escapeHtml(report.stack)}</pre>
</div>
<div id="request">
  <h2>Request</h2>
  <table>
${table(report.request)}
  </table>
</div>
<div id="environ">
  <h2>Environ</h2>
  <table>
${table(report.environ)}
  </table>
</div>
<div id="explanation">
  <p>You're seeing this error because <code>debug</code> is true in createApplication().
  Set it to false and tsgi will answer with the standard error page.</p>
</div>
</body>
</html>
`;
}
