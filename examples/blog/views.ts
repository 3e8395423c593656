/**
 * The views of the site itself (outside the articles and API apps): the
 * home page, an Atom feed streamed entry by entry, and a view that fails on
 * purpose so you can see the 500 handler.
 */
import { StreamingHttpResponse, render, type HttpRequest } from '../../lib/framework/index.js';
import { allArticles } from './data.js';
import { escape, homePage } from './templates.js';

export function home(request: HttpRequest) {
  return render(request, homePage, { latest: allArticles().slice(0, 3) });
}

/**
 * The Atom feed, as a StreamingHttpResponse: each entry is produced when
 * the server is ready to send it (no Content-Length, chunked on HTTP/1.1).
 * Links are absolute: reversed, then made absolute with the request's host.
 */
export function feed(request: HttpRequest) {
  async function* entries() {
    yield `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>tsgi blog</title>
<id>${escape(request.buildAbsoluteUri(request.reverse('home')))}</id>
`;
    for (const article of allArticles()) {
      const url = request.buildAbsoluteUri(request.reverse('articles:detail', { kwargs: { year: article.year, slug: article.slug } }));
      yield `<entry><title>${escape(article.title)}</title><link href="${escape(url)}"/><id>${escape(url)}</id><summary>${escape(article.body)}</summary></entry>
`;
    }
    yield '</feed>\n';
  }
  return new StreamingHttpResponse(entries(), { contentType: 'application/atom+xml; charset=utf-8' });
}

/** Always fails: the pipeline answers with the 500 handler (and logs the error to tsgi.errors). */
export function oops(_request: HttpRequest): never {
  throw new Error('This view fails on purpose.');
}
