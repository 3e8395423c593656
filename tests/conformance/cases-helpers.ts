/**
 * What the conformance cases share: how a case is registered, and small
 * apps and checks used across groups.
 */
import type { ExecutionContext } from 'ava';
import type { Application, Environ } from '../../lib/protocol/types.js';
import { helloApp } from '../helpers/fixtures.js';
import type { ConformanceFeature, FrontEnd } from './front-end.js';

/** The fixed body of the gateway's 500 (no internals: the traceback goes to the error stream). */
export const ERROR_BODY = 'A server error occurred. Please contact the administrator.';
export const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

export type Start = (app: Application) => Promise<FrontEnd>;
export type CaseBody = (t: ExecutionContext, start: Start) => Promise<void>;
/** Registers one case; `needs` names a behaviour a front-end may declare unobservable. */
export type Register = (title: string, body: CaseBody, options?: { needs?: ConformanceFeature; serial?: boolean }) => void;

/** An app that keeps each environ it receives (reading the body first when `read` is given). */
export function capturing(read?: (environ: Environ) => Promise<unknown>): { app: Application; environs: Environ[]; results: unknown[] } {
  const environs: Environ[] = [];
  const results: unknown[] = [];
  const app: Application = async (environ, startResponse) => {
    environs.push(environ);
    if (read !== undefined) results.push(await read(environ));
    startResponse('200 OK', [TEXT]);
    return [Buffer.from('captured')];
  };
  return { app, environs, results };
}

/** `app`, except that `/ok` answers with helloApp: to show the front-end still serves after a failure. */
export function withOk(app: Application): Application {
  return (environ, startResponse) => (environ.PATH_INFO === '/ok' ? helloApp(environ, startResponse) : app(environ, startResponse));
}

/** Asserts the front-end still answers `/ok` (for apps wrapped with `withOk`). */
export async function stillServes(t: ExecutionContext, frontEnd: FrontEnd): Promise<void> {
  const response = await frontEnd.send({ target: '/ok' });
  t.is(response.status, 200, 'the front-end answers the next request');
  t.is(response.body.toString(), 'Hello world!');
}

/** The captured environ, failing clearly when the app was never called. */
export function only(environ: Environ | undefined): Environ {
  if (environ === undefined) throw new Error('the app was not called');
  return environ;
}
