/**
 * The blog's custom path converter, `<year:year>`: four digits, from 1990 on.
 *
 * Converters live in one process-wide registry and a name can be registered
 * only once, so this registration sits in its own module, imported (for its
 * side effect) by the URLconf that uses it. ES modules run once however many
 * modules import them, so that is safe.
 *
 * `toValue` throwing means "this pattern does not match": `/articles/1985/`
 * goes on to the next pattern and, with none left, to the 404 handler.
 */
import { registerConverter } from '../../lib/framework/index.js';

/** The first year the blog has articles for. */
export const FIRST_YEAR = 1990;

// The value type of `<year:…>` captures, so views get `year: number`.
declare module '../../lib/framework/index.js' {
  interface ConverterValues {
    year: number;
  }
}

registerConverter('year', {
  regex: '[0-9]{4}',
  toValue(text) {
    const year = Number(text);
    if (year < FIRST_YEAR) throw new RangeError(`No articles before ${FIRST_YEAR}.`);
    return year;
  },
  toUrl: (value) => String(value).padStart(4, '0'),
});
