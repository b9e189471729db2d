/**
 * Quantile by linear interpolation between closest ranks (Hyndman & Fan type 7: numpy's default,
 * DuckDB's `quantile_cont`, Excel's PERCENTILE.INC): h = (n - 1) q, Q = x[floor h] + (h - floor h)(x[ceil h] - x[floor h]).
 * NaN for an empty sample.
 */
export function computeQuantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}

function computeCentralMoments(values: readonly number[]): { n: number; m2: number; m3: number; m4: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of values) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  return { n, m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

/**
 * Sample skewness, adjusted Fisher-Pearson (Excel SKEW, pandas `skew`, DuckDB `skewness`):
 * G1 = sqrt(n (n - 1)) / (n - 2) * m3 / m2^1.5, m_k the k-th central moment (divided by n).
 * NaN for n < 3 or zero variance.
 */
export function computeSkewness(values: readonly number[]): number {
  const { n, m2, m3 } = computeCentralMoments(values);
  if (n < 3 || !(m2 > 0)) return Number.NaN;
  return ((Math.sqrt(n * (n - 1)) / (n - 2)) * m3) / m2 ** 1.5;
}

/**
 * Sample EXCESS kurtosis (0 for a normal distribution), bias-corrected (Excel KURT, pandas `kurt`,
 * DuckDB `kurtosis`): G2 = (n - 1) / ((n - 2)(n - 3)) * ((n + 1) m4 / m2^2 - 3 (n - 1)).
 * NaN for n < 4 or zero variance.
 */
export function computeExcessKurtosis(values: readonly number[]): number {
  const { n, m2, m4 } = computeCentralMoments(values);
  if (n < 4 || !(m2 > 0)) return Number.NaN;
  return ((n - 1) / ((n - 2) * (n - 3))) * (((n + 1) * m4) / (m2 * m2) - 3 * (n - 1));
}

export interface DistributionSummary {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Quantiles at 1%, 5%, 25%, 50%, 75%, 95%, 99% (type 7). */
  readonly quantiles: Readonly<Record<"p01" | "p05" | "p25" | "p50" | "p75" | "p95" | "p99", number>>;
  readonly skewness: number;
  readonly excessKurtosis: number;
}

/** Count, mean, extremes, quantiles, skewness and excess kurtosis of a sample (e.g. daily returns). */
export function summarizeDistribution(values: readonly number[]): DistributionSummary {
  const q = (p: number) => computeQuantile(values, p);
  return {
    count: values.length,
    mean: values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length,
    // reduce, not Math.min(...values): a spread of a million returns overflows the call stack.
    min: values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.min(a, b)),
    max: values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.max(a, b)),
    quantiles: {
      p01: q(0.01),
      p05: q(0.05),
      p25: q(0.25),
      p50: q(0.5),
      p75: q(0.75),
      p95: q(0.95),
      p99: q(0.99),
    },
    skewness: computeSkewness(values),
    excessKurtosis: computeExcessKurtosis(values),
  };
}
