/**
 * Whether a request's `Accept` header admits `text/html` (Django's
 * `request.accepts('text/html')`), so the technical 500 page can answer
 * `curl` and API clients with plain text. No `Accept` header means `*\/*`.
 */
import type { HttpRequest } from '../http/index.js';

export function acceptsHtml(request: HttpRequest): boolean {
  const header = request.META['HTTP_ACCEPT'];
  if (typeof header !== 'string' || header.trim() === '') return true;
  for (const part of header.split(',')) {
    const [type = '', ...params] = part.split(';');
    const media = type.trim().toLowerCase();
    if (media !== 'text/html' && media !== 'text/*' && media !== '*/*') continue;
    // `q=0` means "not acceptable" (RFC 9110 §12.4.2).
    const q = params.map((param) => param.trim().toLowerCase()).find((param) => param.startsWith('q='));
    if (q !== undefined && Number(q.slice(2)) === 0) continue;
    return true;
  }
  return false;
}
