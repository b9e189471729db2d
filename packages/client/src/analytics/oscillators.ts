import { computeEma, computeWilderAverage } from "./moving-averages.js";
import type { Series } from "./series.js";

/**
 * Wilder's Relative Strength Index.
 * change[t] = p[t] - p[t-1]; gain = max(change, 0); loss = max(-change, 0);
 * avgGain, avgLoss = Wilder averages (first = simple mean of the first n changes);
 * RSI = 100 - 100 / (1 + avgGain / avgLoss), 100 when avgLoss = 0 (50 when both are 0).
 * Warm-up: `null` for indices 0..n-1; the first RSI is at index n (it needs n changes).
 */
export function computeRsi(prices: readonly number[], period = 14): Series {
  const gains: (number | null)[] = [null];
  const losses: (number | null)[] = [null];
  for (let i = 1; i < prices.length; i++) {
    const change = (prices[i] as number) - (prices[i - 1] as number);
    gains.push(Math.max(change, 0));
    losses.push(Math.max(-change, 0));
  }
  const avgGain = computeWilderAverage(gains.slice(0, prices.length), period);
  const avgLoss = computeWilderAverage(losses.slice(0, prices.length), period);
  return avgGain.map((g, i) => {
    const l = avgLoss[i];
    if (g === null || l === null || l === undefined) return null;
    if (l === 0) return g === 0 ? 50 : 100;
    return 100 - 100 / (1 + g / l);
  });
}

export interface MacdOptions {
  readonly fast?: number;
  readonly slow?: number;
  readonly signal?: number;
}

export interface Macd {
  /** EMA(fast) - EMA(slow); `null` until the slow EMA exists (index slow - 1). */
  readonly macd: Series;
  /** EMA(signal) of the MACD line, seeded with its SMA; first value at index slow + signal - 2. */
  readonly signal: Series;
  /** macd - signal; `null` where the signal is. */
  readonly histogram: Series;
}

/**
 * Moving Average Convergence/Divergence (Appel), default 12 / 26 / 9, every EMA seeded with the SMA
 * of its first values (as in StockCharts' and the common spreadsheet worked examples).
 */
export function computeMacd(prices: readonly number[], options: MacdOptions = {}): Macd {
  const { fast = 12, slow = 26, signal = 9 } = options;
  if (!(fast < slow)) throw new RangeError(`fast period (${fast}) must be shorter than slow (${slow})`);
  const fastEma = computeEma(prices, fast);
  const slowEma = computeEma(prices, slow);
  const macd = slowEma.map((s, i) => {
    const f = fastEma[i];
    return s === null || f === null || f === undefined ? null : f - s;
  });
  const signalLine = computeEma(macd, signal);
  const histogram = macd.map((m, i) => {
    const s = signalLine[i];
    return m === null || s === null || s === undefined ? null : m - s;
  });
  return { macd, signal: signalLine, histogram };
}
