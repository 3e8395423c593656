/**
 * The `Range` header of a request for a file of `size` bytes (RFC 9110
 * §14.2, byte ranges only).
 */

/** What to send: the whole file, one range, or 416. */
export type RangeAnswer =
  | { readonly kind: 'whole' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const WHOLE: RangeAnswer = { kind: 'whole' };
const SPEC = /^(\d*)-(\d*)$/;

/**
 * A malformed header, another unit, or several ranges give `whole`: RFC 9110
 * §14.2 lets a server ignore `Range`, and serving one 200 beats a multipart
 * response few clients need. A single range that starts past the end (or a
 * zero-length suffix) is unsatisfiable.
 */
export function parseRange(header: string, size: number): RangeAnswer {
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (match === null) return WHOLE;
  const specs = match[1]!.split(',').map((spec) => spec.trim()).filter((spec) => spec !== '');
  if (specs.length !== 1) return WHOLE;
  const parts = SPEC.exec(specs[0]!);
  if (parts === null || (parts[1] === '' && parts[2] === '')) return WHOLE;
  const [first, last] = [parts[1]!, parts[2]!];
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (!Number.isSafeInteger(length)) return WHOLE;
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return WHOLE;
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}
