/**
 * The 30-second example from README.md, kept here so it is compiled and
 * tested with everything else: an application, a middleware, and compose().
 */
import { compose, type Application, type Middleware } from '../lib/index.js';

export const hello: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from(`Hello from ${environ.PATH_INFO}\n`)];
};

const poweredBy: Middleware = (app) => (environ, startResponse) =>
  app(environ, (status, headers, excInfo) =>
    startResponse(status, [...headers, ['X-Powered-By', 'tsgi']], excInfo));

export const site = compose(poweredBy)(hello);
