/**
 * Turning the `PATH_INFO` below staticFiles' prefix into path segments that
 * cannot leave the root. `PATH_INFO` is already percent-decoded once (SPEC
 * §5.3) and is a byte string: it is decoded as UTF-8 here, strictly.
 */
import { Buffer } from 'node:buffer';

/** Why a path was refused (answered 400, never looked up). */
export type UnsafeReason = 'invalid UTF-8' | 'a NUL byte' | 'a backslash' | "a '.' or '..' segment" | 'a drive letter';

export type SafePath =
  | { readonly safe: true; readonly segments: readonly string[]; readonly trailingSlash: boolean; readonly dotfile: boolean }
  | { readonly safe: false; readonly reason: UnsafeReason };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `%2e` style escapes decoded once more, for the check only: a proxy or file system may decode again. */
function decodedAgain(segment: string): string {
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** The segments of `rest` (`''` or `/a/b`), or why it is refused. Empty segments (`//`) are dropped. */
export function safeSegments(rest: string): SafePath {
  let text: string;
  try {
    text = utf8.decode(Buffer.from(rest, 'latin1'));
  } catch {
    return { safe: false, reason: 'invalid UTF-8' };
  }
  const segments: string[] = [];
  let dotfile = false;
  for (const segment of text.split('/')) {
    if (segment === '') continue;
    for (const form of [segment, decodedAgain(segment)]) {
      if (form.includes('\0')) return { safe: false, reason: 'a NUL byte' };
      if (form.includes('\\')) return { safe: false, reason: 'a backslash' };
      if (form === '.' || form === '..' || form.includes('/')) return { safe: false, reason: "a '.' or '..' segment" };
      if (/^[A-Za-z]:/.test(form)) return { safe: false, reason: 'a drive letter' };
    }
    if (segment.startsWith('.')) dotfile = true;
    segments.push(segment);
  }
  return { safe: true, segments, trailingSlash: text.endsWith('/'), dotfile };
}

/** A byte-string path percent-encoded for a `Location` header: unreserved and sub-delims kept. */
export function encodePath(path: string): string {
  let out = '';
  for (let index = 0; index < path.length; index++) {
    const char = path[index]!;
    out += /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/.test(char) ? char : `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
