import type { Row } from "@cexdata/schema";
import { makeCandles } from "./make-rows.js";
import type { TestTables } from "./write-dataset.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** 1m candles run from here for three days, across a month boundary (two monthly files). */
export const START_1M = Date.UTC(2024, 0, 30, 0, 0);
export const START_1H = Date.UTC(2024, 0, 1);
export const START_1D = Date.UTC(2023, 11, 1);

type SeriesDef = { exchange: string; symbol: string; market: "spot" | "perp"; seed: number };

/** BTC everywhere; ETH on okx and coinbase only; SOL on coinbase only (quote USD). */
export const SERIES: readonly SeriesDef[] = [
  { exchange: "binance", symbol: "BTC/USDT", market: "spot", seed: 1 },
  { exchange: "okx", symbol: "BTC/USDT", market: "spot", seed: 2 },
  { exchange: "coinbase", symbol: "BTC/USD", market: "spot", seed: 3 },
  { exchange: "binance", symbol: "BTC/USDT:USDT", market: "perp", seed: 4 },
  { exchange: "okx", symbol: "ETH/USDT", market: "spot", seed: 5 },
  { exchange: "coinbase", symbol: "ETH/USD", market: "spot", seed: 6 },
  { exchange: "coinbase", symbol: "SOL/USD", market: "spot", seed: 7 },
];

/** The tables of the dataset most tests read. `version` shifts prices so versions differ. */
export function buildStandardTables(options: { version?: number; minutes?: number } = {}): TestTables {
  const bump = (options.version ?? 1) - 1;
  const candles = (intervalMs: number, startMs: number, count: number) =>
    SERIES.flatMap((s) =>
      makeCandles({ ...s, startMs, count, intervalMs, seed: s.seed * 7 + intervalMs, price: 100 + bump }),
    );
  const perp = { exchange: "binance", symbol: "BTC/USDT:USDT", base: "BTC", quote: "USDT" };
  const funding: Row<"funding_rates">[] = Array.from({ length: 30 }, (_, i) => ({
    ...perp,
    ts: START_1H + i * 8 * HOUR,
    funding_rate: ((i % 5) - 2) / 10_000,
    mark_price: 100 + i,
    interval_hours: 8,
  }));
  const openInterest: Row<"open_interest">[] = Array.from({ length: 48 }, (_, i) => ({
    ...perp,
    ts: START_1H + i * HOUR,
    open_interest: 1000 + i,
    open_interest_value: (1000 + i) * 100,
  }));
  const liquidations: Row<"liquidations">[] = Array.from({ length: 10 }, (_, i) => ({
    ...perp,
    ts: START_1H + i * 37 * MINUTE,
    id: `liq-${i}`,
    side: i % 2 ? "long" : "short",
    price: 100 + i,
    amount: 0.5,
    value: (100 + i) * 0.5,
  }));
  const updated = Date.UTC(2024, 5, 1);
  const exchangeInfo: Row<"exchange_info">[] = SERIES.map((s) => {
    const [base, rest] = s.symbol.split("/") as [string, string];
    return {
      exchange: s.exchange,
      symbol: s.symbol,
      market: s.market,
      base,
      quote: rest.split(":")[0]!,
      active: true,
      contract_size: s.market === "perp" ? 1 : null,
      tick_size: 0.01,
      amount_step: 0.00001,
      min_amount: 0.00001,
      min_notional: 5,
      maker_fee: 0.001,
      taker_fee: 0.001,
      listed_at: null,
      delisted_at: null,
      updated_at: updated,
    };
  });
  const tokenInfo: Row<"token_info">[] = ["BTC", "ETH", "SOL"].map((base) => ({
    base,
    name: base === "BTC" ? "Bitcoin" : null,
    exchanges: [...new Set(SERIES.filter((s) => s.symbol.startsWith(`${base}/`)).map((s) => s.exchange))],
    markets: SERIES.filter((s) => s.symbol.startsWith(`${base}/`)).length,
    delisted_markets: 0,
    first_ts: START_1D,
    last_ts: START_1M + 3 * DAY - MINUTE,
    updated_at: updated,
  }));
  return {
    ohlcv_1m: candles(MINUTE, START_1M, options.minutes ?? 3 * 24 * 60),
    ohlcv_1h: candles(HOUR, START_1H, 20 * 24),
    ohlcv_1d: candles(DAY, START_1D, 60),
    funding_rates: funding,
    open_interest: openInterest,
    liquidations,
    exchange_info: exchangeInfo,
    token_info: tokenInfo,
  };
}
