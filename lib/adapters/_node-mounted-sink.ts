/**
 * The dev server's `NodeSink` for a response that other middleware may
 * already have put headers on (`toNodeHandler` inside Express or connect).
 *
 * `NodeSink` hands its header list straight to `res.writeHead()`, node's
 * fast path. Once anything called `res.setHeader()` first (Express sets
 * `X-Powered-By`, CORS middleware its headers), node merges the list into
 * the headers set before with `setHeader()`, one name at a time: a list of
 * pairs then fails, and of repeated names (`Set-Cookie`) only the last
 * would survive. So in that case the application's headers are set here,
 * grouped by name, replacing same-named ones from before, and `writeHead()`
 * gets none.
 */
import type { ServerResponse } from 'node:http';
import type { ResponseHead } from '../gateway/types.js';
import type { HeaderList } from '../protocol/types.js';
import { NodeSink } from '../server/node-sink.js';
import type { SinkServerState } from '../server/node-sink.js';

/** A mounted handler does not manage its server: it never closes it. */
const NOT_CLOSING: SinkServerState = { closing: false, endedWhileClosing: () => {} };
const NO_HEADERS: HeaderList = [];

export class MountedSink extends NodeSink {
  readonly #response: ServerResponse;

  constructor(res: ServerResponse) {
    // node:http answers `Expect: 100-continue` itself before a 'request' listener runs.
    super(res, NOT_CLOSING, false);
    this.#response = res;
  }

  override start(head: ResponseHead): void {
    const res = this.#response;
    if (res.getHeaderNames().length === 0) {
      super.start(head);
      return;
    }
    const grouped = new Map<string, { name: string; values: string[] }>();
    for (const [name, value] of head.headers) {
      const key = name.toLowerCase();
      const group = grouped.get(key);
      if (group === undefined) grouped.set(key, { name, values: [value] });
      else group.values.push(value);
    }
    for (const { name, values } of grouped.values()) res.setHeader(name, values.length === 1 ? values[0]! : values);
    super.start({ ...head, headers: NO_HEADERS });
  }
}
