/**
 * The statistics the benchmarks report over their rounds. On a shared
 * machine single rounds differ by ±15% or more, so a figure comes with the
 * spread of the rounds it was taken from: the middle half (the quartiles)
 * says how far a median can be trusted.
 */

/** The median of `values` (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** The lower and upper quartiles of `values`: the middle half of the rounds lies between them. */
export function quartiles(values: readonly number[]): [lower: number, upper: number] {
  const sorted = [...values].sort((a, b) => a - b);
  return [quantile(sorted, 0.25), quantile(sorted, 0.75)];
}

/** `values` as `0.912 (middle half 0.880–0.951, all 0.801–1.060)`. */
export function describeRatios(values: readonly number[]): string {
  const [lower, upper] = quartiles(values);
  const low = Math.min(...values);
  const high = Math.max(...values);
  return `${median(values).toFixed(3)} (middle half ${lower.toFixed(3)}–${upper.toFixed(3)}, all ${low.toFixed(3)}–${high.toFixed(3)})`;
}

/** A count with thousands separators: `12,345`. */
export function format(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** The `q` quantile of sorted `values`, interpolating between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.ceil(at);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}
