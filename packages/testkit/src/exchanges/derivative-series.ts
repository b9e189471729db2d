import { createSeriesSource, type PriceKind } from "../series/index.js";
import { premiumSamples } from "./okx-derivatives.js";

const HOUR = 3_600_000;

export type DerivativeTableName =
  "mark_ohlcv_1h" | "index_ohlcv_1h" | "premium_index_ohlcv_1h" | "long_short_ratios";

const KIND: Readonly<Record<string, PriceKind>> = {
  mark_ohlcv_1h: "mark",
  index_ohlcv_1h: "index",
  premium_index_ohlcv_1h: "premium",
};

/**
 * What the exchange simulators serve for a derivatives table, in the dataset's columns (without the
 * series identity): closed hours in [startMs, endMs), each value as the exchange's payload states it
 * (Binance's ratios to 4 decimals, Bybit's long/short shares, OKX's premium candles built from its
 * minute samples, taker volumes as buy / sell). Tests compare a pipeline's stored rows with it.
 */
export function simulatedDerivativeRows(p: {
  seed: number;
  table: DerivativeTableName;
  exchange: string;
  symbol: string;
  startMs: number;
  endMs: number;
  nowMs: number;
}): Record<string, unknown>[] {
  const series = createSeriesSource({ seed: p.seed });
  const startMs = Math.ceil(p.startMs / HOUR) * HOUR;
  const endMs = Math.min(p.endMs, Math.floor(p.nowMs / HOUR) * HOUR);
  const range = { exchange: p.exchange, symbol: p.symbol, startMs, endMs };
  const kind = KIND[p.table];
  if (kind === "premium" && p.exchange === "okx") {
    const samples = premiumSamples(series, p.symbol, startMs, endMs, p.nowMs);
    const hours = new Map<number, number[]>();
    for (const s of samples) {
      const h = Math.floor(s.ts / HOUR) * HOUR;
      hours.set(h, [...(hours.get(h) ?? []), s.premium]);
    }
    return [...hours].map(([ts, v]) => ({
      ts,
      open: v[0],
      high: Math.max(...v),
      low: Math.min(...v),
      close: v.at(-1),
    }));
  }
  if (kind !== undefined) {
    return series
      .priceCandles({ ...range, interval: "1h", kind, nowMs: p.nowMs })
      .filter((c) => c.ts + HOUR <= p.nowMs)
      .map((c) => ({ ts: c.ts, open: c.open, high: c.high, low: c.low, close: c.close }));
  }
  const four = (x: number) => Number(x.toFixed(4));
  return series.longShortRatios({ ...range, periodMs: HOUR }).map((r) => {
    if (p.exchange === "bybit") {
      const buy = four(r.globalAccountRatio / (1 + r.globalAccountRatio));
      return {
        ts: r.ts,
        top_trader_account_ratio: null,
        top_trader_position_ratio: null,
        global_account_ratio: buy / four(1 - buy),
        taker_buy_sell_ratio: null,
      };
    }
    return {
      ts: r.ts,
      top_trader_account_ratio: r.topTraderAccountRatio,
      top_trader_position_ratio: r.topTraderPositionRatio,
      global_account_ratio: r.globalAccountRatio,
      taker_buy_sell_ratio: p.exchange === "okx" ? r.takerBuyVolume / r.takerSellVolume : r.takerBuySellRatio,
    };
  });
}
