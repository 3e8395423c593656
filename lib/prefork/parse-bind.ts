/**
 * `--bind` addresses, as gunicorn writes them: `HOST:PORT`, `[IPV6]:PORT`,
 * `HOST` (port 8000), `:PORT` (every interface) or `unix:/path.sock`.
 *
 * @example
 * parseBind('unix:/run/tsgi.sock'); // { kind: 'unix', path: '/run/tsgi.sock' }
 * parseBind('[::1]:80');            // { kind: 'tcp', host: '::1', port: 80 }
 */
import { ImproperlyConfigured } from '../protocol/errors.js';

/** Where a server listens. */
export type Bind = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

const DEFAULT_PORT = 8000;

/** Parses one `--bind` value. @throws ImproperlyConfigured with the value and the accepted forms. */
export function parseBind(text: string): Bind {
  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length);
    if (path === '') throw badBind(text, 'names no socket path');
    return { kind: 'unix', path };
  }
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed !== null) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length > 1) {
    throw badBind(text, 'has an IPv6 address without brackets');
  } else {
    const colon = text.indexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
  }
  if (host === '' && portText === undefined) throw badBind(text, 'is empty');
  const port = portText === undefined ? DEFAULT_PORT : /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw badBind(text, 'has a port that is not an integer from 0 to 65535');
  // '' listens on every interface, as node's listen() without a host.
  return { kind: 'tcp', host, port };
}

/** How a bind is written back, e.g. in "Listening at" lines. */
export function formatBind(bind: Bind): string {
  if (bind.kind === 'unix') return `unix:${bind.path}`;
  return `${bind.host.includes(':') ? `[${bind.host}]` : bind.host}:${bind.port}`;
}

function badBind(text: string, problem: string): ImproperlyConfigured {
  return new ImproperlyConfigured(
    `tsgi serve: --bind '${text}' ${problem}. Use HOST:PORT, [IPV6]:PORT, :PORT or unix:/path.sock.`,
  );
}
