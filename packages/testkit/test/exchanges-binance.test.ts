import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExchangeSimulator, type ExchangeSimulator } from "../src/exchanges/index.js";
import { generateCandles } from "../src/series/index.js";
import { connect, pageOhlcv } from "./exchanges-helpers.js";

const NOW = Date.parse("2024-06-10T12:34:56Z");
const HOUR = 3_600_000;
let sim: ExchangeSimulator;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 42, nowMs: () => NOW });
});
afterAll(async () => {
  await sim.stop();
});

const asOhlcv = (c: {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}) => [c.ts, c.open, c.high, c.low, c.close, c.volume];

describe("binance simulator through ccxt", () => {
  it("loads spot, USDⓈ-M and COIN-M markets from the recorded lists", async () => {
    const binance = connect(sim, "binance");
    const markets = await binance.loadMarkets();
    expect(markets["BTC/USDT"]?.spot).toBe(true);
    expect(markets["ETH/USDT"]?.spot).toBe(true);
    expect(markets["BTC/USDT:USDT"]?.swap).toBe(true);
    expect(markets["BTC/USD:BTC"]?.inverse).toBe(true);
    expect(sim.counters.binance.requests["/api/v3/exchangeInfo"]).toBe(1);
  });

  it("pages spot 1h candles by since and returns exactly the generated series", async () => {
    const binance = connect(sim, "binance");
    await binance.loadMarkets();
    const start = Date.parse("2024-01-01T00:00:00Z");
    const end = start + 2500 * HOUR;
    const rows = await pageOhlcv(binance, "BTC/USDT", "1h", start, end, 1000);
    const want = generateCandles({
      seed: 42,
      exchange: "binance",
      symbol: "BTC/USDT",
      interval: "1h",
      startMs: start,
      endMs: end,
    });
    expect(rows).toEqual(want.map(asOhlcv));
  });

  it("serves perpetual candles, funding with ms jitter and open interest", async () => {
    const binance = connect(sim, "binance");
    await binance.loadMarkets();
    const start = NOW - 3 * 86_400_000;
    const candles = await binance.fetchOHLCV("BTC/USDT:USDT", "1m", start, 1000);
    expect(candles.map((c) => c[0])).toEqual(
      generateCandles({
        seed: 42,
        exchange: "binance",
        symbol: "BTC/USDT:USDT",
        interval: "1m",
        startMs: start,
        endMs: start + 1000 * 60_000,
      }).map((c) => c.ts),
    );
    const funding = await binance.fetchFundingRateHistory("BTC/USDT:USDT", start);
    expect(funding.length).toBe(9);
    expect(funding.every((f) => (f.timestamp ?? 0) % (8 * HOUR) < 25)).toBe(true);
    const oi = await binance.fetchOpenInterestHistory("BTC/USDT:USDT", "1h", start, 48);
    expect(oi).toHaveLength(48);
    expect(oi[0]?.openInterestAmount).toBeGreaterThan(0);
  });

  it("returns the still-forming candle with a close time after now", async () => {
    const binance = connect(sim, "binance");
    await binance.loadMarkets();
    const rows = await binance.fetchOHLCV("BTC/USDT", "1h", undefined, 3);
    const last = rows[rows.length - 1];
    expect(last?.[0]).toBe(Math.floor(NOW / HOUR) * HOUR);
    const [closed] = generateCandles({
      seed: 42,
      exchange: "binance",
      symbol: "BTC/USDT",
      interval: "1h",
      startMs: last?.[0] ?? 0,
      endMs: (last?.[0] ?? 0) + HOUR,
    });
    expect(last?.[5]).toBeLessThan(closed?.volume ?? 0);
    // ccxt drops the close time: read it from the wire. Binance's is the open time + interval - 1 ms,
    // after now only for the forming candle.
    for (const [route, symbol] of [
      ["/api/v3/klines", "BTCUSDT"],
      ["/fapi/v1/klines", "BTCUSDT"],
    ] as const) {
      const response = await fetch(`${sim.urls.binance}${route}?symbol=${symbol}&interval=1h&limit=3`);
      const klines = (await response.json()) as [number, ...unknown[]][];
      expect(
        klines.map((k) => k[0]),
        route,
      ).toEqual([-2, -1, 0].map((i) => Math.floor(NOW / HOUR) * HOUR + i * HOUR));
      expect(
        klines.map((k) => k[6]),
        route,
      ).toEqual(klines.map((k) => k[0] + HOUR - 1));
      expect(
        klines.map((k) => (k[6] as number) > NOW),
        route,
      ).toEqual([false, false, true]);
    }
  });
});
