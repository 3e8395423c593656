/**
 * Micro-benchmark of compose(): an application behind 10 synchronous
 * pass-through middleware layers against the same application called
 * directly. It measures the per-call cost of the nesting compose() builds
 * (compose itself runs once, at composition).
 */
import { compose } from '../lib/protocol/compose.js';
import type { Application, Environ, Middleware, StartResponse } from '../lib/protocol/types.js';

const BODY = [Buffer.from('hello world')];
const HEADERS: Array<[string, string]> = [['Content-Type', 'text/plain']];

const app: Application = (_environ, startResponse) => {
  startResponse('200 OK', HEADERS);
  return BODY;
};

/** A layer that only forwards: the cheapest middleware there is. */
const passThrough: Middleware = (inner) => (environ, startResponse) => inner(environ, startResponse);

const LAYERS = 10;
const composed: Application = compose(...Array.from({ length: LAYERS }, () => passThrough))(app);

// One environ and startResponse reused for every call: only the call chain is measured.
const environ = { REQUEST_METHOD: 'GET', PATH_INFO: '/' } as unknown as Environ;
const startResponse: StartResponse = () => () => Promise.resolve();

/** Calls `target` in batches for about `durationMs`; returns calls per second. */
function callsPerSecond(target: Application, durationMs: number): number {
  let calls = 0;
  let sink = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 10_000; i += 1) {
      const body = target(environ, startResponse) as Buffer[];
      sink += body.length;
    }
    calls += 10_000;
    elapsed = performance.now() - started;
  } while (elapsed < durationMs);
  // Reading `sink` keeps the calls from being optimised away.
  if (sink !== calls) throw new Error(`compose micro-benchmark: expected ${calls} bodies, counted ${sink}.`);
  return (calls / elapsed) * 1000;
}

export interface ComposeMicroResult {
  layers: number;
  direct: number[];
  composed: number[];
}

/** Interleaved rounds (direct, composed, direct, …) after a short warm-up. */
export function runComposeMicro(rounds: number, durationMs: number): ComposeMicroResult {
  callsPerSecond(app, 200);
  callsPerSecond(composed, 200);
  const result: ComposeMicroResult = { layers: LAYERS, direct: [], composed: [] };
  for (let round = 0; round < rounds; round += 1) {
    result.direct.push(callsPerSecond(app, durationMs));
    result.composed.push(callsPerSecond(composed, durationMs));
  }
  return result;
}
