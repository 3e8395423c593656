/**
 * The application `bench/nginx.ts` serves with `tsgi serve`: the same
 * 11-byte `hello world` as bench/hello-server.ts, text/plain with a
 * Content-Length. `tsgi serve dist/bench/nginx-hello-app.js` loads the
 * default export.
 */
import type { Application } from '../lib/protocol/types.js';

const BODY = Buffer.from('hello world');

/** Status, one header, a one-chunk array body: the cheapest tsgi response. */
const helloApp: Application = (_environ, startResponse) => {
  startResponse('200 OK', [
    ['Content-Type', 'text/plain'],
    ['Content-Length', String(BODY.length)],
  ]);
  return [BODY];
};

export default helloApp;
