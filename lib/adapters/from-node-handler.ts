/**
 * `fromNodeHandler(handler)`: runs a Node `(req, res)` handler — an Express
 * 5 or connect app, `koa.callback()`, a bare `http.createServer` listener —
 * as a tsgi application, so tsgi middleware (logging, auth, compression…)
 * can wrap an app that was written for node:http, and any tsgi server can
 * serve it.
 *
 * The handler gets node's own `IncomingMessage` and `ServerResponse` (not
 * look-alikes; Express swaps their prototypes and needs the real ones):
 *
 * - `req.method`, `req.headers`/`req.rawHeaders` (from `HTTP_*`,
 *   `CONTENT_TYPE`, `CONTENT_LENGTH`; names re-cased `X-Request-Id`, repeated
 *   headers arrive joined as the environ holds them), `req.httpVersion`,
 *   `req.socket.remoteAddress`/`remotePort` (`REMOTE_ADDR`/`REMOTE_PORT`),
 *   `req.socket.encrypted` for https.
 * - **Mounting**: `req.url` is the path below `SCRIPT_NAME` (at least `/`)
 *   plus the query; `req.baseUrl` is `SCRIPT_NAME` and `req.originalUrl`
 *   the whole target, raw as the client sent them. Express and connect keep
 *   a `baseUrl`/`originalUrl` they find, so an Express app mounted at
 *   `/shop` routes on `/cart` and builds `req.baseUrl + '/cart'` links.
 *   `environOf(req)` gives the handler the whole environ (e.g. the
 *   `REMOTE_USER` set by `basicAuth()`).
 * - **Request body** streams from `tsgi.input` as the handler reads it,
 *   with backpressure; nothing is buffered and nothing read ahead.
 * - **Response**: the status, every header line (repeated `Set-Cookie`
 *   kept; `Connection`, `Keep-Alive` and `Transfer-Encoding` dropped: the
 *   gateway frames the response), and the body as a streamed tsgi body.
 *   `res.write()` returns `false` while the client is slow, then `'drain'`.
 *   `res.flushHeaders()` fixes the head; it goes out with the first body
 *   byte or the end (SPEC §8.3). Trailers (`res.addTrailers()`) are dropped:
 *   tsgi has none. The head is passed on as the handler made it: one without
 *   `Content-Type` (a bare `res.end()` answering 200) is sent as it is,
 *   which the gateway allows and `validate()` reports (SPEC §6.9).
 *
 * Failures: a synchronous throw, a rejected promise returned by the handler,
 * `next(error)` (connect/Express call the third argument when nothing
 * handled an error) or `'error'` on the response end in the gateway's 500
 * (nothing sent yet) or an aborted response (SPEC §15), logged to
 * `tsgi.errors`. `next(error)` with an `error.status` of 4xx answers that
 * status instead (as Express's final handler does: a bad JSON body is a
 * 400), and `next()` with no error answers `404 Not Found`. When the client
 * leaves, the request emits `'aborted'` and `'close'` and the response
 * `'close'`, so the handler can stop.
 *
 * When not to use it: for an app you are writing now, write a tsgi
 * application; this adapter costs a request and response object per request.
 *
 * @example
 * import express from 'express';
 * const shop = express();
 * shop.get('/cart', (req, res) => res.json({ user: environOf(req)?.REMOTE_USER }));
 * const app = compose(accessLog(), basicAuth({ realm: 'shop', users }))(fromNodeHandler(shop));
 * await makeServer('127.0.0.1', 8000, app);
 */
import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured, TsgiError } from '../protocol/errors.js';
import type { Application, Body, Environ, StartResponse } from '../protocol/types.js';
import { environOfRequest, letGo, nodeRequest, nodeResponse } from './_node-messages.js';
import { NodeResponseBody } from './_node-response-body.js';
import { AdapterSocket } from './_node-socket.js';
import { nodeTarget } from './_node-target.js';

/** A Node request listener or connect/Express app; `next` is called when nothing answered. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => unknown;

export interface FromNodeHandlerOptions {
  /**
   * How long, in ms, the handler may go without reading request body or
   * writing response before the request fails: a route that forgets
   * `res.end()` then gets a logged error naming the request (and a 500, or
   * an aborted response) instead of hanging the client forever. Time spent
   * waiting for a slow client does not count. `0` turns it off (long polls
   * that stay silent longer need that, or a larger value).
   * @default 30000
   */
  timeoutMs?: number;
}

const OPTION_NAMES = ['timeoutMs'];
/** The environ a request made by `fromNodeHandler` came from; undefined for other requests. */
export function environOf(req: IncomingMessage): Environ | undefined {
  return environOfRequest(req);
}

/** Wraps a Node `(req, res)` handler as a tsgi application. */
export function fromNodeHandler(handler: NodeHandler, options: FromNodeHandlerOptions = {}): Application {
  if (typeof handler !== 'function') {
    throw new TypeError(
      `fromNodeHandler() handler must be a function (req, res) such as an Express app; got ${describeValue(handler)}.`,
    );
  }
  const timeoutMs = checkOptions(options);
  return function nodeHandlerApp(environ, startResponse) {
    return runHandler(handler, environ, startResponse, timeoutMs);
  };
}

/** Calls the handler for one request and returns the body its response becomes. */
function runHandler(handler: NodeHandler, environ: Environ, startResponse: StartResponse, timeoutMs: number): Body {
  let timer: NodeJS.Timeout | undefined;
  /** 'finish' was emitted on the response: the socket is let go of only after it. */
  let finishEmitted = false;
  /** The gateway closed a complete body before 'finish' (its last write's callback was still due). */
  let letGoOnFinish = false;
  const body = new NodeResponseBody(startResponse, () => timer?.refresh(), (finished) => {
    if (timer !== undefined) clearTimeout(timer);
    if (finished) {
      // A complete response lets go of its socket as node's server does after 'finish' on a
      // kept-alive connection (the socket is not destroyed: that would cost node an error object).
      if (finishEmitted) letGo(res, socket);
      else letGoOnFinish = true;
      return;
    }
    socket.close();
    // A request whose response is cut short is aborted, as node's server does when the client leaves.
    req.destroy();
  });
  const socket = new AdapterSocket(
    {
      remoteAddress: environ.REMOTE_ADDR,
      remotePort: environ.REMOTE_PORT === undefined ? undefined : Number(environ.REMOTE_PORT),
      localAddress: environ.SERVER_NAME,
      localPort: Number(environ.SERVER_PORT),
      encrypted: environ['tsgi.url_scheme'] === 'https',
    },
    body,
  );
  const target = nodeTarget(environ);
  const req = nodeRequest(environ, target, socket);
  const res = nodeResponse(req, socket);
  socket.attach(req, res, hasBody(environ) ? environ['tsgi.input'] : null);
  res.on('finish', () => {
    finishEmitted = true;
    body.end();
    if (letGoOnFinish) letGo(res, socket);
  });
  res.on('error', (error) => body.fail(error));

  const next = (error?: unknown): void => {
    if (error === undefined || error === null || error === false) answer(res, 404);
    else if (isClientError(error) && !res.headersSent) answer(res, error.status ?? error.statusCode ?? 400);
    else body.fail(error);
  };
  try {
    const returned = handler(req, res, next);
    if (isThenable(returned)) returned.then(undefined, (error: unknown) => body.fail(error));
  } catch (error) {
    body.close();
    throw error;
  }
  if (res.writableEnded) {
    const complete = body.takeComplete(() => socket.writableLength === 0);
    if (complete !== undefined) return complete;
  }
  // The idle timer starts once the handler returned: nothing can interrupt it before, and a
  // response ended synchronously (Express's `res.send()`) never needs one.
  if (timeoutMs > 0) timer = idleTimer(body, environ, target.originalUrl, timeoutMs);
  return body;
}

/** Fails `body` once the handler did nothing for `timeoutMs` (time waiting for the client does not count). */
function idleTimer(body: NodeResponseBody, environ: Environ, url: string, timeoutMs: number): NodeJS.Timeout {
  const timer = setTimeout(function onIdle() {
    if (body.waitingForClient) {
      timer.refresh();
      return;
    }
    body.fail(
      new TsgiError(
        `fromNodeHandler: the handler for ${environ.REQUEST_METHOD} ${url} did nothing for ${timeoutMs} ms ` +
          "(no body read, no response written) and did not end its response. Make sure every route ends it (res.end(), res.send()), or raise the adapter's timeoutMs (0 turns it off).",
      ),
      true,
    );
  }, timeoutMs);
  timer.unref();
  return timer;
}

/** A request has a body when it declares a length above 0 or is chunked (SPEC §9.5). */
function hasBody(environ: Environ): boolean {
  if (environ['tsgi.input_terminated'] === true) return true;
  const length = environ.CONTENT_LENGTH;
  return length !== undefined && length !== '' && Number(length) > 0;
}

/** Answers with `status` and its reason phrase as plain text, unless the handler already began a response. */
function answer(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  const text = `${STATUS_CODES[status] ?? 'Error'}\n`;
  res.statusCode = status;
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** An http-errors style error with a 4xx status (body-parser's 400 and 413). */
function isClientError(error: unknown): error is { status?: number; statusCode?: number } {
  if (typeof error !== 'object' || error === null) return false;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && code >= 400 && code < 500;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function checkOptions(options: FromNodeHandlerOptions): number {
  if (typeof options !== 'object' || options === null) {
    throw new ImproperlyConfigured(`fromNodeHandler() options must be an object; got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new ImproperlyConfigured(
        `fromNodeHandler() got an unknown option ${describeValue(key)}. Known options: ${OPTION_NAMES.join(', ')}.`,
      );
    }
  }
  const { timeoutMs = 30_000 } = options;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new ImproperlyConfigured(
      `fromNodeHandler() timeoutMs must be a number of milliseconds, 0 or more; got ${describeValue(timeoutMs)}. Pass 0 to turn the timeout off.`,
    );
  }
  return timeoutMs;
}
