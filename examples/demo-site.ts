/**
 * The site `npm start` serves: a few routes written with nothing but tsgi,
 * wrapped in the example timing middleware.
 *
 * - `/`        an HTML index linking to the rest
 * - `/environ` wsgiref's demo app: the environ this server built
 * - `/stream`  a body streamed in timed chunks (`?n=5&delay=300`)
 * - `/echo`    a form; POST it and the page echoes the fields read from tsgi.input
 *
 * Serve it: `npm start`, or `tsgi serve dist/examples/demo-site.js`.
 */
import type { Application, Body, Environ, StartResponse } from '../lib/protocol/types.js';
import { demoApp } from '../lib/server/index.js';
import { timing } from './timing-middleware.js';

/** The largest form `/echo` reads; a larger one gets 413 (RFC 9110 §15.5.14). */
const MAX_FORM_BYTES = 64 * 1024;

const HTML = 'text/html; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

function page(title: string, content: string): Uint8Array[] {
  return [
    Buffer.from(
      `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title></head>\n` +
        `<body>\n<h1>${title}</h1>\n${content}\n</body>\n</html>\n`,
    ),
  ];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function index(_environ: Environ, startResponse: StartResponse): Body {
  startResponse('200 OK', [['Content-Type', HTML]]);
  return page(
    'tsgi demo site',
    `<ul>
<li><a href="/environ">/environ</a>: the environ of your request (wsgiref's demo app)</li>
<li><a href="/stream">/stream</a>: a response streamed in chunks</li>
<li><a href="/echo">/echo</a>: a form echoed back from tsgi.input</li>
</ul>`,
  );
}

/** Streams `n` lines (1–20, default 5), `delay` ms apart (0–2000, default 300): chunked framing on HTTP/1.1. */
function stream(environ: Environ, startResponse: StartResponse): Body {
  const query = new URLSearchParams(environ.QUERY_STRING);
  const count = clamp(Number(query.get('n') ?? 5), 1, 20);
  const delay = clamp(Number(query.get('delay') ?? 300), 0, 2000);
  startResponse('200 OK', [
    ['Content-Type', TEXT],
    // Ask proxies not to buffer, so each chunk shows up as it is sent.
    ['X-Accel-Buffering', 'no'],
  ]);
  return (async function* chunks() {
    for (let i = 1; i <= count; i += 1) {
      if (i > 1) await new Promise((resolve) => setTimeout(resolve, delay));
      yield Buffer.from(`chunk ${i} of ${count}\n`);
    }
  })();
}

const FORM = `<form method="post" action="/echo">
<p><label>Name <input name="name"></label></p>
<p><label>Message <textarea name="message"></textarea></label></p>
<p><button>Send</button></p>
</form>`;

/** GET shows a form; POST reads the urlencoded body from tsgi.input and echoes each field. */
async function echo(environ: Environ, startResponse: StartResponse): Promise<Body> {
  if (environ.REQUEST_METHOD === 'GET' || environ.REQUEST_METHOD === 'HEAD') {
    startResponse('200 OK', [['Content-Type', HTML]]);
    return page('Echo', FORM);
  }
  if (environ.REQUEST_METHOD !== 'POST') {
    startResponse('405 Method Not Allowed', [
      ['Content-Type', TEXT],
      ['Allow', 'GET, HEAD, POST'],
    ]);
    return [Buffer.from('Use GET to see the form, POST to send it.\n')];
  }
  const declared = Number(environ.CONTENT_LENGTH || 0);
  const body = await environ['tsgi.input'].read(MAX_FORM_BYTES + 1);
  if (declared > MAX_FORM_BYTES || body.byteLength > MAX_FORM_BYTES) {
    startResponse('413 Content Too Large', [['Content-Type', TEXT]]);
    return [Buffer.from(`Forms up to ${MAX_FORM_BYTES} bytes, please.\n`)];
  }
  const fields = [...new URLSearchParams(Buffer.from(body).toString('utf8'))];
  const items = fields.map(([name, value]) => `<li><b>${escapeHtml(name)}</b>: ${escapeHtml(value)}</li>`).join('\n');
  startResponse('200 OK', [['Content-Type', HTML]]);
  return page('Echo', `<p>You sent ${fields.length} field(s):</p>\n<ul>\n${items}\n</ul>\n${FORM}`);
}

function notFound(environ: Environ, startResponse: StartResponse): Body {
  startResponse('404 Not Found', [['Content-Type', TEXT]]);
  return [Buffer.from(`Nothing at ${environ.PATH_INFO}. Try /.\n`, 'latin1')];
}

const routes: Readonly<Record<string, Application>> = {
  '/': index,
  '/environ': demoApp,
  '/stream': stream,
  '/echo': echo,
};

/** The site without middleware: dispatches on PATH_INFO. */
export const site: Application = function site(environ, startResponse) {
  const route = Object.hasOwn(routes, environ.PATH_INFO) ? routes[environ.PATH_INFO] : undefined;
  return (route ?? notFound)(environ, startResponse);
};

function clamp(value: number, low: number, high: number): number {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, Math.trunc(value))) : low;
}

/** The site as `npm start` serves it, timed. */
export default timing()(site);
