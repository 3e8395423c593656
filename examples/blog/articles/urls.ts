/**
 * The articles app's URLconf, with its application namespace `articles`.
 * The root URLconf mounts it twice; every name here is reversed as
 * `articles:<name>`, and the instance is chosen by the current request
 * (application-namespace defaulting).
 */
import { path, type UrlModule } from '../../../lib/framework/index.js';
import '../converters.js'; // registers <year:…> before the routes below use it
import { CommentsView, byId, detail, index, latest, yearArchive } from './views.js';

export const articlesUrls: UrlModule = {
  appName: 'articles',
  patterns: [
    path('', index, { name: 'index' }),
    path('latest/', latest, { name: 'latest' }),
    path('id/<int:id>/', byId, { name: 'by-id' }),
    path('<year:year>/', yearArchive, { name: 'year' }),
    path('<year:year>/<slug:slug>/', detail, { name: 'detail' }),
    path('<year:year>/<slug:slug>/comments/', CommentsView.asView(), { name: 'comments' }),
  ],
};
