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

/**
 * A 95% confidence interval for the median of what `values` were drawn
 * from, free of any assumption about their distribution: the k-th smallest
 * and k-th largest value, with k the largest count for which fewer than k
 * of n values fall below the true median with probability at most 2.5%
 * (the binomial distribution with p = 1/2). Undefined for fewer than 6 values,
 * which cannot bound the median at 95%.
 */
export function medianInterval(values: readonly number[]): [lower: number, upper: number] | undefined {
  const n = values.length;
  // P(X <= j) for X ~ Binomial(n, 1/2), summed term by term.
  let term = 0.5 ** n;
  let below = 0;
  let k = 0;
  for (let j = 0; j < n; j += 1) {
    below += term;
    if (2 * below > 0.05) break;
    k = j + 1;
    term = (term * (n - j)) / (j + 1);
  }
  if (k === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[k - 1]!, sorted[n - k]!];
}

/**
 * `values` as `0.912 (95% confidence 0.890–0.944; middle half 0.880–0.951, all 0.801–1.060)`.
 * A target inside the confidence interval is neither shown to be met nor missed.
 */
export function describeRatios(values: readonly number[]): string {
  const [lower, upper] = quartiles(values);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const interval = medianInterval(values);
  const confidence = interval === undefined ? '95% confidence needs 6 rounds or more' : `95% confidence ${interval[0].toFixed(3)}–${interval[1].toFixed(3)}`;
  return `${median(values).toFixed(3)} (${confidence}; middle half ${lower.toFixed(3)}–${upper.toFixed(3)}, all ${low.toFixed(3)}–${high.toFixed(3)})`;
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
