/**
 * The site `npm start` serves, written with tsgi/framework and wrapped in
 * the example timing gateway middleware (a tsgi middleware composes with a
 * framework application like with any other).
 *
 * - `/`        an HTML index linking to the rest
 * - `/environ` the environ this server built, as text (as wsgiref's demo app)
 * - `/stream`  a body streamed in timed chunks (`?n=5&delay=300`)
 * - `/echo`    a form; POST it and the page echoes the fields (`readForm()`)
 * - `/blog/`   the blog example (examples/blog), mounted with `include()`
 *
 * Serve it: `npm start`, or `tsgi dev dist/examples/demo-site.js`.
 */
import {
  HttpResponse,
  RequestDataTooBig,
  StreamingHttpResponse,
  commonMiddleware,
  createApplication,
  include,
  path,
  requireHttpMethods,
  securityMiddleware,
  xFrameOptionsMiddleware,
  type HttpRequest,
  type HttpResponseBase,
} from '../lib/framework/index.js';
import { urlpatterns as blogUrls } from './blog/urls.js';
import { html, type SafeHtml } from './blog/templates.js';
import { timing } from './timing-middleware.js';

/** The largest form `/echo` reads; a larger one gets 413 (RFC 9110 §15.5.14). */
const MAX_FORM_BYTES = 64 * 1024;

const TEXT = 'text/plain; charset=utf-8';

function page(title: string, content: SafeHtml): HttpResponse {
  return new HttpResponse(
    html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title></head>
<body>
<h1>${title}</h1>
${content}
</body>
</html>
`.text,
  );
}

function index(request: HttpRequest) {
  return page(
    'tsgi demo site',
    html`<ul>
<li><a href="${request.reverse('environ')}">/environ</a>: the environ of your request</li>
<li><a href="${request.reverse('stream')}">/stream</a>: a response streamed in chunks</li>
<li><a href="${request.reverse('echo')}">/echo</a>: a form echoed back</li>
<li><a href="${request.reverse('home')}">/blog/</a>: the blog example (includes, namespaces, a JSON API)</li>
</ul>`,
  );
}

/** `Hello world!`, a blank line, then `KEY = value` for every environ key, sorted (wsgiref's demo app). */
function environ(request: HttpRequest) {
  const lines = Object.keys(request.META)
    .sort()
    .map((key) => `${key} = ${describe(request.META[key])}\n`);
  // Environ strings are byte strings (one char per byte): send them as those bytes.
  return new HttpResponse(Buffer.from(`Hello world!\n\n${lines.join('')}`, 'latin1'), { contentType: TEXT });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return `[Function: ${value.name || 'anonymous'}]`;
  if (Array.isArray(value)) return `[${value.map(String).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `<${value.constructor?.name ?? 'Object'}>`;
  return String(value);
}

/** Streams `n` lines (1–20, default 5), `delay` ms apart (0–2000, default 300): chunked framing on HTTP/1.1. */
function stream(request: HttpRequest) {
  const count = clamp(Number(request.GET.get('n') ?? 5), 1, 20);
  const delay = clamp(Number(request.GET.get('delay') ?? 300), 0, 2000);
  async function* chunks() {
    for (let i = 1; i <= count; i += 1) {
      if (i > 1) await new Promise((resolve) => setTimeout(resolve, delay));
      yield `chunk ${i} of ${count}\n`;
    }
  }
  // X-Accel-Buffering asks proxies not to buffer, so each chunk shows up as it is sent.
  return new StreamingHttpResponse(chunks(), { contentType: TEXT, headers: { 'X-Accel-Buffering': 'no' } });
}

function echoForm(request: HttpRequest): SafeHtml {
  return html`<form method="post" action="${request.reverse('echo')}">
<p><label>Name <input name="name"></label></p>
<p><label>Message <textarea name="message"></textarea></label></p>
<p><button>Send</button></p>
</form>`;
}

/**
 * GET shows a form; POST reads it with `readForm()` and echoes each field.
 * The framework refuses a body over `dataUploadMaxMemorySize` with
 * RequestDataTooBig, which it answers 400 as Django does; this view answers
 * 413 Content Too Large instead.
 */
const echo = requireHttpMethods(['GET', 'HEAD', 'POST'])(async function echo(request: HttpRequest): Promise<HttpResponseBase> {
  if (request.method !== 'POST') return page('Echo', echoForm(request));
  let fields: Array<[string, string]>;
  try {
    fields = [...(await request.readForm()).lists()].flatMap(([name, values]) => values.map((value): [string, string] => [name, value]));
  } catch (error) {
    if (!(error instanceof RequestDataTooBig)) throw error;
    return new HttpResponse(`Forms up to ${MAX_FORM_BYTES} bytes, please.\n`, { status: 413, contentType: TEXT });
  }
  return page(
    'Echo',
    html`<p>You sent ${fields.length} field(s):</p>
<ul>
${fields.map(([name, value]) => html`<li><b>${name}</b>: ${value}</li>\n`)}</ul>
${echoForm(request)}`,
  );
});

function notFound(request: HttpRequest) {
  return new HttpResponse(`Nothing at ${request.path}. Try /.\n`, { status: 404, contentType: TEXT });
}

function clamp(value: number, low: number, high: number): number {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, Math.trunc(value))) : low;
}

/** The site without the timing middleware. */
export const site = createApplication({
  urlpatterns: [
    path('', index, { name: 'index' }),
    path('environ', environ, { name: 'environ' }),
    path('stream', stream, { name: 'stream' }),
    path('echo', echo, { name: 'echo' }),
    path('blog/', include(blogUrls)),
  ],
  middleware: [securityMiddleware(), commonMiddleware(), xFrameOptionsMiddleware()],
  handlers: { 404: notFound },
  allowedHosts: ['127.0.0.1', 'localhost', '[::1]'],
  request: { dataUploadMaxMemorySize: MAX_FORM_BYTES },
});

/** The site as `npm start` serves it, timed. */
export default timing()(site);
