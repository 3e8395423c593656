/**
 * Hop-by-hop headers describe one connection, not the message, so an
 * application must not set them: the server owns the connection (PEP 3333
 * "Other HTTP Features"; RFC 9110 §7.6.1). The set is wsgiref's.
 */

const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  // `Trailers` (plural) is the RFC 2616 spelling wsgiref lists; `Trailer`
  // (singular) announces trailer fields end to end and is not hop-by-hop.
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** True when `name` (any case) is a hop-by-hop header an application may not send. */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name.toLowerCase());
}
