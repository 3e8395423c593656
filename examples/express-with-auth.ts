/**
 * Adding authentication and logging to an Express app you already have, in
 * five lines: the Express app stays as it is; `fromNodeHandler` makes it a
 * tsgi application, tsgi middleware wrap it, and tsgi's server serves it.
 * Routes read the signed-in user from the environ with `environOf(req)`.
 *
 * Run it with `node dist/examples/express-with-auth.js` and try
 * `curl -u ada:lovelace http://127.0.0.1:8000/orders`.
 */
import { pathToFileURL } from 'node:url';
import express from 'express';
import { environOf, fromNodeHandler } from '../lib/adapters/index.js';
import { compose } from '../lib/index.js';
import { makeServer } from '../lib/server/index.js';
import { accessLog, basicAuth } from '../middleware/index.js';

/** Stands for the Express app a project already has; nothing in it knows about tsgi. */
export const shop = express();
shop.get('/orders', (req, res) => {
  res.json({ user: environOf(req)?.REMOTE_USER ?? null, orders: [{ id: 1, item: 'tea' }] });
});
shop.post('/orders', express.json(), (req, res) => {
  res.status(201).json({ created: req.body as unknown });
});

// The five lines: log every request, require a password, serve.
export const app = compose(
  accessLog(),
  basicAuth({ realm: 'shop', users: { ada: 'lovelace' } }),
)(fromNodeHandler(shop));
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await makeServer('127.0.0.1', Number(process.env['PORT'] ?? 8000), app);
}
