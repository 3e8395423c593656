/**
 * The script node:cluster runs in each worker process (the master's
 * `cluster.setupPrimary({ exec })`). It only reads the configuration the
 * master put in `TSGI_WORKER` and hands over to `runWorker()`.
 */
import { runWorker } from './worker.js';
import type { WorkerConfig } from './worker.js';

const text = process.env.TSGI_WORKER;
if (text === undefined) {
  process.stderr.write('tsgi: worker-main.js is started by `tsgi serve`, which passes TSGI_WORKER; run `tsgi serve` instead.\n');
  process.exit(2);
}
// The application need not see it, nor pass it on to processes it starts.
delete process.env.TSGI_WORKER;
await runWorker(JSON.parse(text) as WorkerConfig);
