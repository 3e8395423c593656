/**
 * The framework benchmark's application: a 100-route URLconf whose last
 * route (`items/<int:id>/`) is the one requested, behind five pipeline
 * middleware (three bundled, two written the way users write them),
 * answering with a small JSON document. Served by the development server
 * from hello-server.ts (the `framework` kind).
 */
import {
  commonMiddleware,
  createApplication,
  JsonResponse,
  path,
  securityMiddleware,
  xFrameOptionsMiddleware,
} from '../lib/framework/index.js';
import type { HttpRequest, MiddlewareFunction, PipelineMiddleware } from '../lib/framework/index.js';

/** Adds a response header once the view has answered: the commonest middleware there is. */
const poweredBy: PipelineMiddleware = (getResponse) =>
  async function poweredBy(request) {
    const response = await getResponse(request);
    response.headers.set('X-Powered-By', 'tsgi');
    return response;
  };

/** Passes the request on, and reads a request header in a processView hook. */
const clientHint: PipelineMiddleware = (getResponse) => {
  const handler: MiddlewareFunction = (request) => getResponse(request);
  handler.processView = (request) => {
    request.headers.get('User-Agent');
  };
  return handler;
};

function filler(_request: HttpRequest, kwargs: { id: number }): JsonResponse {
  return new JsonResponse({ filler: kwargs.id });
}

const urlpatterns = [
  ...Array.from({ length: 99 }, (_, i) => path(`r${i}/<int:id>/`, filler, { name: `r${i}` })),
  path('items/<int:id>/', (_request, { id }) => new JsonResponse({ id, name: `item ${id}` }), { name: 'item' }),
];

export const frameworkApp = createApplication({
  urlpatterns,
  allowedHosts: ['127.0.0.1', 'localhost'],
  middleware: [securityMiddleware(), commonMiddleware(), clientHint, xFrameOptionsMiddleware(), poweredBy],
});

/** The path the benchmark requests: the last of the 100 routes, with an int captured. */
export const FRAMEWORK_PATH = '/items/42/';
