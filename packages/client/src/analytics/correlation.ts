import { alignOnTs } from "./align.js";
import { computeReturns } from "./returns.js";
import type { TimedValue } from "./series.js";

/** Pearson correlation of two equal-length samples; NaN when either has zero variance or n < 2. */
export function computePearsonCorrelation(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0 && syy > 0)) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

export interface CorrelationMatrix {
  /** Series names, in the order of the matrix's rows and columns. */
  readonly names: string[];
  /** matrix[i][j] = correlation of names[i] with names[j]; 1 on the diagonal. */
  readonly matrix: number[][];
  /** Number of return observations each coefficient is computed on (aligned timestamps - 1). */
  readonly observations: number;
}

export interface CorrelationOptions {
  /** Correlate `simple` (default) or `log` returns. Prices themselves are never correlated: trending prices correlate spuriously. */
  readonly returns?: "simple" | "log";
}

/**
 * Pearson correlation matrix of the returns of several series (e.g. the closes of several tokens,
 * `{ BTC: selectCloses(btc), ETH: selectCloses(eth) }`). The series are first aligned on `ts` (inner join, see
 * `alignOnTs`), so every coefficient is computed on the same instants; then returns are taken
 * from the aligned prices.
 */
export function computeCorrelationMatrix(
  seriesByName: Readonly<Record<string, readonly TimedValue[]>>,
  options: CorrelationOptions = {},
): CorrelationMatrix {
  const names = Object.keys(seriesByName);
  const aligned = alignOnTs(names.map((n) => seriesByName[n] as readonly TimedValue[]));
  const columns = names.map(
    (_, j) =>
      computeReturns(
        aligned.map((r) => r.values[j] as number),
        options.returns ?? "simple",
      ).slice(1) as number[],
  );
  const matrix = names.map((_, i) =>
    names.map((__, j) =>
      i === j ? 1 : computePearsonCorrelation(columns[i] as number[], columns[j] as number[]),
    ),
  );
  return { names, matrix, observations: Math.max(0, aligned.length - 1) };
}
