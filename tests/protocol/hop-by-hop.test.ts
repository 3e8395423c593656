import test from 'ava';
import { isHopByHop } from '../../lib/protocol/hop-by-hop.js';

const variants = (name: string): string[] => [
  name,
  name.toLowerCase(),
  name.toUpperCase(),
  name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()),
];

test('isHopByHop() is true for wsgiref\'s set, in any case', (t) => {
  for (const name of [
    'Connection',
    'Keep-Alive',
    'Proxy-Authenticate',
    'Proxy-Authorization',
    'TE',
    'Trailers',
    'Transfer-Encoding',
    'Upgrade',
  ]) {
    for (const variant of variants(name)) t.true(isHopByHop(variant), variant);
  }
});

test('isHopByHop() is false for end-to-end headers, including Trailer', (t) => {
  for (const name of ['Accept', 'Cache-Control', 'Date', 'Pragma', 'Trailer', 'Via', 'Warning', 'Content-Length']) {
    for (const variant of variants(name)) t.false(isHopByHop(variant), variant);
  }
});
