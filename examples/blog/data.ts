/**
 * The blog's articles, kept in memory: a stand-in for a database, with the
 * few queries the views need. Views read articles and change them only
 * through `addArticle` and `addComment`.
 */

export interface Comment {
  readonly author: string;
  readonly text: string;
}

export interface Article {
  readonly id: number;
  readonly year: number;
  readonly slug: string;
  readonly title: string;
  readonly body: string;
  readonly comments: Comment[];
}

const articles: Article[] = [
  {
    id: 1,
    year: 2023,
    slug: 'hello-tsgi',
    title: 'Hello, tsgi',
    body: 'A server gateway interface for TypeScript, after PEP 3333.',
    comments: [{ author: 'Ada', text: 'Finally <b>WSGI</b> for Node!' }],
  },
  {
    id: 2,
    year: 2024,
    slug: 'urlconfs',
    title: 'URLconfs & namespaces',
    body: 'include() an application twice and let reverse() pick the right instance.',
    comments: [],
  },
  {
    id: 3,
    year: 2024,
    slug: 'middleware',
    title: 'Pipeline middleware',
    body: 'A factory called once, a handler called per request, and three optional hooks.',
    comments: [],
  },
];

/** Every article, newest first. */
export function allArticles(): Article[] {
  return [...articles].sort((a, b) => b.year - a.year || b.id - a.id);
}

/** The articles of one year, newest first. */
export function articlesOfYear(year: number): Article[] {
  return allArticles().filter((article) => article.year === year);
}

/** The years that have articles, newest first. */
export function years(): number[] {
  return [...new Set(allArticles().map((article) => article.year))];
}

export function findById(id: number): Article | undefined {
  return articles.find((article) => article.id === id);
}

export function findBySlug(year: number, slug: string): Article | undefined {
  return articles.find((article) => article.year === year && article.slug === slug);
}

/** Adds an article; its slug is made from the title (`'Hello, World!'` -> `'hello-world'`). */
export function addArticle(fields: { title: string; body: string; year: number }): Article {
  const base = slugify(fields.title) || 'article';
  let slug = base;
  for (let n = 2; findBySlug(fields.year, slug) !== undefined; n += 1) slug = `${base}-${n}`;
  const id = Math.max(0, ...articles.map((article) => article.id)) + 1;
  const article: Article = { id, slug, comments: [], ...fields };
  articles.push(article);
  return article;
}

export function addComment(article: Article, comment: Comment): void {
  article.comments.push(comment);
}

function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
