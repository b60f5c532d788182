// Summary statistics of timing samples and of accuracies over seeds. Pure functions; callers
// pass plain arrays. An empty input has no statistic: these return NaN rather than guess.

/** The p-th percentile (0..100), linear between the two nearest order statistics (numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample standard deviation (n - 1): the spread over a few seeds, not of a whole population. NaN below 2 values. */
export function std(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

export function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}
