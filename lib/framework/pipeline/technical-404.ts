/**
 * The debug 404 page (Django's `technical_404_response`): which path was
 * asked for, the URL patterns tried in order, or — for an `Http404` raised
 * by a view — the view that raised it and its message. With an empty URLconf
 * it is the "tsgi is running" welcome page instead, answered with 200 (as
 * Django's `default_urlconf`). Only ever used with `debug` on.
 */
import { Resolver404 } from '../errors.js';
import { HttpResponse, HttpResponseNotFound, type HttpRequest, type HttpResponseBase } from '../http/index.js';
import { escapeHtml } from './escape-html.js';

const STYLE = `<style>
  html * { padding: 0; margin: 0; }
  body { font: small sans-serif; background: #eee; color: #000; }
  body > div { border-bottom: 1px solid #ddd; padding: 10px 20px; }
  h1 { font-weight: normal; margin-bottom: .4em; }
  table { border: none; border-collapse: collapse; width: 100%; }
  td, th { vertical-align: top; padding: 2px 3px; text-align: left; }
  th { width: 12em; text-align: right; color: #666; padding-right: .5em; }
  #info { background: #f6f6f6; } #info ol { margin: 0.5em 4em; } #info ol li { font-family: monospace; }
  #summary { background: #ffc; } #explanation { background: #eee; border-bottom: 0 none; }
  pre.exception_value { font-family: sans-serif; color: #575757; font-size: 1.5em; margin: 10px 0; }
</style>`;

/** The debug answer to an `Http404` (a URL miss or one a view raised). */
export function technical404Response(request: HttpRequest, error: unknown): HttpResponseBase {
  const isMiss = error instanceof Resolver404;
  const tried = isMiss ? error.tried : [];
  if (isMiss && tried.length === 0) return welcomeResponse();
  // A miss names the rest of the path the resolver could not match; a view's 404 the whole path.
  const requestPath = isMiss ? error.path : request.pathInfo.slice(1);
  const match = request.resolverMatch;
  const rows = [
    ['Request Method:', request.method],
    ['Request URL:', request.path],
    ...(isMiss || match === null ? [] : [['Raised by:', match.viewName]]),
  ];
  const summary = rows.map(([name, value]) => `    <tr><th>${escapeHtml(name!)}</th><td>${escapeHtml(value!)}</td></tr>`).join('\n');
  let info: string;
  if (isMiss) {
    const items = tried.map((chain) => `      <li>${chain.map((entry, index) => escapeHtml(describeEntry(entry, index === chain.length - 1))).join(' ')}</li>`).join('\n');
    info = `  <p>tsgi tried these URL patterns, in this order:</p>
  <ol>
${items}
  </ol>
  <p>${requestPath === '' ? 'The empty path' : `The current path, <code>${escapeHtml(requestPath)}</code>,`} didn't match any of these.</p>`;
  } else {
    const reason = error instanceof Error ? error.message : String(error);
    info = `  <p>The current path, <code>${escapeHtml(requestPath)}</code>, matched a URL pattern; the view raised Http404${reason === '' ? '.' : ':'}</p>
  ${reason === '' ? '' : `<pre class="exception_value">${escapeHtml(reason)}</pre>`}`;
  }
  const page = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <title>Page not found at ${escapeHtml(request.path)}</title>
  <meta name="robots" content="NONE,NOARCHIVE">
  ${STYLE}
</head>
<body>
<div id="summary">
  <h1>Page not found <span>(404)</span></h1>
  <table class="meta">
${summary}
  </table>
</div>
<div id="info">
${info}
</div>
<div id="explanation">
  <p>You're seeing this error because <code>debug</code> is true in createApplication().
  Set it to false and tsgi will answer with the standard 404 page.</p>
</div>
</body>
</html>
`;
  return new HttpResponseNotFound(page);
}

/** As Django's page shows a tried pattern: its route, and the name of the last one in a chain. */
function describeEntry(entry: unknown, last: boolean): string {
  const { pattern, name } = entry as { pattern?: unknown; name?: unknown };
  const text = pattern === undefined ? String(entry) : String(pattern);
  return last && typeof name === 'string' && name !== '' ? `${text} [name='${name}']` : text;
}

/** The page for an empty URLconf: the application runs, there is just nothing to route to yet. */
function welcomeResponse(): HttpResponseBase {
  return new HttpResponse(`<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>tsgi: it works</title>
  <meta name="robots" content="NONE,NOARCHIVE">
  ${STYLE}
</head>
<body>
<div id="summary">
  <h1>It works: the application is running.</h1>
</div>
<div id="explanation">
  <p>You're seeing this page because <code>debug</code> is true in createApplication() and
  the URLconf has no patterns yet. Add some with <code>path()</code>.</p>
</div>
</body>
</html>
`);
}
