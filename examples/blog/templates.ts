/**
 * The blog's templates: plain functions `(context, request) => string`, the
 * `Template` shape `TemplateResponse` and `render()` take. No engine, two
 * rules:
 *
 * - everything interpolated with the `html` tag is escaped, unless it is
 *   already `SafeHtml` (the result of another `html` tag);
 * - every link is reversed from a URL pattern name with `request.reverse()`,
 *   so it carries the script prefix (the site works mounted anywhere) and
 *   the current namespace (`articles:detail` stays inside `/archive/` when
 *   the page is served from there).
 */
import type { HttpRequest, Template } from '../../lib/framework/index.js';
import type { Article } from './data.js';

/** Markup that `html` inserts as is. */
export class SafeHtml {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  toString(): string {
    return this.text;
  }
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };

/** Escapes text for HTML content and quoted attributes (Django's `escape`). */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A tagged template: `html\`<p>${text}</p>\`` escapes `text`; arrays are joined; null, undefined and false are left out. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += interpolate(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

function interpolate(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  if (value === null || value === undefined || value === false) return '';
  return escape(String(value));
}

/** Makes a `Template` from a typed function; blog templates always need the request (for reverse). */
function template<C>(body: (context: C, request: HttpRequest) => SafeHtml): Template {
  return (context, request) => {
    if (request === null) throw new TypeError('The blog templates reverse URLs: render them with render(request, template, context).');
    return body(context as C, request).text;
  };
}

/** The page around every template: title, navigation, content. */
function layout(request: HttpRequest, title: string, content: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title} · tsgi blog</title></head>
<body>
<nav><a href="${request.reverse('home')}">Home</a> | <a href="${request.reverse('articles:index')}">Articles</a> | <a href="${request.reverse('api:article-list')}">API</a> | <a href="${request.reverse('feed')}">Feed</a></nav>
<h1>${title}</h1>
${content}
</body>
</html>
`;
}

/** A link to an article, in the current instance of the articles app. */
function articleLink(request: HttpRequest, article: Article): SafeHtml {
  const url = request.reverse('articles:detail', { kwargs: { year: article.year, slug: article.slug } });
  return html`<a href="${url}">${article.title}</a>`;
}

function articleItems(request: HttpRequest, articles: readonly Article[]): SafeHtml {
  if (articles.length === 0) return html`<p>No articles yet.</p>`;
  return html`<ul>
${articles.map((article) => html`<li>${articleLink(request, article)} (${article.year})</li>\n`)}</ul>`;
}

export const homePage = template<{ latest: readonly Article[] }>((context, request) =>
  layout(
    request,
    'Welcome',
    html`<p>The latest articles:</p>
${articleItems(request, context.latest)}
<p>Read <a href="${request.reverse('articles:index')}">all articles</a> or browse <a href="${request.reverse('archive:index')}">the archive</a>.</p>`,
  ),
);

export const articleListPage = template<{ title: string; articles: readonly Article[]; years: readonly number[] }>((context, request) =>
  layout(
    request,
    context.title,
    html`${articleItems(request, context.articles)}
<p>By year: ${context.years.map((year) => html`<a href="${request.reverse('articles:year', { kwargs: { year } })}">${year}</a> `)}</p>`,
  ),
);

export const articlePage = template<{ article: Article }>(({ article }, request) => {
  const key = { year: article.year, slug: article.slug };
  return layout(
    request,
    article.title,
    html`<p>${article.body}</p>
<h2 id="comments">${article.comments.length} comment(s)</h2>
<ul>
${article.comments.map((comment) => html`<li><b>${comment.author}</b>: ${comment.text}</li>\n`)}</ul>
<p><a href="${request.reverse('articles:comments', { kwargs: key })}">Add a comment</a></p>`,
  );
});

export const commentFormPage = template<{ article: Article; errors: readonly string[]; author: string; text: string }>((context, request) => {
  const action = request.reverse('articles:comments', { kwargs: { year: context.article.year, slug: context.article.slug } });
  return layout(
    request,
    `Comment on ${context.article.title}`,
    html`${context.errors.map((error) => html`<p class="error">${error}</p>\n`)}<form method="post" action="${action}">
<p><label>Name <input name="author" value="${context.author}"></label></p>
<p><label>Comment <textarea name="text">${context.text}</textarea></label></p>
<p><button>Send</button></p>
</form>
<p>Back to ${articleLink(request, context.article)}</p>`,
  );
});

export const notFoundPage = template<{ path: string }>((context, request) =>
  layout(request, 'Not found', html`<p>Nothing lives at <code>${context.path}</code>.</p>`),
);
