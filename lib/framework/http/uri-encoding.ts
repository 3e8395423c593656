/**
 * The URI encodings Django's request and response objects use
 * (`django/utils/encoding.py`): `iriToUri()` for Location headers and
 * absolute URIs, `escapeUriPath()` for `getFullPath()`, and
 * `repercentBrokenUnicode()` for decoding PATH_INFO.
 */
import { Buffer } from 'node:buffer';
import { isAscii } from '../../protocol/ascii-case.js';

/** Python's `quote()` never escapes these. */
const ALWAYS_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~';
/** RFC 3987 §3.1: what `iri_to_uri` keeps (reserved characters and `%`). */
const IRI_SAFE = "/#%[]=:;$&()+,!?*@'~";
/** `escape_uri_path`: RFC 3986 pchar minus `;` and `=`, plus `/`; `%` is escaped. */
const PATH_SAFE = "/:@&+$,-_.!~*'()";

function safeTable(extra: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const char of ALWAYS_SAFE + extra) table[char.charCodeAt(0)] = 1;
  return table;
}

const IRI_TABLE = safeTable(IRI_SAFE);
const PATH_TABLE = safeTable(PATH_SAFE);

function hex(byte: number): string {
  return `%${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
}

/** Escapes every character not in `table`; text is UTF-8 encoded, a byte string's code units are bytes. */
function quote(text: string, table: Uint8Array, bytes: boolean): string {
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code >= 128 || table[code] !== 1) break;
    index++;
  }
  if (index === text.length) return text;
  let out = text.slice(0, index);
  for (const char of text.slice(index)) {
    const code = char.charCodeAt(0);
    if (code < 128 && table[code] === 1) out += char;
    else if (bytes || code < 128) out += hex(code);
    else for (const byte of Buffer.from(char, 'utf8')) out += hex(byte);
  }
  return out;
}

/** Django's `iri_to_uri()`: an IRI (text) as a URI, UTF-8 percent-encoded, reserved characters kept. */
export function iriToUri(iri: string): string {
  return quote(iri, IRI_TABLE, false);
}

/** `iri_to_uri()` for a byte string (QUERY_STRING): each non-ASCII code unit is one byte. */
export function byteStringToUri(value: string): string {
  return quote(value, IRI_TABLE, true);
}

/** Django's `escape_uri_path()`: a decoded path as it goes in a URI. */
export function escapeUriPath(path: string): string {
  return quote(path, PATH_TABLE, false);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A byte string (PATH_INFO) decoded as UTF-8, with the bytes of broken
 * sequences percent-encoded instead of replaced (Django's
 * `repercent_broken_unicode`), so `/caf%E9` stays distinguishable.
 */
export function repercentBrokenUnicode(value: string): string {
  if (isAscii(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Decode the valid stretches; escape each byte that starts no valid sequence.
  }
  let out = '';
  let start = 0;
  let index = 0;
  while (index < bytes.length) {
    const length = validSequenceLength(bytes, index);
    if (length > 0) {
      index += length;
      continue;
    }
    out += bytes.toString('utf8', start, index) + quote(String.fromCharCode(bytes[index]!), IRI_TABLE, true);
    index++;
    start = index;
  }
  return out + bytes.toString('utf8', start, index);
}

/** The length of the well-formed UTF-8 sequence at `index` (RFC 3629 §4), or 0. */
function validSequenceLength(bytes: Uint8Array, index: number): number {
  const first = bytes[index]!;
  if (first < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (first >= 0xc2 && first <= 0xdf) length = 2;
  else if (first >= 0xe0 && first <= 0xef) {
    length = 3;
    if (first === 0xe0) low = 0xa0;
    if (first === 0xed) high = 0x9f;
  } else if (first >= 0xf0 && first <= 0xf4) {
    length = 4;
    if (first === 0xf0) low = 0x90;
    if (first === 0xf4) high = 0x8f;
  } else return 0;
  for (let offset = 1; offset < length; offset++) {
    const byte = bytes[index + offset];
    if (byte === undefined) return 0;
    if (offset === 1 ? byte < low || byte > high : byte < 0x80 || byte > 0xbf) return 0;
  }
  return length;
}

/**
 * The scheme of a URL as Python's `urlsplit()` finds it: after dropping
 * leading C0 controls and spaces and every tab, CR and LF (WHATWG), the
 * letters before the first `:` when they form a scheme; lower-cased. `''`
 * for relative and scheme-relative URLs.
 */
export function urlScheme(url: string): string {
  const cleaned = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  const colon = cleaned.indexOf(':');
  if (colon <= 0 || !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(cleaned.slice(0, colon))) return '';
  return cleaned.slice(0, colon).toLowerCase();
}

/** The scheme, network location and path of a URL, as Python's `urlsplit()` finds them. */
export function splitUrl(url: string): { scheme: string; netloc: string; path: string } {
  let rest = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end === -1 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end === -1 ? '' : rest.slice(end + 2);
  }
  const pathEnd = rest.search(/[?#]/);
  return { scheme, netloc, path: pathEnd === -1 ? rest : rest.slice(0, pathEnd) };
}
