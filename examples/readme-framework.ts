/**
 * The framework example from README.md, kept here so it is compiled and
 * tested with everything else: a URLconf with a converter and a name, a
 * pipeline middleware, and reverse().
 */
import { createApplication, JsonResponse, path, type PipelineMiddleware } from '../lib/framework/index.js';

const poweredBy: PipelineMiddleware = (getResponse) => async (request) => {
  const response = await getResponse(request);
  response.headers.set('X-Powered-By', 'tsgi');
  return response;
};

export const shop = createApplication({
  urlpatterns: [
    path('items/<int:id>/', (request, { id }) =>
      new JsonResponse({ id, self: request.reverse('item', { kwargs: { id } }) }), { name: 'item' }),
  ],
  middleware: [poweredBy],
  allowedHosts: ['localhost', 'testserver'],
});
