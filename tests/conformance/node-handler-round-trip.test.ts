/**
 * The server-conformance suite through both Node adapters at once:
 * `fromNodeHandler(toNodeHandler(app))` served by the development server
 * over real sockets. Every request crosses the gateway twice — the dev
 * server's, then the one inside `toNodeHandler` — with node's own
 * `IncomingMessage`/`ServerResponse` between them, so a rule either adapter
 * breaks (framing, repeated headers, close(), backpressure, disconnects,
 * 100-continue) shows up here. Both gateways log to the same error stream.
 *
 * Requests go through a raw socket client (`raw-http.ts`), which can send
 * everything the suite asks for (HTTP/1.0, repeated Cookie lines, chunked
 * uploads, Expect: 100-continue) and sees an incomplete response as such.
 * Nothing is declared unobservable.
 */
import { fromNodeHandler } from '../../lib/adapters/from-node-handler.js';
import { toNodeHandler } from '../../lib/adapters/to-node-handler.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { makeServer } from '../../lib/server/index.js';
import type { ConformanceRequest, FrontEnd, FrontEndFactory } from './front-end.js';
import { rawExchange } from './raw-http.js';
import { runConformance } from './suite.js';

/** Time for both gateways to finish logging after the client saw the end of a response. */
const SETTLE_MS = 25;

const roundTrip: FrontEndFactory = {
  async start(app) {
    const errors = new MemoryErrorStream();
    const wrapped = fromNodeHandler(toNodeHandler(app, { errors }));
    const server = await makeServer('127.0.0.1', 0, wrapped, { log: false, errors });
    const frontEnd: FrontEnd = {
      async send(request: ConformanceRequest = {}) {
        const before = errors.text.length;
        const response = await rawExchange(server.port, request);
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        // rawExchange reports a chunked body the client cut on purpose as complete
        // (readChunked returns true after `disconnect()`); a disconnect the client chose is an abort.
        const cut = request.disconnectAfter !== undefined && response.bodyLength >= request.disconnectAfter;
        return { ...response, aborted: response.aborted || cut, errorsText: errors.text.slice(before) };
      },
      errorsText: () => errors.text,
      close: () => server.close(),
    };
    return frontEnd;
  },
};

runConformance('fromNodeHandler(toNodeHandler(app))', roundTrip);
