/**
 * The requests `npm run bench:instructions` counts, run in-process through
 * `runGateway` with a sink that discards the response, so no socket or
 * HTTP parser adds to the count:
 *
 * - `hello`: tsgi's hello world (no framework);
 * - `framework-minimal`: the framework with one route, no middleware, a JSON view;
 * - `framework`: the framework benchmark's stack (bench/framework-app.ts).
 *
 * `node dist/bench/instruction-cases.js CASE N` runs WARM_UP requests, then
 * N more; bench/instructions.ts runs it under callgrind for N = 0 and for a
 * larger N, and the difference divided by N is what one request costs.
 */
import { defaultGatewayOptions, runGateway } from '../lib/gateway/index.js';
import type { ResponseSink } from '../lib/gateway/types.js';
import { createApplication, JsonResponse, path } from '../lib/framework/index.js';
import type { Application } from '../lib/protocol/types.js';
import { FRAMEWORK_PATH, frameworkApp } from './framework-app.js';
import { discardingSink, isMainModule, makeRequest } from './in-process.js';

/** Requests run before the counted ones, so V8 has optimized what they run. */
export const WARM_UP = 20_000;

const HELLO = Buffer.from('hello world');

const CASES: Record<string, { app: Application; target: string }> = {
  hello: {
    app: (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [HELLO];
    },
    target: '/',
  },
  'framework-minimal': {
    app: createApplication({
      urlpatterns: [path('items/<int:id>/', (_request, { id }) => new JsonResponse({ id, name: `item ${id}` }))],
      allowedHosts: ['localhost'],
    }),
    target: FRAMEWORK_PATH,
  },
  framework: { app: frameworkApp, target: FRAMEWORK_PATH },
};

/** The names `runCase()` takes, in the order the report lists them. */
export const CASE_NAMES: readonly string[] = Object.keys(CASES);

const OPTIONS = defaultGatewayOptions({ serverSoftware: '' });

/** Runs `count` requests of case `name`; resolves with the status of the last one. */
export async function runCase(name: string, count: number): Promise<number> {
  const chosen = CASES[name];
  if (chosen === undefined) {
    throw new TypeError(`bench: unknown instruction case '${name}'; use one of ${CASE_NAMES.join(', ')}.`);
  }
  let status = 0;
  const sink: ResponseSink = { ...discardingSink, start: (head) => { status = head.status; } };
  const request = makeRequest({ target: chosen.target });
  for (let i = 0; i < count; i += 1) await runGateway(chosen.app, request(), sink, OPTIONS);
  return status;
}

if (isMainModule(import.meta.url)) {
  const [name = '', count = '0'] = process.argv.slice(2);
  const counted = Number(count);
  if (!Number.isSafeInteger(counted) || counted < 0) throw new TypeError(`bench: the count of requests must be an integer >= 0; got '${count}'.`);
  await runCase(name, WARM_UP);
  await runCase(name, counted);
}
