// The uwsgi server (nginx's uwsgi_pass talks to it)
export { makeUwsgiServer } from './uwsgi-server.js';
export type { UwsgiAddress, UwsgiServer } from './uwsgi-server.js';
export type { UwsgiServerOptions } from './uwsgi-server-options.js';

// A uwsgi client, for tests and checks without nginx
export { uwsgiRequest } from './uwsgi-client.js';
export type { UwsgiRequestOptions, UwsgiResponse } from './uwsgi-client.js';

// The packet codec (pure)
export {
  decodeHeader,
  decodePacket,
  encodePacket,
  DEFAULT_MAX_BLOCK_SIZE,
  HEADER_SIZE,
  MAX_BLOCK_SIZE,
  MODIFIER_PING,
  MODIFIER_REQUEST,
} from './uwsgi-packet.js';
export type { DecodeOptions, EncodePacketInput, UwsgiHeader, UwsgiPacket, UwsgiVars } from './uwsgi-packet.js';
export { UwsgiPacketDecoder } from './uwsgi-packet-decoder.js';
export { UwsgiProtocolError } from './uwsgi-protocol-error.js';
export type { UwsgiProtocolErrorCode } from './uwsgi-protocol-error.js';

// The pieces of the server, for front-ends built on them (the prefork server's workers)
export { toUwsgiGatewayRequest, withUwsgiVars } from './uwsgi-request.js';
export type { UwsgiPeer, UwsgiRequestParts } from './uwsgi-request.js';
export { UwsgiSink } from './uwsgi-sink.js';
