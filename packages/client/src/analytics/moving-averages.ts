import type { Series } from "./series.js";

type Input = readonly (number | null)[];

function assertPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`period must be a positive integer, got ${period}`);
}

/**
 * Simple moving average: s[t] = (x[t-n+1] + ... + x[t]) / n.
 * Warm-up: `null` until n values are in the window (first value at index n - 1); `null` while a
 * `null` input is in the window. The SQL template `select_sma_by_symbol.sql` mirrors this
 * definition with `avg(close) OVER (ROWS BETWEEN n-1 PRECEDING AND CURRENT ROW)` (tested to agree).
 */
export function computeSma(values: Input, period: number): Series {
  assertPeriod(period);
  return values.map((_, i) => {
    if (i + 1 < period) return null;
    let sum = 0;
    for (let j = i + 1 - period; j <= i; j++) {
      const v = values[j];
      if (v === null || v === undefined) return null;
      sum += v;
    }
    return sum / period;
  });
}

/**
 * Exponential average with smoothing factor `alpha`, seeded with the simple average of the first
 * `period` values (the StockCharts / TA-Lib convention): e[n-1] = SMA, e[t] = e[t-1] + alpha (x[t] - e[t-1]).
 * Leading `null`s are skipped, so an average of a series that itself warms up (a MACD line)
 * starts where that series does; a `null` after that restarts the warm-up.
 */
function computeSeededAverage(values: Input, period: number, alpha: number): Series {
  assertPeriod(period);
  const out: Series = [];
  let seed: number[] = [];
  let prev: number | null = null;
  for (const v of values) {
    if (v === null) {
      seed = [];
      prev = null;
      out.push(null);
    } else if (prev === null) {
      seed.push(v);
      if (seed.length === period) prev = seed.reduce((a, b) => a + b, 0) / period;
      out.push(prev);
    } else {
      prev = prev + alpha * (v - prev);
      out.push(prev);
    }
  }
  return out;
}

/**
 * Exponential moving average, alpha = 2 / (n + 1), seeded with the SMA of the first n values.
 * Warm-up: `null` for the first n - 1 values.
 */
export function computeEma(values: Input, period: number): Series {
  return computeSeededAverage(values, period, 2 / (period + 1));
}

/**
 * Wilder's smoothing (the RMA used by RSI and ATR), alpha = 1 / n, seeded with the SMA of the first
 * n values: w[t] = (w[t-1] (n - 1) + x[t]) / n. Warm-up: `null` for the first n - 1 values.
 */
export function computeWilderAverage(values: Input, period: number): Series {
  return computeSeededAverage(values, period, 1 / period);
}
