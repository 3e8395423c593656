/**
 * `getOr404(lookup, message?)` (Django's `get_object_or_404`, without an
 * ORM): runs the lookup and returns its value, or throws `Http404` when it
 * gives `undefined` or `null`, so the view reads as the happy path.
 *
 * @example
 * const article = await getOr404(() => articles.get(kwargs['id'] as number), 'No article with that id.');
 */
import { Http404 } from '../errors.js';

export async function getOr404<T>(lookup: () => T | null | undefined | Promise<T | null | undefined>, message = 'No object matches the given query.'): Promise<T> {
  if (typeof lookup !== 'function') {
    throw new TypeError(`getOr404() expects a lookup function () => value; got ${typeof lookup}. Wrap the value: getOr404(() => value).`);
  }
  const value = await lookup();
  if (value === undefined || value === null) throw new Http404(message);
  return value;
}
