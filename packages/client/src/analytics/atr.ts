import { computeWilderAverage } from "./moving-averages.js";
import type { CandleFields, Series } from "./series.js";

type Bar = Pick<CandleFields, "high" | "low" | "close">;

/**
 * True range: max(high - low, |high - prevClose|, |low - prevClose|); the first candle, having no
 * previous close, uses high - low.
 */
export function computeTrueRange(candles: readonly Bar[]): number[] {
  return candles.map((c, i) => {
    const prev = i === 0 ? undefined : candles[i - 1];
    if (prev === undefined) return c.high - c.low;
    return Math.max(c.high - c.low, Math.abs(c.high - prev.close), Math.abs(c.low - prev.close));
  });
}

/**
 * Wilder's Average True Range: the first ATR is the mean of the first n true ranges (index n - 1),
 * then ATR[t] = (ATR[t-1] (n - 1) + TR[t]) / n. Warm-up: `null` for the first n - 1 indices.
 */
export function computeAtr(candles: readonly Bar[], period = 14): Series {
  return computeWilderAverage(computeTrueRange(candles), period);
}
