/**
 * One benchmark server behind nginx, run in a child process by
 * bench/nginx.ts: `node dist/bench/nginx-server.js uwsgi|http`. Both serve
 * bench/nginx-hello-app.ts in this one process, through the uwsgi server
 * (`makeUwsgiServer`) or the development server (`makeServer`, the same
 * node:http front-end the prefork workers use), with the access log and the
 * Server header off. The child reports its port over IPC and exits when the
 * parent disconnects.
 */
import helloApp from './nginx-hello-app.js';
import { makeServer } from '../lib/server/index.js';
import { makeUwsgiServer } from '../lib/uwsgi/index.js';

const protocol = process.argv[2];
if (protocol !== 'uwsgi' && protocol !== 'http') {
  console.error(`nginx-server: the argument must be 'uwsgi' or 'http'; got ${String(protocol)}.`);
  process.exit(2);
}
const options = { log: false as const, serverSoftware: '' };
let port: number;
if (protocol === 'uwsgi') {
  const server = await makeUwsgiServer({ host: '127.0.0.1', port: 0 }, helloApp, options);
  port = 'port' in server ? server.port : 0;
} else {
  port = (await makeServer('127.0.0.1', 0, helloApp, options)).port;
}
process.send?.({ port });
process.on('disconnect', () => process.exit(0));
