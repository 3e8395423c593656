/**
 * The server-conformance suite against the prefork server's worker
 * front-end: `WorkerHttpServer` with the stack every worker wraps around the
 * application (statsMiddleware, requestWatch), through the gateway, over
 * real sockets, requests sent raw by `rawExchange`.
 *
 * Why in-process rather than against `tsgi serve --workers 2`: the suite
 * hands each case an in-memory application, usually a closure recording
 * what it saw (`capturing()` keeps environs in an array the case then
 * inspects) — state a separate worker process cannot share. A fixture
 * module keyed by a header could reproduce the apps but not those in-process
 * assertions, so the multi-process path (master, IPC, signals, recycling) is
 * tested by tests/prefork/*.test.ts with real processes instead, and this
 * file checks that what a worker runs per request conforms.
 */
import { defaultGatewayOptions } from '../../lib/gateway/index.js';
import { parseBind } from '../../lib/prefork/parse-bind.js';
import { requestWatch } from '../../lib/prefork/request-watch.js';
import { WorkerHttpServer } from '../../lib/prefork/worker-http-server.js';
import { statsMiddleware, WorkerStats } from '../../lib/prefork/worker-stats.js';
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import type { FrontEnd, FrontEndFactory } from './front-end.js';
import { rawExchange } from './raw-http.js';
import { runConformance } from './suite.js';

/** Time for the server to finish after the client saw the end of a response. */
const SETTLE_MS = 25;

const preforkWorker: FrontEndFactory = {
  async start(app) {
    const errors = new MemoryErrorStream();
    const stack = statsMiddleware(new WorkerStats())(requestWatch({})(app));
    const server = new WorkerHttpServer(stack, {
      gateway: defaultGatewayOptions({ errors, multiprocess: true }),
      limits: { limitRequestLine: 8190, limitRequestFields: 100, limitRequestFieldSize: 8190 },
      requestTimeout: 60_000,
      headersTimeout: 10_000,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16_384,
    });
    const url = await server.listen(parseBind('127.0.0.1:0'), 511);
    const port = Number(/:(\d+)$/.exec(url)?.[1]);
    const frontEnd: FrontEnd = {
      async send(request = {}) {
        const before = errors.text.length;
        const response = await rawExchange(port, request);
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        return { ...response, errorsText: errors.text.slice(before) };
      },
      errorsText: () => errors.text,
      close: () => server.close(),
    };
    return frontEnd;
  },
};

runConformance('prefork worker', preforkWorker);
