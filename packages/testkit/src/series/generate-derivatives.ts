import type { SimCandle } from "./generate-candles.js";
import { hashString, roundTo, valueNoise } from "./hash.js";
import { isListedAt, isPerpetual } from "./symbol-life.js";

/** The reference prices of a perpetual the derivatives tables store. */
export type PriceKind = "mark" | "index" | "premium";

/** A candle of a reference price: no volume, these prices are not traded. */
export interface SimPriceCandle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

const HOUR = 3_600_000;

/**
 * Mark and index candles follow the contract's own candles (same shape, scaled by a slowly
 * wandering factor: the mark within ±0.02% of the last price, the index ±0.05% below or above it),
 * so basis studies on the simulated data look like real ones. The premium index is its own small
 * signed series (±0.05%) with a wick either side. All rounded to 8 decimals, as Binance sends them.
 */
export function derivePriceCandles(
  seed: number,
  exchange: string,
  symbol: string,
  kind: PriceKind,
  candles: readonly SimCandle[],
  intervalMs: number,
): SimPriceCandle[] {
  if (!isPerpetual(symbol)) return [];
  const key = hashString(`${seed}|${kind}|${exchange}|${symbol}`);
  return candles.map((c) => {
    const hours = c.ts / HOUR;
    if (kind === "premium") {
      const at = (h: number) => 0.0005 * valueNoise(key, h / 6) + 0.0001 * valueNoise(key ^ 0x55, h);
      const open = at(hours);
      const close = at(hours + intervalMs / HOUR);
      const wick = 0.00005 * (1 + valueNoise(key ^ 0x77, hours * 3));
      return {
        ts: c.ts,
        open: roundTo(open, 8),
        high: roundTo(Math.max(open, close) + wick, 8),
        low: roundTo(Math.min(open, close) - wick, 8),
        close: roundTo(close, 8),
      };
    }
    const spread = kind === "mark" ? 0.0002 : -0.0005;
    const factor = 1 + spread * valueNoise(key, hours / 12);
    return {
      ts: c.ts,
      open: roundTo(c.open * factor, 8),
      high: roundTo(c.high * factor, 8),
      low: roundTo(c.low * factor, 8),
      close: roundTo(c.close * factor, 8),
    };
  });
}

/** Positioning ratios of a perpetual at one time (longs / shorts; taker buy / sell volume). */
export interface SimLongShortRatios {
  ts: number;
  topTraderAccountRatio: number;
  topTraderPositionRatio: number;
  globalAccountRatio: number;
  takerBuySellRatio: number;
  /** Taker volumes in base units over the period ending at ts (their ratio is takerBuySellRatio). */
  takerBuyVolume: number;
  takerSellVolume: number;
}

/**
 * Ratios of a perpetual sampled every `periodMs` in [startMs, endMs): each a smooth function of
 * time alone, so a 5-minute archive row and an hourly REST row taken at the same instant agree.
 * Values are rounded to 4 decimals, as Binance's REST answers carry them.
 */
export function generateLongShortRatios(p: {
  seed: number;
  exchange: string;
  symbol: string;
  startMs: number;
  endMs: number;
  periodMs: number;
}): SimLongShortRatios[] {
  if (!isPerpetual(p.symbol)) return [];
  const key = hashString(`${p.seed}|ls|${p.exchange}|${p.symbol}`);
  const out: SimLongShortRatios[] = [];
  for (let ts = Math.ceil(p.startMs / p.periodMs) * p.periodMs; ts < p.endMs; ts += p.periodMs) {
    if (!isListedAt(p.exchange, p.symbol, ts)) continue;
    const h = ts / HOUR;
    const ratio = (k: number, level: number, swing: number) =>
      roundTo(level * Math.exp(swing * valueNoise(key ^ k, h / 24)), 4);
    const takerBuySellRatio = ratio(0x44, 1, 0.15);
    const takerSellVolume = roundTo(2000 * (1.2 + valueNoise(key ^ 0x66, h / 3)), 3);
    out.push({
      ts,
      topTraderAccountRatio: ratio(0x11, 1.4, 0.3),
      topTraderPositionRatio: ratio(0x22, 1.8, 0.3),
      globalAccountRatio: ratio(0x33, 1.1, 0.3),
      takerBuySellRatio,
      takerBuyVolume: roundTo(takerSellVolume * takerBuySellRatio, 3),
      takerSellVolume,
    });
  }
  return out;
}
