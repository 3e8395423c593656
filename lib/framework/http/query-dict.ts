/**
 * `QueryDict`: the parsed form of a query string or an urlencoded body
 * (Django's `QueryDict`). `request.GET` and `request.POST` are immutable
 * ones; `copy()` one to change it, then `urlencode()` it back.
 *
 * Parsing follows Python's `parse_qsl(keep_blank_values=True)`, as Django:
 * pairs split on `&`, empty pairs skipped, a pair without `=` has the value
 * `''`, `+` means a space, `%XX` escapes are bytes decoded with `encoding`
 * (bad sequences become U+FFFD).
 *
 * @example
 * const query = new QueryDict('tag=a&tag=b&page=2');
 * query.get('tag');      // 'b' (the last value, as Django)
 * query.getList('tag');  // ['a', 'b']
 * const next = query.copy();
 * next.set('page', '3');
 * next.urlencode();      // 'tag=a&tag=b&page=3'
 */
import { Buffer } from 'node:buffer';
import { isAscii } from '../../protocol/ascii-case.js';
import { TooManyFieldsSent } from '../errors.js';
import { MultiValueDict } from './multi-value-dict.js';

export interface QueryDictOptions {
  /** Allow changes. @default false */
  mutable?: boolean;
  /** The charset `%XX` escapes are decoded with. @default 'utf-8' */
  encoding?: string;
  /**
   * Refuse more than this many fields with `TooManyFieldsSent` (Django's
   * DATA_UPLOAD_MAX_NUMBER_FIELDS); `null` for no limit. @default null
   */
  maxFields?: number | null;
}

const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

export class QueryDict extends MultiValueDict<string> {
  /** The charset the values were decoded with. */
  readonly encoding: string;

  /** Parses `query` (text: literal characters are kept, `%XX` escapes are bytes in `encoding`). */
  constructor(query = '', options: QueryDictOptions = {}) {
    super();
    this.encoding = options.encoding ?? 'utf-8';
    if (query !== '') {
      for (const [key, value] of parsePairs(query, this.encoding, options.maxFields ?? null)) this.appendList(key, value);
    }
    if (options.mutable !== true) this.makeImmutable();
  }

  /**
   * Parses a byte string from the environ (`QUERY_STRING`) or a body: the
   * raw bytes are decoded with `encoding`, or as latin-1 when they are not
   * valid in it (Django: "some user agents are misbehaving").
   */
  static fromByteString(raw: string, options: QueryDictOptions = {}): QueryDict {
    if (isAscii(raw)) return new QueryDict(raw, options);
    return new QueryDict(decodeBytes(Buffer.from(raw, 'latin1'), options.encoding ?? 'utf-8', true) ?? raw, options);
  }

  override copy(): QueryDict {
    const copy = new QueryDict('', { mutable: true, encoding: this.encoding });
    this.copyInto(copy);
    return copy;
  }

  /**
   * The dict as a query string (`a=1&a=2&b=x+y`), without `?`. Characters in
   * `safe` are left unescaped (Django's `urlencode(safe='/')`).
   */
  urlencode(safe = ''): string {
    const parts: string[] = [];
    for (const [key, value] of this) parts.push(`${quotePlus(key, safe)}=${quotePlus(value, safe)}`);
    return parts.join('&');
  }
}

/** `parse_qsl(query, keep_blank_values=True, max_num_fields=maxFields)`. */
function parsePairs(query: string, encoding: string, maxFields: number | null): Array<[string, string]> {
  if (maxFields !== null) {
    let fields = 1;
    for (let index = query.indexOf('&'); index !== -1; index = query.indexOf('&', index + 1)) fields++;
    if (fields > maxFields) {
      throw new TooManyFieldsSent(
        `The number of GET/POST parameters exceeded dataUploadMaxNumberFields (${maxFields}): got ${fields}. ` +
          'Send fewer fields, or raise dataUploadMaxNumberFields (null for no limit).',
      );
    }
  }
  const pairs: Array<[string, string]> = [];
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    const key = equals === -1 ? piece : piece.slice(0, equals);
    const value = equals === -1 ? '' : piece.slice(equals + 1);
    pairs.push([unquotePlus(key, encoding), unquotePlus(value, encoding)]);
  }
  return pairs;
}

/** Python's `unquote_plus(text, encoding, errors='replace')`. */
function unquotePlus(text: string, encoding: string): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!spaced.includes('%')) return spaced;
  return spaced.replace(PERCENT_RUN, (run) => {
    const bytes = Buffer.alloc(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return decodeBytes(bytes, encoding, false)!;
  });
}

/** `bytes` decoded with `encoding`; when `fatal`, undefined if they are not valid in it. */
export function decodeBytes(bytes: Uint8Array, encoding: string, fatal: boolean): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal }).decode(bytes);
  } catch (error) {
    if (error instanceof RangeError) return new TextDecoder('utf-8').decode(bytes); // unknown label
    return undefined;
  }
}

/** Python's `quote_plus(text, safe)`: UTF-8 percent-encoding, space as `+` (or `%20` when `safe` is given). */
function quotePlus(text: string, safe: string): string {
  let quoted = encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  if (safe === '') return quoted.replaceAll('%20', '+');
  for (const char of safe) {
    const escaped = encodeURIComponent(char).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    if (escaped !== char) quoted = quoted.replaceAll(escaped, char);
  }
  return quoted;
}
