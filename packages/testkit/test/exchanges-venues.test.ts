import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExchangeSimulator, type ExchangeSimulator } from "../src/exchanges/index.js";
import {
  generateCandles,
  generateFundingRates,
  generateLiquidations,
  generateOpenInterest,
} from "../src/series/index.js";
import { connect, pageOhlcv } from "./exchanges-helpers.js";

const NOW = Date.parse("2024-06-10T12:34:56Z");
const HOUR = 3_600_000;
const MINUTE = 60_000;
let sim: ExchangeSimulator;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 9, nowMs: () => NOW });
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
const expected = (
  exchange: string,
  symbol: string,
  interval: "1m" | "1h" | "1d",
  startMs: number,
  endMs: number,
) => generateCandles({ seed: 9, exchange, symbol, interval, startMs, endMs, nowMs: NOW }).map(asOhlcv);

describe("okx simulator through ccxt", () => {
  it("loads markets, pages history candles newest-first into exactly the generated series", async () => {
    const okx = connect(sim, "okx");
    const markets = await okx.loadMarkets();
    expect(markets["BTC/USDT"]?.spot).toBe(true);
    expect(markets["BTC/USDT:USDT"]?.swap).toBe(true);
    const start = Date.parse("2024-03-01T00:00:00Z");
    const end = start + 250 * HOUR;
    expect(await pageOhlcv(okx, "BTC/USDT:USDT", "1h", start, end, 100)).toEqual(
      expected("okx", "BTC/USDT:USDT", "1h", start, end),
    );
    expect(sim.counters.okx.requests["/api/v5/market/history-candles"]).toBeGreaterThanOrEqual(3);
  });

  it("marks the still-forming candle with confirm 0", async () => {
    const okx = connect(sim, "okx");
    await okx.loadMarkets();
    await okx.fetchOHLCV("BTC/USDT", "1m", undefined, 5);
    const raw = JSON.parse(okx.last_http_response ?? "{}") as { data: string[][] };
    expect(raw.data[0]?.[0]).toBe(String(Math.floor(NOW / MINUTE) * MINUTE));
    expect(raw.data[0]?.[8]).toBe("0");
    expect(raw.data[1]?.[8]).toBe("1");
  });

  it("serves funding history, open interest and liquidation orders", async () => {
    const okx = connect(sim, "okx");
    await okx.loadMarkets();
    const since = NOW - 2 * 86_400_000;
    const funding = await okx.fetchFundingRateHistory("BTC/USDT:USDT", since);
    const want = generateFundingRates({
      seed: 9,
      exchange: "okx",
      symbol: "BTC/USDT:USDT",
      startMs: since,
      endMs: NOW,
    });
    expect(funding.map((f) => [f.timestamp, f.fundingRate])).toEqual(want.map((f) => [f.ts, f.fundingRate]));
    const oi = await okx.fetchOpenInterestHistory("BTC/USDT:USDT", "1h", since);
    expect(oi.length).toBeGreaterThan(0);
    expect(oi[0]?.openInterestValue).toBeGreaterThan(0);
    const liq = (await okx.request("public/liquidation-orders", "public", "GET", {
      instType: "SWAP",
      instFamily: "BTC-USDT",
      state: "filled",
      limit: "100",
    })) as {
      code: string;
      data: { details: { ts: string; posSide: string }[] }[];
    };
    const details = liq.data[0]?.details ?? [];
    expect(liq.code).toBe("0");
    expect(details.length).toBeGreaterThan(0);
    const newest = generateLiquidations({
      seed: 9,
      exchange: "okx",
      symbol: "BTC/USDT:USDT",
      startMs: NOW - 86_400_000,
      endMs: NOW,
    }).at(-1);
    expect(details[0]?.ts).toBe(String(newest?.ts));
  });

  it("serves per-instrument open interest history newest first, paged by begin/end, the latest 1440 periods", async () => {
    const okx = connect(sim, "okx");
    await okx.loadMarkets();
    const history = async (query: Record<string, string>) =>
      (
        (await okx.publicGetRubikStatContractsOpenInterestHistory({
          instId: "BTC-USDT-SWAP",
          period: "1H",
          ...query,
        })) as { data: string[][] }
      ).data;
    const lastClosed = Math.floor(NOW / HOUR) * HOUR - HOUR;
    const generated = generateOpenInterest({
      seed: 9,
      exchange: "okx",
      symbol: "BTC/USDT:USDT",
      startMs: lastClosed - 1439 * HOUR,
      endMs: lastClosed + 1,
      periodMs: HOUR,
    });
    const asRow = (o: (typeof generated)[number]) => [
      String(o.ts),
      String(Number((o.openInterest / 0.01).toFixed(2))), // BTC-USDT-SWAP: ctVal 0.01 BTC
      String(o.openInterest),
      String(o.openInterestValue),
    ];
    // No bounds: the newest 100 closed hours, newest first.
    const newest = await history({});
    expect(newest).toEqual(generated.slice(-100).reverse().map(asRow));
    // begin/end are exclusive; a window of 5 hours gives those 5.
    const begin = lastClosed - 10 * HOUR;
    const window = await history({ begin: String(begin - 1), end: String(begin + 5 * HOUR) });
    expect(window.map((r) => Number(r[0]))).toEqual([4, 3, 2, 1, 0].map((i) => begin + i * HOUR));
    // `end` pages backwards: older than the oldest row of the previous page.
    const older = await history({ end: newest.at(-1)?.[0] ?? "", limit: "3" });
    expect(older).toEqual(generated.slice(-103, -100).reverse().map(asRow));
    // Nothing older than the latest 1440 periods.
    const tooOld = await history({ end: String(lastClosed - 1440 * HOUR) });
    expect(tooOld).toEqual([]);
  });
});

describe("bybit simulator through ccxt", () => {
  it("loads markets and pages linear 1h candles into exactly the generated series", async () => {
    const bybit = connect(sim, "bybit");
    const markets = await bybit.loadMarkets();
    expect(markets["BTC/USDT"]?.spot).toBe(true);
    expect(markets["ETH/USDT:USDT"]?.linear).toBe(true);
    const start = Date.parse("2023-11-01T00:00:00Z");
    const end = start + 2200 * HOUR;
    expect(await pageOhlcv(bybit, "ETH/USDT:USDT", "1h", start, end, 1000)).toEqual(
      expected("bybit", "ETH/USDT:USDT", "1h", start, end),
    );
  });

  it("serves funding history and open interest", async () => {
    const bybit = connect(sim, "bybit");
    await bybit.loadMarkets();
    const since = NOW - 5 * 86_400_000;
    const funding = await bybit.fetchFundingRateHistory("BTC/USDT:USDT", since);
    expect(funding.map((f) => f.timestamp)).toEqual(
      generateFundingRates({
        seed: 9,
        exchange: "bybit",
        symbol: "BTC/USDT:USDT",
        startMs: since,
        endMs: NOW,
      }).map((f) => f.ts),
    );
    const oi = await bybit.fetchOpenInterestHistory("BTC/USDT:USDT", "1h", since, 48);
    expect(oi).toHaveLength(48);
    expect(oi.every((o) => (o.openInterestAmount ?? 0) > 0)).toBe(true);
  });
});

describe("coinbase simulator through ccxt", () => {
  it("loads markets and pages 1m candles (300 per request) into exactly the generated series", async () => {
    const coinbase = connect(sim, "coinbase");
    const markets = await coinbase.loadMarkets();
    expect(markets["BTC/USD"]?.spot).toBe(true);
    expect(markets["ETH/USD"]?.spot).toBe(true);
    const start = NOW - 2 * 86_400_000;
    const end = start + 700 * MINUTE;
    expect(await pageOhlcv(coinbase, "BTC/USD", "1m", Math.floor(start / MINUTE) * MINUTE, end, 300)).toEqual(
      expected("coinbase", "BTC/USD", "1m", Math.floor(start / MINUTE) * MINUTE, end),
    );
    const ticker = await coinbase.fetchTicker("BTC/USD");
    expect(ticker.last).toBeGreaterThan(0);
  });
});
