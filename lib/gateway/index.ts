// Running an application for one request
export { runGateway } from './run-gateway.js';
export { defaultGatewayOptions } from './default-options.js';
export { buildEnviron } from './environ.js';
export type { EnvironHooks } from './environ.js';

// A recording sink for tests and the in-process test client
export { MemorySink } from './memory-sink.js';
export type { MemorySinkOptions } from './memory-sink.js';

// The contract between the gateway and front-ends
export type { Framing, GatewayOptions, GatewayRequest, ResponseHead, ResponseSink } from './types.js';
