/**
 * What a request knows of the URLconf that resolved it: the match the
 * pipeline stores in `request.resolverMatch`, and the `reverse()` that
 * `request.reverse()` delegates to (`request.urlconf`). The urls part's
 * `ResolverMatch` and resolver have these shapes; the http part does not
 * import them, so the two stay independent.
 */
import type { Kwargs } from '../types.js';

/** What the resolver found for this request (the urls part's `ResolverMatch` has these fields). */
export interface RequestResolverMatch {
  readonly view: unknown;
  readonly args: readonly string[];
  readonly kwargs: Kwargs;
  readonly urlName: string | null;
  readonly route: string;
  readonly appNames: readonly string[];
  readonly appName: string;
  readonly namespaces: readonly string[];
  readonly namespace: string;
  readonly viewName: string;
}

/** Options of `reverse()`, as the URLconf takes them. */
export interface RequestReverseOptions {
  args?: unknown[];
  kwargs?: Kwargs;
  currentApp?: string;
  query?: unknown;
  fragment?: string;
  scriptPrefix?: string;
}

/** What `request.reverse()` delegates to: the URLconf that resolved the request. */
export interface Reverser {
  reverse(name: string | ((...args: never[]) => unknown), options?: RequestReverseOptions): string;
}
