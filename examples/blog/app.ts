/**
 * The blog as one tsgi application: the URLconf, the pipeline middleware
 * (outermost first) and the error handlers.
 *
 * Run it: `node dist/examples/blog/app.js` (port 8000, or $PORT; set
 * BLOG_MAINTENANCE=1 to see maintenance mode), or
 * `tsgi serve dist/examples/blog/app.js`.
 */
import { pathToFileURL } from 'node:url';
import {
  commonMiddleware,
  conditionalGetMiddleware,
  createApplication,
  securityMiddleware,
  xFrameOptionsMiddleware,
  type FrameworkApplication,
} from '../../lib/framework/index.js';
import { makeServer } from '../../lib/server/index.js';
import { notFound, serverError } from './handlers.js';
import { maintenanceMode, serverTiming } from './middleware.js';
import { urlpatterns } from './urls.js';

export interface BlogOptions {
  /** Answer every request 503. @default false */
  maintenance?: boolean;
}

export function createBlogApp(options: BlogOptions = {}): FrameworkApplication {
  return createApplication({
    urlpatterns,
    middleware: [
      securityMiddleware(), // nosniff, Referrer-Policy, Cross-Origin-Opener-Policy
      maintenanceMode({ enabled: options.maintenance ?? false }),
      commonMiddleware(), // /articles -> 301 /articles/ (appendSlash), Content-Length
      conditionalGetMiddleware(), // ETag, 304 Not Modified
      xFrameOptionsMiddleware(), // X-Frame-Options: DENY
      serverTiming, // innermost: its processView runs right before the view
    ],
    handlers: { 404: notFound, 500: serverError },
    allowedHosts: ['localhost', '127.0.0.1', 'testserver'],
  });
}

export const blogApp = createBlogApp({ maintenance: process.env['BLOG_MAINTENANCE'] === '1' });
export default blogApp;

// Runnable: `node dist/examples/blog/app.js`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await makeServer('127.0.0.1', Number(process.env['PORT'] ?? 8000), blogApp);
  console.log(`Serving the blog on http://${server.host}:${server.port}/ ...`);
  await server.serveForever();
}
