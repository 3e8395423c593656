/**
 * Wrapping an application you already have with logging, authentication and
 * compression, from docs/middleware.md: the application itself is unchanged.
 */
import { compose, type Application } from '../lib/index.js';
import { accessLog, basicAuth, compress } from '../middleware/index.js';

/** Stands for any existing tsgi application (or an adapted Express/Hono one). */
export const reports: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/csv; charset=utf-8']]);
  const rows = Array.from({ length: 200 }, (_, i) => `${i},${environ.REMOTE_USER ?? ''},${i * i}`);
  return [Buffer.from(`n,user,square\n${rows.join('\n')}\n`)];
};

/** Where the access log goes; a file stream or process.stdout in real use. */
export const logLines: string[] = [];

export const protectedReports = compose(
  accessLog({ format: 'common', stream: { write: (line: string) => void logLines.push(line) } }),
  basicAuth({ realm: 'reports', users: { ada: 'correct horse battery staple' } }),
  compress(),
)(reports);
