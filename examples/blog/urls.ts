/**
 * The blog's root URLconf. The articles app is mounted twice:
 *
 * - at `/articles/` with no instance namespace, which defaults to its
 *   application namespace, `articles`: this is the default instance;
 * - at `/archive/` with the instance namespace `archive`.
 *
 * `reverse('articles:index')` gives `/archive/` while a page of the archive is
 * being served (the current instance), `/articles/` anywhere else (the
 * default instance); `reverse('archive:index')` always gives `/archive/`.
 */
import { include, path } from '../../lib/framework/index.js';
import { apiUrls } from './api/urls.js';
import { articlesUrls } from './articles/urls.js';
import { feed, home, oops } from './views.js';

export const urlpatterns = [
  path('', home, { name: 'home' }),
  path('articles/', include(articlesUrls)),
  path('archive/', include(articlesUrls, { namespace: 'archive' })),
  path('api/', include(apiUrls)),
  path('feed/', feed, { name: 'feed' }),
  path('oops/', oops, { name: 'oops' }),
];
