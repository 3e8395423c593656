// The development server
export { makeServer } from './make-server.js';
export type { TsgiServer } from './make-server.js';
export type { ServerOptions } from './server-options.js';

// The demo application
export { demoApp } from './demo-app.js';

// The node:http front-end, for servers built on it
export { toGatewayRequest } from './node-request.js';
export type { LocalAddress } from './node-request.js';
export { NodeSink } from './node-sink.js';
export type { SinkServerState } from './node-sink.js';
