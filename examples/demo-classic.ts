/**
 * wsgiref's own demo, in tsgi: serve the demo application for exactly one
 * request, then stop.
 *
 *     node dist/examples/demo-classic.js   # then open http://127.0.0.1:8000/
 *
 * `PORT=0` picks a free port (the tests use it).
 */
import { demoApp, makeServer } from '../lib/server/index.js';

const server = await makeServer('127.0.0.1', Number(process.env['PORT'] ?? 8000), demoApp);
console.log(`Serving HTTP on ${server.host} port ${server.port} ...`);

// Respond to one request, then quit.
await server.handleRequest();
await server.close();
