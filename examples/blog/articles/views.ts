/**
 * The views of the articles app. They never hard-code a URL: `redirect()`
 * and the templates reverse pattern names through the request, so the same
 * views serve both instances of the app (`/articles/` and `/archive/`).
 *
 * Kwargs come typed from the routes: `int` and `slug` give `number` and
 * `string`, and the custom `year` converter `number`, as converters.ts
 * declares it in `ConverterValues`.
 */
import {
  Http404,
  View,
  getOr404,
  redirect,
  render,
  type HttpRequest,
  type HttpResponseBase,
  type Kwargs,
} from '../../../lib/framework/index.js';
import { addComment, allArticles, articlesOfYear, findById, findBySlug, years, type Article } from '../data.js';
import { articleListPage, articlePage, commentFormPage } from '../templates.js';

/** The kwargs of `<year:year>/<slug:slug>/`. */
type ArticleKey = { year: number; slug: string };

/** The list, titled after the instance it is served from. */
export function index(request: HttpRequest) {
  const title = request.resolverMatch?.namespace === 'archive' ? 'Archive' : 'Articles';
  return render(request, articleListPage, { title, articles: allArticles(), years: years() });
}

/** One year; a year without articles is a 404 (as Django's YearArchiveView). */
export function yearArchive(request: HttpRequest, { year }: { year: number }) {
  const articles = articlesOfYear(year);
  if (articles.length === 0) throw new Http404(`No articles in ${String(year)}.`);
  return render(request, articleListPage, { title: `Articles of ${String(year)}`, articles, years: years() });
}

function findArticle({ year, slug }: ArticleKey): Promise<Article> {
  return getOr404(() => findBySlug(year, slug), `No article '${slug}' in ${String(year)}.`);
}

export async function detail(request: HttpRequest, key: ArticleKey) {
  return render(request, articlePage, { article: await findArticle(key) });
}

/** `/articles/id/2/`: a short link, redirected for good to the article's own URL. */
export async function byId(request: HttpRequest, { id }: { id: number }) {
  const article = await getOr404(() => findById(id), `No article with id ${id}.`);
  return redirect('articles:detail', { request, permanent: true, kwargs: { year: article.year, slug: article.slug } });
}

/** The newest article, through a temporary redirect. */
export async function latest(request: HttpRequest) {
  const article = await getOr404(() => allArticles()[0], 'No articles yet.');
  return redirect('articles:detail', { request, kwargs: { year: article.year, slug: article.slug } });
}

/**
 * The comment form: GET shows it, POST adds the comment and redirects to the
 * article (post/redirect/get), or shows the form again with the errors.
 * Any other method is answered 405 by `View` (OPTIONS lists `Allow`).
 */
export class CommentsView extends View {
  /** The longest comment accepted. */
  maxLength = 1000;

  async get(request: HttpRequest, kwargs: Kwargs): Promise<HttpResponseBase> {
    const article = await findArticle(kwargs as ArticleKey);
    return render(request, commentFormPage, { article, errors: [], author: '', text: '' });
  }

  async post(request: HttpRequest, kwargs: Kwargs): Promise<HttpResponseBase> {
    const article = await findArticle(kwargs as ArticleKey);
    const form = await request.readForm();
    const author = (form.get('author') ?? '').trim();
    const text = (form.get('text') ?? '').trim();
    const errors = [
      ...(author === '' ? ['Please give your name.'] : []),
      ...(text === '' ? ['Please write a comment.'] : []),
      ...(text.length > this.maxLength ? [`Comments are at most ${this.maxLength} characters.`] : []),
    ];
    if (errors.length > 0) return render(request, commentFormPage, { article, errors, author, text }, { status: 400 });
    addComment(article, { author, text });
    return redirect('articles:detail', { request, kwargs: { year: article.year, slug: article.slug } });
  }
}
