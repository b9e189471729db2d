import {
  generateCandles,
  generateFundingRates,
  generateLiquidations,
  generateOpenInterest,
  modelSymbol,
  type SimInterval,
} from "@cexdata/testkit";
import type { SeriesTable } from "../../src/exchanges/types.js";

/**
 * What the simulator's generator says a series holds in [startMs, endMs), in the fields each
 * exchange actually serves (Coinbase has no quote volume, only Binance counts trades, ...).
 */
export function expectedSeries(p: {
  seed: number;
  table: SeriesTable;
  exchange: string;
  symbol: string;
  startMs: number;
  endMs: number;
  nowMs: number;
}): Record<string, unknown>[] {
  const { seed, exchange, symbol, startMs, endMs } = p;
  const interval = ({ ohlcv_1m: "1m", ohlcv_1h: "1h", ohlcv_1d: "1d" } as Record<string, SimInterval>)[
    p.table
  ];
  if (interval) {
    // Binance klines carry taker-buy volumes: half the candle's, at its volume and quote precision.
    const model = modelSymbol(seed, exchange, symbol);
    const spot = !symbol.includes(":");
    const [v, q] = spot
      ? [8, 8]
      : [model.volumeDecimals, Math.min(8, model.priceDecimals + model.volumeDecimals)];
    const taker = (x: number, d: number) => (exchange === "binance" ? Number((x / 2).toFixed(d)) : null);
    return generateCandles({ seed, exchange, symbol, interval, startMs, endMs, nowMs: p.nowMs }).map((c) => ({
      ts: c.ts,
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
      volume: c.volume,
      quote_volume: exchange === "coinbase" ? null : c.quoteVolume,
      trades: exchange === "binance" ? c.trades : null,
      taker_buy_volume: taker(c.volume, v),
      taker_buy_quote_volume: taker(c.quoteVolume, q),
    }));
  }
  if (p.table === "funding_rates") {
    return generateFundingRates({ seed, exchange, symbol, startMs, endMs }).map((f) => ({
      ts: f.ts,
      funding_rate: f.fundingRate,
      mark_price: exchange === "binance" ? f.markPrice : null,
      interval_hours: f.intervalHours,
    }));
  }
  if (p.table === "open_interest") {
    return generateOpenInterest({ seed, exchange, symbol, startMs, endMs, periodMs: 3_600_000 }).map((o) => ({
      ts: o.ts,
      open_interest: o.openInterest,
      open_interest_value: exchange === "bybit" ? null : o.openInterestValue,
    }));
  }
  return generateLiquidations({ seed, exchange, symbol, startMs, endMs }).map((l) => ({
    ts: l.ts,
    side: l.side,
    price: l.price,
    amount: l.amount,
  }));
}

/** A stored candle row in the fields `expectedSeries` gives, to compare the two. */
export function candleFields(r: Record<string, unknown>): Record<string, unknown> {
  return {
    ts: r.ts,
    open: r.open,
    high: r.high,
    low: r.low,
    close: r.close,
    volume: r.volume,
    quote_volume: r.quote_volume,
    trades: r.trades,
    taker_buy_volume: r.taker_buy_volume,
    taker_buy_quote_volume: r.taker_buy_quote_volume,
  };
}
