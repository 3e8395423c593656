/**
 * The resolver's index: how `UrlConf.resolve()` avoids running every
 * pattern's regex on every request, while answering exactly as Django's
 * first-match-wins scan does.
 *
 * Built once: the URLconf is flattened into its endpoints, in scan order,
 * each with the chain of includes above it. The literal text an endpoint's
 * matched path must start with (the chain's routes up to the first
 * parameter, or a `^literal` regex prefix) is cut into complete `/`
 * segments, and the endpoint is filed in a trie under them. Endpoints
 * with no known literal (unanchored regexes, routes starting with a
 * parameter) sit at the root: they are tried for every path.
 *
 * Per request: the path's complete segments walk the trie, collecting the
 * endpoints filed along the way: every endpoint that can match is among
 * them. They are merged back into scan order and tried one by one with the
 * real patterns (converters included), so the first that matches is the
 * one the scan would find. A miss returns null: the caller then runs the
 * scan, which reports `tried` as Django does.
 */
import type { MatchParts } from './resolver-match.js';
import type { PatternMatch } from './types.js';
import { UrlPattern } from './url-pattern.js';
import { mergeLevel, type UrlResolver } from './url-resolver.js';

/** One include as it occurs in the tree (a list may be included twice: two occurrences). */
class Occurrence {
  readonly resolver: UrlResolver;
  /** The resolve call whose result `cached` holds. */
  generation = 0;
  cached: PatternMatch | null = null;

  constructor(resolver: UrlResolver) {
    this.resolver = resolver;
  }
}

interface IndexedEndpoint {
  /** Position in scan order. */
  readonly order: number;
  readonly endpoint: UrlPattern;
  /** The includes above the endpoint, outermost first (the root not included). */
  readonly chain: readonly Occurrence[];
}

class TrieNode {
  readonly endpoints: IndexedEndpoint[] = [];
  readonly children = new Map<string, TrieNode>();
}

/** The root's own prefix (`^/`) captures nothing. */
const ROOT_PREFIX: PatternMatch = { remaining: '', args: [], kwargs: {} };

export class RouteIndex {
  readonly #root: UrlResolver;
  readonly #trie = new TrieNode();
  #generation = 0;
  /** Endpoints indexed, for toString and tests. */
  readonly size: number;

  constructor(root: UrlResolver) {
    this.#root = root;
    let order = 0;
    const visit = (resolver: UrlResolver, chain: Occurrence[]): void => {
      for (const entry of resolver.urlPatterns) {
        if (entry instanceof UrlPattern) this.#file({ order: order++, endpoint: entry, chain });
        else visit(entry, [...chain, new Occurrence(entry)]);
      }
    };
    visit(root, []);
    this.size = order;
  }

  #file(indexed: IndexedEndpoint): void {
    let literal = '';
    for (const pattern of [...indexed.chain.map((occurrence) => occurrence.resolver.pattern), indexed.endpoint.pattern]) {
      if (pattern.literalPrefix === null) break;
      literal += pattern.literalPrefix;
      if (!pattern.fullyLiteral) break;
    }
    const segments = literal.split('/');
    segments.pop(); // the last piece is not followed by '/': it may be cut short
    let node = this.#trie;
    for (const segment of segments) {
      let child = node.children.get(segment);
      if (child === undefined) {
        child = new TrieNode();
        node.children.set(segment, child);
      }
      node = child;
    }
    node.endpoints.push(indexed);
  }

  /** The match the scan would find for `pathInfo`, or null when nothing matches. */
  resolve(pathInfo: string): MatchParts | null {
    if (pathInfo.charCodeAt(0) !== 0x2f) return null;
    const path = pathInfo.slice(1);
    const generation = ++this.#generation;
    let node = this.#trie;
    let first: IndexedEndpoint[] | null = node.endpoints.length > 0 ? node.endpoints : null;
    let more: IndexedEndpoint[][] | null = null;
    let start = 0;
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', start)) {
      const child = node.children.get(path.slice(start, slash));
      if (child === undefined) break;
      node = child;
      start = slash + 1;
      if (node.endpoints.length === 0) continue;
      if (first === null) first = node.endpoints;
      else (more ??= [first]).push(node.endpoints);
    }
    if (more !== null) return this.#tryMerged(more, path, generation);
    if (first === null) return null;
    for (const indexed of first) {
      const parts = this.#try(indexed, path, generation);
      if (parts !== null) return parts;
    }
    return null;
  }

  /** Tries the endpoints of several sorted lists in scan order. */
  #tryMerged(lists: IndexedEndpoint[][], path: string, generation: number): MatchParts | null {
    const positions = lists.map(() => 0);
    for (;;) {
      let best = -1;
      let bestOrder = Infinity;
      for (let i = 0; i < lists.length; i += 1) {
        const candidate = (lists[i] as IndexedEndpoint[])[positions[i] as number];
        if (candidate !== undefined && candidate.order < bestOrder) {
          best = i;
          bestOrder = candidate.order;
        }
      }
      if (best === -1) return null;
      const indexed = (lists[best] as IndexedEndpoint[])[positions[best] as number] as IndexedEndpoint;
      positions[best] = (positions[best] as number) + 1;
      const parts = this.#try(indexed, path, generation);
      if (parts !== null) return parts;
    }
  }

  /** Matches one endpoint through its include chain, merging captures as the scan would. */
  #try(indexed: IndexedEndpoint, path: string, generation: number): MatchParts | null {
    const chain = indexed.chain;
    if (chain.length === 0) {
      // The root adds nothing to a match of its own entries (no captures, no extra kwargs, no namespace).
      return indexed.endpoint.resolveParts(path);
    }
    const prefixes: PatternMatch[] = [];
    let remaining = path;
    for (const occurrence of chain) {
      // Endpoints of one include share its prefix match within a request (and call its converters once).
      if (occurrence.generation !== generation) {
        occurrence.cached = occurrence.resolver.pattern.match(remaining);
        occurrence.generation = generation;
      }
      const prefix = occurrence.cached;
      if (prefix === null) return null;
      prefixes.push(prefix);
      remaining = prefix.remaining;
    }
    let parts = indexed.endpoint.resolveParts(remaining);
    if (parts === null) return null;
    for (let level = chain.length - 1; level >= 0; level -= 1) {
      const child = level + 1 < chain.length ? (chain[level + 1] as Occurrence).resolver : indexed.endpoint;
      parts = mergeLevel((chain[level] as Occurrence).resolver, prefixes[level] as PatternMatch, child, parts);
    }
    return mergeLevel(this.#root, ROOT_PREFIX, (chain[0] as Occurrence).resolver, parts);
  }
}
