/**
 * One uwsgi connection on the server side: read until the packet decodes
 * (within the header timeout), then run the application through the gateway
 * with the body streamed from the socket. One request per connection, as
 * nginx's `uwsgi_pass` uses it.
 *
 * Bad packets are logged to the error stream and the connection is closed —
 * except plain HTTP sent to the socket by mistake, which is answered
 * `400 Bad Request` with the explanation, and vars that are unusable
 * (a malformed CONTENT_LENGTH), answered `400` as well.
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { runGateway } from '../gateway/run-gateway.js';
import type { GatewayOptions, GatewayRequest } from '../gateway/types.js';
import type { Application } from '../protocol/types.js';
import { accessLogLine } from '../server/access-log.js';
import { MODIFIER_PING } from './uwsgi-packet.js';
import type { UwsgiPacket } from './uwsgi-packet.js';
import { UwsgiPacketDecoder } from './uwsgi-packet-decoder.js';
import { UwsgiProtocolError } from './uwsgi-protocol-error.js';
import { toUwsgiGatewayRequest, withUwsgiVars } from './uwsgi-request.js';
import { UwsgiSink } from './uwsgi-sink.js';
import { socketBody } from './socket-body.js';

/** What every connection of one server shares. */
export interface ConnectionContext {
  readonly app: Application;
  readonly gatewayOptions: GatewayOptions;
  readonly maxBlockSize: number;
  /** Milliseconds to receive the whole packet; 0: no limit. */
  readonly headersTimeout: number;
  readonly log: ((line: string) => void) | false;
  /** SERVER_NAME/SERVER_PORT for requests whose vars leave them out. */
  readonly serverName: string;
  readonly serverPort: number;
}

/** modifier1 100 with no vars: "pong" (uWSGI's answer to `uwsgi --ping`). */
const PONG = Buffer.from([MODIFIER_PING, 0, 0, 0]);
/** How long a finished connection waits for the peer to close before it is dropped. */
const LINGER_MS = 2000;

/**
 * Serves the request on `socket`; resolves once the connection is done with
 * (answered, refused or timed out). Never rejects.
 * `dispatched` is told when the packet has arrived and the app is about to run.
 */
export function serveConnection(socket: Socket, context: ConnectionContext, dispatched: () => void): Promise<void> {
  return new Promise((resolve) => {
    const decoder = new UwsgiPacketDecoder({ maxBlockSize: context.maxBlockSize });
    const timer =
      context.headersTimeout > 0
        ? setTimeout(() => {
            refuse(socket, context, `no complete uwsgi packet within ${context.headersTimeout} ms; closing the connection`);
          }, context.headersTimeout)
        : undefined;
    const onData = (chunk: Buffer): void => {
      let packet: UwsgiPacket | null;
      try {
        packet = decoder.push(chunk);
      } catch (error) {
        stop();
        if (error instanceof UwsgiProtocolError && error.code === 'http-request') {
          answer400(socket, context, error);
          linger(socket);
        } else {
          refuse(socket, context, (error as Error).message);
        }
        return;
      }
      if (packet === null) return;
      stop();
      dispatched();
      void run(socket, context, packet, decoder.rest).then((sink) => {
        if (sink?.aborted !== true) linger(socket);
      });
    };
    const stop = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
    };
    socket.on('data', onData);
    socket.on('error', () => {
      // ECONNRESET and the like: 'close' follows and ends the connection; the sink reports the disconnect.
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    // Bytes that came before the end but made no packet: nothing to answer.
    socket.once('end', () => {
      if (decoder.packet === null) socket.destroy();
    });
  });
}

/** Answers the packet; resolves with the sink once the response is done (none for a ping or a refusal). */
async function run(socket: Socket, context: ConnectionContext, packet: UwsgiPacket, rest: Buffer): Promise<UwsgiSink | undefined> {
  if (packet.modifier1 === MODIFIER_PING) {
    socket.end(PONG);
    return undefined;
  }
  let parts;
  try {
    parts = toUwsgiGatewayRequest(packet.vars, {
      ...(socket.remoteAddress !== undefined && { remoteAddress: socket.remoteAddress }),
      ...(socket.remotePort !== undefined && { remotePort: socket.remotePort }),
      serverName: context.serverName,
      serverPort: context.serverPort,
    });
  } catch (error) {
    answer400(socket, context, error as UwsgiProtocolError);
    return undefined;
  }
  const { request, contentLength } = parts;
  if (contentLength !== undefined && contentLength > 0) request.body = socketBody(socket, rest, contentLength);
  else discardInput(socket);
  const sink = new UwsgiSink(socket);
  await runGateway(withUwsgiVars(context.app, parts), request, sink, context.gatewayOptions);
  if (context.log !== false) writeLog(context.log, context, request, sink);
  return sink;
}

function writeLog(log: (line: string) => void, context: ConnectionContext, request: GatewayRequest, sink: UwsgiSink): void {
  const line = accessLogLine({
    remoteAddress: request.remoteAddress,
    method: request.method,
    target: request.target,
    protocol: request.protocol,
    status: sink.status,
    bytesSent: sink.bytesSent,
  });
  try {
    log(line);
  } catch (error) {
    context.gatewayOptions.errors.write(`tsgi uwsgi server: the access log function threw: ${(error as Error)?.stack ?? error}\n`);
  }
}

/**
 * Reads and drops whatever else the peer sends, so its close is seen (the
 * sink treats it as a disconnect) and unread bytes never turn the final close
 * into a reset that could cut the response.
 */
export function discardInput(socket: Socket): void {
  socket.on('data', () => {});
  socket.resume();
}

/**
 * After the response: end our side, drop unread input, and close once the
 * peer closes too (nginx does right after reading the response), or after
 * LINGER_MS. A peer that already left is dropped at once.
 */
function linger(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.readableEnded) {
    socket.destroy();
    return;
  }
  if (!socket.writableEnded) socket.end();
  discardInput(socket);
  socket.once('end', () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(timer));
}

/** Logs why the connection is refused, and closes it. */
function refuse(socket: Socket, context: ConnectionContext, reason: string): void {
  context.gatewayOptions.errors.write(`tsgi uwsgi server: ${peerName(socket)}: ${reason}\n`);
  socket.destroy();
}

/** A readable refusal for a peer that can read HTTP: a 400 with the explanation, then close. */
function answer400(socket: Socket, context: ConnectionContext, error: UwsgiProtocolError): void {
  context.gatewayOptions.errors.write(`tsgi uwsgi server: ${peerName(socket)}: ${error.message}\n`);
  const body = Buffer.from(`${error.message}\n`, 'utf8');
  const head =
    'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

function peerName(socket: Socket): string {
  return socket.remoteAddress === undefined ? 'unix socket peer' : `${socket.remoteAddress}:${socket.remotePort}`;
}
