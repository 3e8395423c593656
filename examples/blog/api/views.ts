/**
 * A small JSON API over the same articles. Errors are JSON too: a body that
 * is not JSON (`request.json()` throws `BadRequest`) or misses a field is
 * answered 400 here, in the view; an unknown id raises `Http404`, which the
 * blog's 404 handler answers in JSON for this app.
 */
import {
  BadRequest,
  JsonResponse,
  getOr404,
  requireHttpMethods,
  type HttpRequest,
  type HttpResponseBase,
} from '../../../lib/framework/index.js';
import { FIRST_YEAR } from '../converters.js';
import { addArticle, allArticles, findById, type Article } from '../data.js';

/** An article as the API shows it, with the URLs of its page and its API resource. */
function serialize(request: HttpRequest, article: Article) {
  const { id, year, slug, title, body } = article;
  return {
    id,
    year,
    slug,
    title,
    body,
    comments: article.comments.length,
    url: request.buildAbsoluteUri(request.reverse('api:article-detail', { kwargs: { id } })),
    page: request.buildAbsoluteUri(request.reverse('articles:detail', { kwargs: { year, slug } })),
  };
}

function badRequest(error: string, details: Record<string, string> = {}): JsonResponse {
  return new JsonResponse({ error, ...details }, { status: 400 });
}

/** GET lists the articles; POST creates one from `{ "title", "body", "year"? }`. */
export const articleList = requireHttpMethods(['GET', 'HEAD', 'POST'])(async function articleList(request: HttpRequest): Promise<HttpResponseBase> {
  if (request.method !== 'POST') return new JsonResponse({ articles: allArticles().map((article) => serialize(request, article)) });
  let data: unknown;
  try {
    data = await request.json();
  } catch (error) {
    if (error instanceof BadRequest) return badRequest(error.message);
    throw error;
  }
  const fields = validate(data);
  if (typeof fields === 'string') return badRequest(fields);
  const article = addArticle(fields);
  const created = serialize(request, article);
  return new JsonResponse(created, { status: 201, headers: { Location: created.url } });
});

/** Checks a new article's fields; returns them, or what is wrong as a message. */
function validate(data: unknown): { title: string; body: string; year: number } | string {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'Send a JSON object with title and body.';
  const { title, body, year = new Date().getFullYear() } = data as Record<string, unknown>;
  if (typeof title !== 'string' || title.trim() === '') return 'title must be a non-empty string.';
  if (typeof body !== 'string') return 'body must be a string.';
  if (!Number.isInteger(year) || (year as number) < FIRST_YEAR || (year as number) > 9999) {
    return `year must be an integer from ${FIRST_YEAR} to 9999.`;
  }
  return { title: title.trim(), body, year: year as number };
}

export const articleDetail = requireHttpMethods(['GET', 'HEAD'])(async function articleDetail(request: HttpRequest, { id }: { id: number }) {
  const article = await getOr404(() => findById(id), `No article with id ${id}.`);
  return new JsonResponse(serialize(request, article));
});
