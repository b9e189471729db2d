import type { CandleFields, Series } from "./series.js";

type Bar = Pick<CandleFields, "high" | "low" | "close" | "volume">;

/** (high + low + close) / 3: the price a candle's whole volume is assumed to trade at. */
function computeTypicalPrice(c: Bar): number {
  return (c.high + c.low + c.close) / 3;
}

/**
 * Volume-weighted average price, cumulative from the first candle given:
 * VWAP[t] = sum(typical[i] * volume[i], i <= t) / sum(volume[i], i <= t), typical = (H + L + C) / 3.
 * Anchor it (a session, a day) by passing only the candles since the anchor. `null` while no
 * volume has traded yet. No other warm-up.
 */
export function computeVwap(candles: readonly Bar[]): Series {
  let pv = 0;
  let vol = 0;
  return candles.map((c) => {
    pv += computeTypicalPrice(c) * c.volume;
    vol += c.volume;
    return vol > 0 ? pv / vol : null;
  });
}

/**
 * Rolling VWAP over the last `window` candles (same formula on a moving window).
 * Warm-up: `null` for the first window - 1 indices, and where the window traded no volume.
 */
export function computeRollingVwap(candles: readonly Bar[], window: number): Series {
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`window must be a positive integer, got ${window}`);
  return candles.map((_, i) => {
    if (i + 1 < window) return null;
    let pv = 0;
    let vol = 0;
    for (let j = i + 1 - window; j <= i; j++) {
      const c = candles[j] as Bar;
      pv += computeTypicalPrice(c) * c.volume;
      vol += c.volume;
    }
    return vol > 0 ? pv / vol : null;
  });
}
