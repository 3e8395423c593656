/**
 * `MediaType`: one entry of an `Accept` header (Django's `MediaType`), used
 * by `request.accepts()` and `request.getPreferredType()`: `*` wildcards,
 * a `q` quality, and the other parameters, which must match when both
 * sides have some.
 */
import { parseHeaderParameters } from './header-parameters.js';

export class MediaType {
  readonly mainType: string;
  readonly subType: string;
  /** Parameters other than `q`. */
  readonly params: Readonly<Record<string, string>>;
  /** The `q` weight, 0–1 (1 when absent or invalid). */
  readonly quality: number;

  constructor(text: string) {
    const { value, params } = parseHeaderParameters(text);
    const slash = value.indexOf('/');
    this.mainType = slash === -1 ? value : value.slice(0, slash);
    this.subType = slash === -1 ? '' : value.slice(slash + 1);
    const { q, ...rest } = params;
    const quality = q === undefined ? 1 : Number(q);
    this.quality = Number.isFinite(quality) && quality >= 0 && quality <= 1 ? quality : 1;
    this.params = rest;
  }

  /** How specific the range is: 0 for `*\/*`, 1 for `text/*`, 2 for `text/html`, 3 with parameters. */
  get specificity(): number {
    if (this.mainType === '*') return 0;
    if (this.subType === '*') return 1;
    return Object.keys(this.params).length === 0 ? 2 : 3;
  }

  /** True when `other` (a media type) is in this range, or this in its. */
  match(other: MediaType | string): boolean {
    const type = typeof other === 'string' ? new MediaType(other) : other;
    if (!this.mainType || !this.subType || !type.mainType || !type.subType) return false;
    for (const [mine, theirs] of [[this.mainType, type.mainType], [this.subType, type.subType]] as const) {
      if (mine !== theirs && mine !== '*' && theirs !== '*') return false;
    }
    const mineParams = Object.entries(this.params);
    const theirParams = Object.entries(type.params);
    if (mineParams.length > 0 && theirParams.length > 0) {
      return mineParams.length === theirParams.length && mineParams.every(([key, value]) => type.params[key] === value);
    }
    return theirParams.length === 0 || mineParams.length > 0;
  }

  toString(): string {
    const params = Object.entries(this.params).map(([key, value]) => `; ${key}=${value}`).join('');
    return `${this.mainType}/${this.subType}${params}`;
  }
}

/** The types of an `Accept` header, most preferred first, without those of quality 0. */
export function parseAccept(header: string): MediaType[] {
  return header
    .split(',')
    .filter((token) => token.trim() !== '')
    .map((token) => new MediaType(token))
    .filter((type) => type.quality > 0)
    .sort((a, b) => b.quality - a.quality || b.specificity - a.specificity);
}
