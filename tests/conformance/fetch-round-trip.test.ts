/**
 * The server-conformance suite run through both Fetch adapters:
 * `fromFetchHandler(toFetchHandler(app))` served by the dev server over real
 * sockets. Every request crosses two gateways and a Fetch Request/Response
 * pair: the outer gateway frames what the client sees, the inner one runs
 * the application, and both log to the same error stream.
 *
 * Requests go through the raw `net` client (raw-http.ts), which reads every
 * response byte by byte.
 */
import { toFetchHandler } from '../../lib/adapters/to-fetch-handler.js';
import { fromFetchHandler } from '../../lib/adapters/from-fetch-handler.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { makeServer } from '../../lib/server/index.js';
import type { ConformanceRequest, FrontEnd, FrontEndFactory } from './front-end.js';
import { rawExchange } from './raw-http.js';
import { runConformance } from './suite.js';

/** Time for the servers to finish logging after the client saw the end of a response. */
const SETTLE_MS = 25;

const fetchRoundTrip: FrontEndFactory = {
  async start(app) {
    const errors = new MemoryErrorStream();
    const adapted = fromFetchHandler(toFetchHandler(app, { errors }));
    const server = await makeServer('127.0.0.1', 0, adapted, { log: false, errors });
    const frontEnd: FrontEnd = {
      async send(request: ConformanceRequest = {}) {
        const before = errors.text.length;
        const response = await rawExchange(server.port, request);
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        // rawExchange reports a chunked response it disconnected from on purpose as complete;
        // a client that disconnects on purpose saw an incomplete response by definition.
        const leftEarly = request.disconnectAfter !== undefined && response.bodyLength >= request.disconnectAfter;
        return { ...response, aborted: response.aborted || leftEarly, errorsText: errors.text.slice(before) };
      },
      errorsText: () => errors.text,
      close: () => server.close(),
    };
    return frontEnd;
  },
  unobservable: {
    'http-1.0': 'a Fetch Request carries no HTTP version, so the application behind toFetchHandler() always sees HTTP/1.1',
  },
};

runConformance('fetch round trip', fetchRoundTrip);
