/**
 * Turns a Fetch `Request` into the gateway's `GatewayRequest` for
 * `toFetchHandler()`. The runtime has already parsed the HTTP; nothing here
 * parses it again.
 *
 * The request URL is authoritative (a runtime builds it from the Host header
 * or its own configuration): the target is its path and query exactly as the
 * URL holds them (no re-encoding), and its `host` becomes the `Host` header.
 */
import type { GatewayRequest } from '../gateway/types.js';

/** The client's address, as a runtime reports it. */
export interface ClientAddress {
  address: string;
  port?: number;
}

/** Finds the client's address for a request; `undefined` when unknown. */
export type ClientAddressLookup = (request: Request, info: unknown) => ClientAddress | null | undefined;

/**
 * The default lookup: Deno's `ServeHandlerInfo` (`info.remoteAddr.hostname`
 * and `.port`, also what `fromFetchHandler()` passes), or Bun's server
 * (`info.requestIP(request)`). Other runtimes report the client in a header
 * (Cloudflare's `CF-Connecting-IP`): use `proxyFix()` or pass `clientAddress`.
 */
export const runtimeClientAddress: ClientAddressLookup = (request, info) => {
  if (typeof info !== 'object' || info === null) return undefined;
  const { remoteAddr, requestIP } = info as { remoteAddr?: unknown; requestIP?: unknown };
  if (typeof remoteAddr === 'object' && remoteAddr !== null) {
    const { hostname, port } = remoteAddr as { hostname?: unknown; port?: unknown };
    if (typeof hostname === 'string') return typeof port === 'number' ? { address: hostname, port } : { address: hostname };
  }
  if (typeof requestIP === 'function') {
    const found = (requestIP as (request: Request) => unknown).call(info, request) as { address?: unknown; port?: unknown } | null;
    if (found !== null && typeof found === 'object' && typeof found.address === 'string') {
      return typeof found.port === 'number' ? { address: found.address, port: found.port } : { address: found.address };
    }
  }
  return undefined;
};

/** The request as the gateway wants it. */
export function fetchToGatewayRequest(request: Request, client: ClientAddress | null | undefined): GatewayRequest {
  const url = new URL(request.url);
  const https = url.protocol === 'https:';
  // The URL's authority names the host; a Host header, when the runtime keeps one, says the same.
  const rawHeaders: string[] = ['Host', url.host];
  request.headers.forEach((value, name) => {
    if (name !== 'host') rawHeaders.push(name, value);
  });
  const gatewayRequest: GatewayRequest = {
    method: request.method,
    target: (url.pathname || '/') + url.search,
    // A Fetch Request does not say which HTTP version carried it.
    protocol: 'HTTP/1.1',
    rawHeaders,
    body: request.body === null ? null : streamChunks(request.body),
    serverName: url.hostname,
    serverPort: url.port === '' ? (https ? 443 : 80) : Number(url.port),
    urlScheme: https ? 'https' : 'http',
  };
  if (client !== null && client !== undefined) {
    gatewayRequest.remoteAddress = client.address;
    if (client.port !== undefined) gatewayRequest.remotePort = client.port;
  }
  return gatewayRequest;
}

/**
 * A ReadableStream as the async iterable `tsgi.input` pulls from. `return()`
 * (the input reached CONTENT_LENGTH, or the application stopped) cancels it.
 */
function streamChunks(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      const reader = stream.getReader();
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          const step = await reader.read();
          if (step.done) return { done: true, value: undefined };
          if (!(step.value instanceof Uint8Array)) {
            throw new TypeError(
              `toFetchHandler(): the Request body stream gave a chunk that is not a Uint8Array: ${typeof step.value}. ` +
                'A Request body must be a stream of bytes.',
            );
          }
          return { done: false, value: step.value };
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          await reader.cancel().catch(() => undefined);
          return { done: true, value: undefined };
        },
      };
    },
  };
}
