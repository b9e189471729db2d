import { computeSma } from "./moving-averages.js";
import type { Series } from "./series.js";

export interface BollingerOptions {
  /** Window of the middle band and of the deviation. Default 20. */
  readonly period?: number;
  /** Deviations between the middle and an outer band. Default 2. */
  readonly multiplier?: number;
}

export interface BollingerBands {
  readonly middle: Series;
  readonly upper: Series;
  readonly lower: Series;
  /** (upper - lower) / middle. */
  readonly bandwidth: Series;
  /** (price - lower) / (upper - lower); `null` when the bands have zero width. */
  readonly percentB: Series;
}

/**
 * Bollinger Bands: middle = SMA(n); upper/lower = middle +/- k * sigma, where sigma is the
 * POPULATION standard deviation of the same n prices (divide by n, as Bollinger and StockCharts do).
 * Warm-up: `null` for the first n - 1 indices.
 */
export function computeBollingerBands(
  prices: readonly number[],
  options: BollingerOptions = {},
): BollingerBands {
  const { period = 20, multiplier = 2 } = options;
  const middle = computeSma(prices, period);
  const sigma = middle.map((m, i) => {
    if (m === null) return null;
    let ss = 0;
    for (let j = i + 1 - period; j <= i; j++) ss += ((prices[j] as number) - m) ** 2;
    return Math.sqrt(ss / period);
  });
  const upper = middle.map((m, i) => (m === null ? null : m + multiplier * (sigma[i] as number)));
  const lower = middle.map((m, i) => (m === null ? null : m - multiplier * (sigma[i] as number)));
  const bandwidth = middle.map((m, i) =>
    m === null || m === 0 ? null : ((upper[i] as number) - (lower[i] as number)) / m,
  );
  const percentB = middle.map((m, i) => {
    const u = upper[i];
    const l = lower[i];
    if (m === null || u === null || u === undefined || l === null || l === undefined || u === l) return null;
    return ((prices[i] as number) - l) / (u - l);
  });
  return { middle, upper, lower, bandwidth, percentB };
}
