/**
 * The status and headers a Node handler's `ServerResponse` settled on, as
 * `startResponse` arguments (`fromNodeHandler`).
 *
 * They are read from the head node serialized (`res._header`) rather than
 * from `res.getHeaders()`: headers given straight to `writeHead()` never
 * reach `getHeaders()`, and the serialized head keeps every line — repeated
 * `Set-Cookie` lines, original casing and order. Node checked each name and
 * value when it was set (tokens; values of tab, visible ASCII and 0x80–0xff),
 * so every line is exactly `name: value` and a byte string (SPEC §5.1).
 *
 * Hop-by-hop headers are dropped (SPEC §6.7): `Connection`, `Keep-Alive` and
 * `Transfer-Encoding` node or the handler added describe the in-process
 * exchange, and the gateway frames the real response itself. Headers the
 * `Connection` header names are hop-by-hop too (RFC 9110 §7.6.1).
 */
import { STATUS_CODES } from 'node:http';
import type { ServerResponse } from 'node:http';
import { isHopByHop } from '../protocol/hop-by-hop.js';
import type { HeaderList } from '../protocol/types.js';

/** What `startResponse` is called with. */
export interface NodeHead {
  /** `'200 OK'`: the code and node's reason phrase. */
  status: string;
  headers: HeaderList;
}

// Responses repeat the same few header names: remember which are hop-by-hop as each is spelled,
// which spares lower-casing a copy of every name of every response.
const HOP_BY_HOP_CACHE_LIMIT = 512;
const hopByHopNames = new Map<string, boolean>();

function hopByHop(name: string): boolean {
  let known = hopByHopNames.get(name);
  if (known === undefined) {
    known = isHopByHop(name);
    if (hopByHopNames.size < HOP_BY_HOP_CACHE_LIMIT) hopByHopNames.set(name, known);
  }
  return known;
}

/** The head node serialized for `res`, or null while none was (informational responses do not count). */
export function serializedHead(res: ServerResponse): string | null {
  // `_header` is node's own record of the head it wrote (node ≥ 0.x, still in 24); `headersSent` is `!!_header`.
  const head = (res as unknown as { _header: string | null | undefined })._header;
  return typeof head === 'string' && head !== '' ? head : null;
}

/** `startResponse` arguments for the head node serialized as `head`. */
export function parseHead(res: ServerResponse, head: string): NodeHead {
  const headers: HeaderList = [];
  let connectionTokens: string[] | undefined;
  // The first line is the status line; the head ends with an empty line.
  let start = head.indexOf('\r\n') + 2;
  for (let end = head.indexOf('\r\n', start); end > start; end = head.indexOf('\r\n', start)) {
    const colon = head.indexOf(':', start);
    const name = head.slice(start, colon);
    const value = head.slice(colon + 2, end);
    start = end + 2;
    if (hopByHop(name)) {
      if (name.length === 10 && name.toLowerCase() === 'connection') {
        connectionTokens = value.toLowerCase().split(',').map((token) => token.trim());
      }
      continue;
    }
    headers.push([name, value]);
  }
  const named = connectionTokens;
  // tsgi wants a reason phrase (SPEC §6.2); node lets `writeHead(200, '')` send none.
  const reason = res.statusMessage || STATUS_CODES[res.statusCode] || 'Unknown';
  return {
    status: `${res.statusCode} ${reason}`,
    headers: named === undefined ? headers : headers.filter(([name]) => !named.includes(name.toLowerCase())),
  };
}
