/**
 * Two pipeline middleware, written the way you write your own. A pipeline
 * middleware is a factory, called once when the application is built with
 * the next layer (`getResponse`); it returns the handler called for each
 * request, which may carry hooks (`processView`, `processException`,
 * `processTemplateResponse`).
 */
import {
  HttpResponse,
  MiddlewareNotUsed,
  type HttpRequest,
  type MiddlewareFunction,
  type PipelineMiddleware,
} from '../../lib/framework/index.js';

/**
 * Adds `Server-Timing: total;dur=…, view;dur=…;desc="<view name>"`. The
 * handler times the whole layer below; `processView`, called once the URL
 * resolved and just before the view, marks when the view started.
 */
export const serverTiming: PipelineMiddleware = (getResponse) => {
  const viewStarted = new WeakMap<HttpRequest, number>();
  const handler: MiddlewareFunction = async function serverTiming(request) {
    const started = performance.now();
    const response = await getResponse(request);
    const metrics = [`total;dur=${(performance.now() - started).toFixed(1)}`];
    const viewStart = viewStarted.get(request);
    if (viewStart !== undefined && request.resolverMatch !== null) {
      metrics.push(`view;dur=${(performance.now() - viewStart).toFixed(1)};desc="${request.resolverMatch.viewName}"`);
    }
    response.headers.set('Server-Timing', metrics.join(', '));
    return response;
  };
  handler.processView = (request) => {
    viewStarted.set(request, performance.now());
  };
  return handler;
};

export interface MaintenanceOptions {
  /** Decided once, when the application is built. */
  enabled: boolean;
  /** Seconds, for the Retry-After header. @default 300 */
  retryAfter?: number;
}

/**
 * "Down for maintenance": answers every request 503 without calling the
 * layers below. When not enabled the factory throws MiddlewareNotUsed, so
 * the layer is left out of the chain and costs nothing per request.
 */
export function maintenanceMode(options: MaintenanceOptions): PipelineMiddleware {
  const retryAfter = options.retryAfter ?? 300;
  return function maintenanceModeFactory() {
    if (!options.enabled) throw new MiddlewareNotUsed('maintenance mode is off');
    return function maintenanceMode() {
      return new HttpResponse('<!doctype html>\n<title>Maintenance</title>\n<p>The blog is down for maintenance; back soon.</p>\n', {
        status: 503,
        headers: { 'Retry-After': String(retryAfter) },
      });
    };
  };
}
