// Node (req, res) handlers: Express, connect, koa.callback()
export { environOf, fromNodeHandler, type FromNodeHandlerOptions, type NodeHandler } from './from-node-handler.js';
export { toNodeHandler, type ToNodeHandlerOptions, type TsgiNodeHandler } from './to-node-handler.js';

// The Fetch API: Hono, Deno, Bun, Workers
export {
  fromFetchHandler,
  type FetchApplication,
  type FetchHandlerInfo,
  type FromFetchHandlerOptions,
} from './from-fetch-handler.js';
export {
  toFetchHandler,
  type ClientAddress,
  type ClientAddressLookup,
  type FetchHandler,
  type ToFetchHandlerOptions,
} from './to-fetch-handler.js';

// CGI (RFC 3875), as wsgiref's CGIHandler
export { runCgi, type RunCgiOptions } from './run-cgi.js';
