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
 * one the scan would find. Route patterns match in place, from an offset
 * of the path and without their regex (see RouteMatcher), skipping the
 * literal text the walk has compared; what a match owes to its include
 * chain (route, namespaces, extra kwargs) is merged once, when built. A miss
 * returns null: the caller then runs the scan, which reports `tried` as
 * Django does.
 */
import type { Kwargs } from '../types.js';
import { mergeKwargs, presentNames, type MatchParts } from './resolver-match.js';
import { NO_ARGS, type RouteMatcher } from './route-matcher.js';
import { RoutePattern } from './route-pattern.js';
import type { Pattern, PatternMatch } from './types.js';
import { UrlPattern } from './url-pattern.js';
import { mergeLevel, type UrlResolver } from './url-resolver.js';
import { mixHash, TrieNode } from './trie-node.js';

/** One include as it occurs in the tree (a list may be included twice: two occurrences). */
class Occurrence {
  readonly resolver: UrlResolver;
  /** The prefix's matcher when it can match in place (see RouteMatcher), else null: its pattern matches a slice. */
  readonly matcher: RouteMatcher | null;
  /** Characters the matcher skips (see `trieChecked`). */
  readonly skip: number;
  /** The resolve call whose result the next three fields hold. */
  generation = 0;
  /** The prefix's captures, or null when it did not match. */
  kwargs: Kwargs | null = null;
  args: string[] = NO_ARGS;
  /** Where the rest of the request's path starts after the prefix. */
  end = 0;
  readonly hasDefaults: boolean;

  constructor(resolver: UrlResolver, outermost: boolean) {
    this.resolver = resolver;
    this.skip = outermost ? trieChecked(resolver.pattern) : 0;
    this.matcher = matcherOf(resolver.pattern, this.skip);
    this.hasDefaults = !isEmpty(resolver.defaultKwargs);
  }
}

interface IndexedEndpoint {
  /** Position in scan order. */
  readonly order: number;
  readonly endpoint: UrlPattern;
  /** The endpoint pattern's in-place matcher, or null. */
  readonly matcher: RouteMatcher | null;
  /** Characters the matcher skips (see `trieChecked`). */
  readonly skip: number;
  /** The includes above the endpoint, outermost first (the root not included). */
  readonly chain: readonly Occurrence[];
  /**
   * Under includes: what a match's parts owe to the chain alone (route,
   * namespaces, extra kwargs), merged once here; a request only merges the
   * captures (see `#try`).
   */
  readonly merged: MatchParts | null;
}

/** A prefix that captured nothing (the root's own `^/` never captures). */
const NO_CAPTURES: PrefixCaptures = Object.freeze({ args: NO_ARGS, kwargs: Object.freeze({}) });

/**
 * How much of the request's path the trie walk has compared with a
 * pattern's literal text when it tries the pattern: the pattern is the first
 * of its chain (the root's entries and outermost includes), so its literal
 * prefix starts the path, and every complete segment of it is in the trie.
 */
function trieChecked(pattern: Pattern): number {
  return pattern.literalPrefix === null ? 0 : pattern.literalPrefix.lastIndexOf('/') + 1;
}

/** The pattern's in-place matcher, skipping the first `skip` characters, or null. */
function matcherOf(pattern: Pattern, skip: number): RouteMatcher | null {
  return pattern instanceof RoutePattern && pattern.matcher !== null ? pattern.matcher.skipping(skip) : null;
}

export class RouteIndex {
  readonly #root: UrlResolver;
  readonly #trie = new TrieNode<IndexedEndpoint>('');
  #generation = 0;
  /** Endpoints indexed, for toString and tests. */
  readonly size: number;

  constructor(root: UrlResolver) {
    this.#root = root;
    let order = 0;
    const visit = (resolver: UrlResolver, chain: Occurrence[]): void => {
      for (const entry of resolver.urlPatterns) {
        if (entry instanceof UrlPattern) {
          const skip = chain.length === 0 ? trieChecked(entry.pattern) : 0;
          const merged = chain.length === 0 ? null : mergeChain(root, chain, entry);
          this.#file({ order: order++, endpoint: entry, matcher: matcherOf(entry.pattern, skip), skip, chain, merged });
        } else {
          visit(entry, [...chain, new Occurrence(entry, chain.length === 0)]);
        }
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
    for (const segment of segments) node = node.childFor(segment);
    node.endpoints.push(indexed);
  }

  /**
   * The match the scan would find for `pathInfo`, or null when nothing
   * matches. Patterns match in place from an offset of `pathInfo` (after its
   * leading `/`) where they can; the others match a slice of it.
   */
  resolve(pathInfo: string): MatchParts | null {
    if (pathInfo.charCodeAt(0) !== 0x2f) return null;
    const generation = ++this.#generation;
    let node = this.#trie;
    let first: IndexedEndpoint[] | null = node.endpoints.length > 0 ? node.endpoints : null;
    let more: IndexedEndpoint[][] | null = null;
    let start = 1;
    const length = pathInfo.length;
    while (node.hasChildren) {
      let slash = start;
      let hash = 0;
      for (let code = pathInfo.charCodeAt(slash); slash < length && code !== 0x2f; code = pathInfo.charCodeAt(++slash)) hash = mixHash(hash, code);
      if (slash === length) break; // the last piece is not a complete segment
      const child = node.find(pathInfo, start, slash, hash);
      if (child === undefined) break;
      node = child;
      start = slash + 1;
      if (node.endpoints.length === 0) continue;
      if (first === null) first = node.endpoints;
      else (more ??= [first]).push(node.endpoints);
    }
    if (more !== null) return this.#tryMerged(more, pathInfo, generation);
    if (first === null) return null;
    for (let i = 0; i < first.length; i += 1) {
      const parts = this.#try(first[i] as IndexedEndpoint, pathInfo, generation);
      if (parts !== null) return parts;
    }
    return null;
  }

  /** Tries the endpoints of several sorted lists in scan order. */
  #tryMerged(lists: IndexedEndpoint[][], pathInfo: string, generation: number): MatchParts | null {
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
      const parts = this.#try(indexed, pathInfo, generation);
      if (parts !== null) return parts;
    }
  }

  /** Matches one endpoint through its include chain, merging captures as the scan would. */
  #try(indexed: IndexedEndpoint, pathInfo: string, generation: number): MatchParts | null {
    const chain = indexed.chain;
    if (chain.length === 0) {
      // The root adds nothing to a match of its own entries (no captures, no extra kwargs, no namespace).
      return matchEndpoint(indexed, pathInfo, 1);
    }
    let end = 1;
    for (let level = 0; level < chain.length; level += 1) {
      const occurrence = chain[level] as Occurrence;
      // Endpoints of one include share its prefix match within a request (and call its converters once).
      if (occurrence.generation !== generation) {
        matchPrefix(occurrence, pathInfo, end);
        occurrence.generation = generation;
      }
      if (occurrence.kwargs === null) return null;
      end = occurrence.end;
    }
    const parts = matchEndpoint(indexed, pathInfo, end);
    if (parts === null) return null;
    // mergeLevel's captures rule, level by level from the innermost: kwargs are the prefix's
    // captures, the include's extra kwargs, then the inner kwargs; prefix args are kept only
    // while no kwargs exist. The root captures nothing and has no extra kwargs.
    let kwargs = parts.kwargs;
    let args = parts.args;
    for (let level = chain.length - 1; level >= 0; level -= 1) {
      const occurrence = chain[level] as Occurrence;
      const captured = occurrence.kwargs as Kwargs;
      if (occurrence.hasDefaults || !isEmpty(captured)) kwargs = mergeKwargs(captured, occurrence.resolver.defaultKwargs, kwargs);
      if (occurrence.args.length > 0 && isEmpty(kwargs)) args = occurrence.args.concat(args);
    }
    const merged = indexed.merged as MatchParts;
    return {
      view: parts.view,
      args,
      kwargs,
      capturedKwargs: parts.capturedKwargs,
      extraKwargs: merged.extraKwargs,
      urlName: parts.urlName,
      route: merged.route,
      appNames: merged.appNames,
      namespaces: merged.namespaces,
    };
  }
}

/**
 * The parts a match of `endpoint` owes to its include chain, merged as the
 * scan merges them (with no captures): route, namespaces, extra kwargs.
 */
function mergeChain(root: UrlResolver, chain: readonly Occurrence[], endpoint: UrlPattern): MatchParts {
  let parts = endpoint.partsFor({}, NO_ARGS);
  for (let level = chain.length - 1; level >= 0; level -= 1) {
    const child = level + 1 < chain.length ? (chain[level + 1] as Occurrence).resolver : endpoint;
    parts = mergeLevel((chain[level] as Occurrence).resolver, NO_CAPTURES, child, parts);
  }
  parts = mergeLevel(root, NO_CAPTURES, (chain[0] as Occurrence).resolver, parts);
  return { ...parts, appNames: Object.freeze(presentNames(parts.appNames)), namespaces: Object.freeze(presentNames(parts.namespaces)) };
}

function isEmpty(object: Readonly<Kwargs>): boolean {
  for (const _key in object) return false;
  return true;
}

/** What `mergeLevel` reads of a prefix match. */
type PrefixCaptures = Pick<PatternMatch, 'args' | 'kwargs'>;

/** The endpoint's match of `pathInfo` from `start` to its end, or null. */
function matchEndpoint(indexed: IndexedEndpoint, pathInfo: string, start: number): MatchParts | null {
  const matcher = indexed.matcher;
  if (matcher === null) return indexed.endpoint.resolveParts(pathInfo.slice(start));
  const kwargs = matcher.matchAt(pathInfo, start + indexed.skip);
  return kwargs === null ? null : indexed.endpoint.partsFor(kwargs, NO_ARGS);
}

/** Matches an include's prefix from `start`, recording the result on the occurrence. */
function matchPrefix(occurrence: Occurrence, pathInfo: string, start: number): void {
  const matcher = occurrence.matcher;
  if (matcher !== null) {
    occurrence.kwargs = matcher.matchAt(pathInfo, start + occurrence.skip);
    occurrence.args = NO_ARGS;
    occurrence.end = matcher.end;
    return;
  }
  const found = occurrence.resolver.pattern.match(pathInfo.slice(start));
  occurrence.kwargs = found === null ? null : found.kwargs;
  occurrence.args = found === null ? NO_ARGS : found.args;
  occurrence.end = found === null ? 0 : pathInfo.length - found.remaining.length;
}
