import type { ClientRow } from "@cexdata/schema";
import type { TearsheetInput } from "../src/tearsheet/index.js";
import { createRandom, generateCandles } from "./analytics-candles.js";

const HOUR = 3_600_000;

/** A perp's half year: daily candles, 8-hourly funding, 4-hourly open interest with one build-up spike. */
export function createTearsheetInput(days = 180): TearsheetInput & { candles: ClientRow<"ohlcv_1d">[] } {
  const candles = generateCandles(days, { seed: 21, symbol: "BTC/USDT:USDT", market: "perp" });
  const start = candles[0]?.ts.getTime() ?? 0;
  const random = createRandom(5);
  const fundingRates: ClientRow<"funding_rates">[] = Array.from({ length: days * 3 }, (_, i) => ({
    exchange: "binance",
    symbol: "BTC/USDT:USDT",
    ts: new Date(start + i * 8 * HOUR + 3),
    base: "BTC",
    quote: "USDT",
    fundingRate: 0.0001 + (random() - 0.4) * 0.0003 * Math.sin(i / 20),
    markPrice: null,
    intervalHours: 8,
  }));
  let oi = 80_000;
  const openInterest: ClientRow<"open_interest">[] = Array.from({ length: days * 6 }, (_, i) => {
    oi *= 1 + (random() - 0.5) * 0.01;
    const value = i === days * 3 ? oi * 1.25 : oi;
    return {
      exchange: "binance",
      symbol: "BTC/USDT:USDT",
      ts: new Date(start + i * 4 * HOUR),
      base: "BTC",
      quote: "USDT",
      openInterest: value,
      openInterestValue: null,
    };
  });
  return {
    candles,
    fundingRates,
    openInterest,
    provenance: {
      datasetVersion: 42,
      updateTime: "2024-07-01T00:00:00.000Z",
      exchanges: ["binance"],
      symbol: "BTC/USDT:USDT",
      perpSymbol: "BTC/USDT:USDT",
      interval: "1d",
      dataset: "hf://datasets/cexdata/cexdata@main",
    },
    generatedAt: new Date("2024-07-02T00:00:00.000Z"),
  };
}
