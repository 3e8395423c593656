/**
 * The server-conformance suite: every rule of the gateway (the environ, the
 * response, framing, errors, close(), tsgi.input, streaming) checked through
 * a front-end as a client sees it. Each front-end (test client, dev server,
 * and later the production, uwsgi and adapter servers) runs all of it with
 * `runConformance(name, factory)`; what a front-end cannot show is registered
 * as a skip whose title says why.
 */
import test from 'ava';
import { registerEnvironTests } from './environ-cases.js';
import { registerCloseTests, registerErrorTests } from './error-cases.js';
import type { FrontEnd, FrontEndFactory } from './front-end.js';
import { registerInputTests, registerStreamingTests } from './input-cases.js';
import { registerResponseTests } from './response-cases.js';
import type { Register } from './cases-helpers.js';

export type { ConformanceRequest, ConformanceResponse, FrontEnd, FrontEndFactory } from './front-end.js';

/** Registers the suite's tests, titled `[name] ...`. */
export function runConformance(name: string, factory: FrontEndFactory): void {
  const register: Register = (title, body, options = {}) => {
    const reason = options.needs === undefined ? undefined : factory.unobservable?.[options.needs];
    if (reason !== undefined) {
      test.skip(`[${name}] ${title} (skipped: ${reason})`, () => undefined);
      return;
    }
    (options.serial === true ? test.serial : test)(`[${name}] ${title}`, async (t) => {
      const started: FrontEnd[] = [];
      try {
        await body(t, async (app) => {
          const frontEnd = await factory.start(app);
          started.push(frontEnd);
          return frontEnd;
        });
      } finally {
        await Promise.all(started.map((frontEnd) => frontEnd.close()));
      }
    });
  };
  registerEnvironTests(register);
  registerResponseTests(register);
  registerErrorTests(register);
  registerCloseTests(register);
  registerInputTests(register);
  registerStreamingTests(register);
}
