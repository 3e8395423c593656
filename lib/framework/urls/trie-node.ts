/**
 * A node of the resolver's trie (see RouteIndex): what is filed under the
 * `/`-separated segments leading to it, and its children by segment.
 *
 * Children are found by a hash of the segment, which the walk computes with
 * `mixHash` while it looks for the segment's closing `/`; the segment is
 * then compared in place. A request thus walks the trie without slicing its
 * path or hashing new strings.
 */
export class TrieNode<T> {
  readonly segment: string;
  readonly endpoints: T[] = [];
  /** Children by `segmentHash`; a child's `sameHash` links the others with its hash. */
  readonly #children = new Map<number, TrieNode<T>>();
  #sameHash: TrieNode<T> | null = null;
  hasChildren = false;

  constructor(segment: string) {
    this.segment = segment;
  }

  /** The child for `segment`, created when missing. */
  childFor(segment: string): TrieNode<T> {
    const hash = segmentHash(segment, 0, segment.length);
    let child = this.#children.get(hash);
    while (child !== undefined && child.segment !== segment) child = child.#sameHash ?? undefined;
    if (child !== undefined) return child;
    child = new TrieNode<T>(segment);
    child.#sameHash = this.#children.get(hash) ?? null;
    this.#children.set(hash, child);
    this.hasChildren = true;
    return child;
  }

  /** The child whose segment is `text[start, end)` (`hash` is its `segmentHash`), or undefined. */
  find(text: string, start: number, end: number, hash: number): TrieNode<T> | undefined {
    let child = this.#children.get(hash);
    while (child !== undefined && !child.#is(text, start, end)) child = child.#sameHash ?? undefined;
    return child;
  }

  #is(text: string, start: number, end: number): boolean {
    const segment = this.segment;
    if (segment.length !== end - start) return false;
    for (let i = 0; i < segment.length; i += 1) if (segment.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
    return true;
  }
}

/** One step of the segment hash: the walk and `childFor` must hash alike. */
export function mixHash(hash: number, code: number): number {
  return (Math.imul(hash, 31) + code) | 0;
}

function segmentHash(text: string, start: number, end: number): number {
  let hash = 0;
  for (let i = start; i < end; i += 1) hash = mixHash(hash, text.charCodeAt(i));
  return hash;
}

