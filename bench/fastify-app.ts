/**
 * The reference point issue 3 names for the framework benchmark: the same
 * stack written in fastify, as its users would write it. 100 routes with an
 * integer parameter (the last one requested), five hooks doing what the
 * framework benchmark's five middleware do, and the same JSON document:
 *
 * - three security headers (X-Content-Type-Options, Referrer-Policy,
 *   Cross-Origin-Opener-Policy) unless the reply has them (securityMiddleware);
 * - the Host header read as the request comes in (commonMiddleware's host check);
 * - the User-Agent read before the handler (the benchmark's processView hook);
 * - X-Frame-Options unless present (xFrameOptionsMiddleware);
 * - X-Powered-By from an async hook (the benchmark's async middleware).
 *
 * Both answers carry the same headers, so neither server writes more bytes.
 */
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';

/** Starts the fastify server on 127.0.0.1 and resolves with its port. */
export async function startFastify(): Promise<number> {
  const app = Fastify({ logger: false });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('x-content-type-options')) reply.header('X-Content-Type-Options', 'nosniff');
    if (!reply.hasHeader('referrer-policy')) reply.header('Referrer-Policy', 'same-origin');
    if (!reply.hasHeader('cross-origin-opener-policy')) reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    done(null, payload);
  });
  app.addHook('onRequest', (request, _reply, done) => {
    void request.headers.host;
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    void request.headers['user-agent'];
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('x-frame-options')) reply.header('X-Frame-Options', 'DENY');
    done(null, payload);
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Powered-By', 'fastify');
    return payload;
  });
  for (let i = 0; i < 99; i += 1) {
    app.get<{ Params: { id: string } }>(`/r${i}/:id(^\\d+)/`, async (request) => ({ filler: Number(request.params.id) }));
  }
  app.get<{ Params: { id: string } }>('/items/:id(^\\d+)/', async (request) => {
    const id = Number(request.params.id);
    return { id, name: `item ${id}` };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}
