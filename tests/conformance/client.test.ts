/**
 * The server-conformance suite run through the test client: the gateway
 * in-process, no socket. Validation is off because the suite's apps break
 * the protocol on purpose to check what the gateway does about it.
 */
import { MemoryErrorStream } from '../../lib/protocol/error-stream.js';
import { Client } from '../../lib/testing/client.js';
import { runConformance } from './suite.js';
import type { ConformanceRequest, FrontEnd, FrontEndFactory } from './front-end.js';

const testClient: FrontEndFactory = {
  async start(app) {
    const errors = new MemoryErrorStream();
    const client = new Client(app, { validate: false, useCookies: false, errors });
    const frontEnd: FrontEnd = {
      async send(request: ConformanceRequest = {}) {
        const headers = [...(request.headers ?? [])];
        if (request.expectContinue === true) headers.push(['Expect', '100-continue']);
        const response = await client.request(request.method ?? 'GET', request.target ?? '/', {
          headers,
          ...(request.protocol !== undefined && { protocol: request.protocol }),
          ...(request.body !== undefined && { body: request.body }),
          ...(request.bodyChunks !== undefined && { bodyChunks: request.bodyChunks }),
          ...(request.disconnectAfter !== undefined && { disconnectAfter: request.disconnectAfter }),
          ...(request.onBodyChunk !== undefined && { onBodyChunk: request.onBodyChunk }),
        });
        return {
          status: response.status,
          statusLine: response.statusLine,
          headers: response.headers,
          body: response.body,
          bodyLength: response.bodyLength,
          framing: response.framing.kind,
          aborted: response.aborted,
          continued: response.continueSent,
          errorsText: response.errors,
        };
      },
      errorsText: () => errors.text,
      close: async () => undefined,
    };
    return frontEnd;
  },
};

runConformance('test client', testClient);
