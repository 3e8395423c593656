/**
 * The server-conformance suite run against the uwsgi server over real
 * sockets, through tsgi's uwsgi client (which builds the vars as nginx's
 * `uwsgi_params` do and reads the raw HTTP response byte by byte).
 *
 * What uwsgi cannot show is declared unobservable, each with its reason.
 */
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { makeUwsgiServer, uwsgiRequest } from '../../lib/uwsgi/index.js';
import { framingOf, type ConformanceRequest, type FrontEnd, type FrontEndFactory } from './front-end.js';
import { runConformance } from './suite.js';

/** Time for the server to finish logging after the client saw the end of a response. */
const SETTLE_MS = 25;

const unobservable: FrontEndFactory['unobservable'] = {
  'expect-continue':
    'a uwsgi server never sees Expect: 100-continue to answer: nginx answers it itself and sends the body along before the request reaches the backend',
  'chunked-request':
    'uwsgi has no chunked request bodies: nginx buffers a chunked upload and sends its length as CONTENT_LENGTH (tests/uwsgi checks that body)',
  'chunked-response':
    'nginx cannot de-chunk a uwsgi response, so the uwsgi server sends a streamed body close-delimited instead (tests/uwsgi checks that framing)',
};

const uwsgiServer: FrontEndFactory = {
  async start(app) {
    const errors = new MemoryErrorStream();
    const server = await makeUwsgiServer({ host: '127.0.0.1', port: 0 }, app, { log: false, errors });
    const frontEnd: FrontEnd = {
      async send(request: ConformanceRequest = {}) {
        const before = errors.text.length;
        const method = request.method ?? 'GET';
        const body =
          request.bodyChunks !== undefined ? Buffer.concat(request.bodyChunks) : request.body === undefined ? undefined : Buffer.from(request.body);
        const response = await uwsgiRequest(server, {
          method,
          target: request.target ?? '/',
          protocol: request.protocol ?? 'HTTP/1.1',
          headers: request.headers ?? [],
          ...(body !== undefined && { body }),
          ...(request.onBodyChunk !== undefined && { onBodyChunk: request.onBodyChunk }),
          ...(request.disconnectAfter !== undefined && { disconnectAfter: request.disconnectAfter }),
        });
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        return {
          ...response,
          framing: framingOf(method, response.status, response.headers),
          continued: false,
          errorsText: errors.text.slice(before),
        };
      },
      errorsText: () => errors.text,
      close: () => server.close(),
    };
    return frontEnd;
  },
  unobservable,
};

runConformance('uwsgi server', uwsgiServer);
