import { collectDefined, computeSampleStdDev, type Series } from "./series.js";

/**
 * Annualised volatility: sample standard deviation of the period returns (n - 1) times
 * sqrt(periodsPerYear). `null` warm-up values of the returns are ignored. NaN for < 2 returns.
 */
export function computeVolatility(returns: Series, periodsPerYear: number): number {
  return computeSampleStdDev(collectDefined(returns)) * Math.sqrt(periodsPerYear);
}

/**
 * Rolling annualised volatility over the last `window` returns, ending at each index:
 * v[t] = stddev_samp(r[t-window+1..t]) * sqrt(periodsPerYear).
 * Warm-up: `null` until `window` defined returns are in the window (with returns from
 * `computeReturns`, the first value is at index `window`). Mirrors DuckDB's
 * `stddev_samp(r) OVER (ROWS BETWEEN window-1 PRECEDING AND CURRENT ROW)`, which the SQL template
 * `select_rolling_volatility_by_symbol.sql` uses (tested to agree).
 */
export function computeRollingVolatility(returns: Series, window: number, periodsPerYear: number): Series {
  if (!(window >= 2)) throw new RangeError(`window must be at least 2, got ${window}`);
  const scale = Math.sqrt(periodsPerYear);
  return returns.map((_, i) => {
    if (i + 1 < window) return null;
    const slice = returns.slice(i + 1 - window, i + 1);
    if (slice.some((v) => v === null)) return null;
    return computeSampleStdDev(slice as number[]) * scale;
  });
}
