import { computeYearsBetween } from "./periods.js";
import type { Series } from "./series.js";

export type ReturnKind = "simple" | "log";

/**
 * Period returns of a price series.
 * simple: r[t] = p[t] / p[t-1] - 1;  log: r[t] = ln(p[t] / p[t-1]).
 * Warm-up: r[0] is `null` (no previous price). A non-positive previous price gives `null`.
 * The SQL template `select_returns_by_symbol.sql` mirrors this definition (tested to agree).
 */
export function computeReturns(prices: readonly number[], kind: ReturnKind = "simple"): Series {
  return prices.map((p, i) => {
    const prev = i === 0 ? undefined : prices[i - 1];
    if (prev === undefined || !(prev > 0)) return null;
    return kind === "log" ? Math.log(p / prev) : p / prev - 1;
  });
}

/**
 * Cumulative simple return since the first price: c[t] = p[t] / p[0] - 1 (so c[0] = 0).
 * This is the equity curve of holding one unit, minus one.
 */
export function computeCumulativeReturns(prices: readonly number[]): number[] {
  const first = prices[0];
  if (first === undefined) return [];
  return prices.map((p) => p / first - 1);
}

/** p[last] / p[0] - 1; NaN for an empty series. */
export function computeTotalReturn(prices: readonly number[]): number {
  const first = prices[0];
  const last = prices.at(-1);
  if (first === undefined || last === undefined) return Number.NaN;
  return last / first - 1;
}

/**
 * Compound annual growth rate: (p[last] / p[0]) ^ (1 / years) - 1, with years the time between
 * the first and the last candle on a 365-day year (the data's own clock, so gaps do not bend it).
 * NaN when the span is zero.
 */
export function computeCagr(candles: readonly { ts: Date; close: number }[]): number {
  const first = candles[0];
  const last = candles.at(-1);
  if (first === undefined || last === undefined) return Number.NaN;
  const years = computeYearsBetween(first.ts, last.ts);
  if (!(years > 0)) return Number.NaN;
  return (last.close / first.close) ** (1 / years) - 1;
}
