/** The JSON API's URLconf: application namespace `api`, mounted once at `/api/`. */
import { path, type UrlModule } from '../../../lib/framework/index.js';
import { articleDetail, articleList } from './views.js';

export const apiUrls: UrlModule = {
  appName: 'api',
  patterns: [
    path('articles/', articleList, { name: 'article-list' }),
    path('articles/<int:id>/', articleDetail, { name: 'article-detail' }),
  ],
};
