/**
 * Mounting an application under the test client's script root (the path of
 * its base URL), the way a server mounted at `/app` would: the prefix moves
 * from PATH_INFO to SCRIPT_NAME (PEP 3333 "URL Reconstruction").
 */
import { Buffer } from 'node:buffer';
import type { Application } from '../protocol/types.js';

/**
 * `app` as seen under `scriptRoot` (a decoded byte string like `/app`). A
 * request outside the root gets a plain 404, as from a server with nothing
 * mounted there.
 */
export function mountAt(scriptRoot: string, app: Application): Application {
  if (scriptRoot === '') return app;
  return function mounted(environ, startResponse) {
    const path = environ.PATH_INFO;
    if (path === scriptRoot || path.startsWith(`${scriptRoot}/`)) {
      environ.SCRIPT_NAME = environ.SCRIPT_NAME + scriptRoot;
      environ.PATH_INFO = path.slice(scriptRoot.length);
      return app(environ, startResponse);
    }
    startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [Buffer.from(`Not Found: '${path}' is outside the test client's script root '${scriptRoot}'.`, 'latin1')];
  };
}
