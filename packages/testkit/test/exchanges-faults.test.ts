import ccxt from "ccxt";
import { afterEach, describe, expect, it } from "vitest";
import { startExchangeSimulator, type ExchangeSimulator } from "../src/exchanges/index.js";
import { generateCandles } from "../src/series/index.js";
import { connect, withRetries } from "./exchanges-helpers.js";

const NOW = Date.parse("2024-06-10T12:34:56Z");
let sim: ExchangeSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe("faults on demand", () => {
  it("a 429 with Retry-After is survived by retrying, and counted", async () => {
    sim = await startExchangeSimulator({
      seed: 5,
      nowMs: () => NOW,
      faults: { binance: { "/api/v3/klines": { kind: "429", nth: 1, retryAfterSeconds: 2 } } },
    });
    const binance = connect(sim, "binance");
    await binance.loadMarkets();
    await expect(binance.fetchOHLCV("BTC/USDT", "1h", NOW - 10 * 3_600_000, 5)).rejects.toBeInstanceOf(
      ccxt.NetworkError,
    );
    expect(
      binance.last_response_headers?.["retry-after"] ?? binance.last_response_headers?.["Retry-After"],
    ).toBe("2");
    const rows = await withRetries(() => binance.fetchOHLCV("BTC/USDT", "1h", NOW - 10 * 3_600_000, 5));
    expect(rows).toHaveLength(5);
    expect(sim.counters.binance.requests["/api/v3/klines"]).toBe(2);
    expect(sim.counters.binance.rateLimited).toBe(1);
  });

  it("5xx and HTML pages surface as ccxt errors, a hang times out, a truncated body parses to nothing", async () => {
    sim = await startExchangeSimulator({ seed: 5, nowMs: () => NOW });
    const okx = connect(sim, "okx", { timeout: 1_000 });
    await okx.loadMarkets();
    const route = "/api/v5/market/history-candles";
    const since = NOW - 30 * 86_400_000;
    for (const kind of ["503", "html", "hang"] as const) {
      sim.faults.set("okx", route, { kind, nth: 1 });
      await expect(okx.fetchOHLCV("BTC/USDT", "1h", since, 10), kind).rejects.toBeInstanceOf(
        ccxt.NetworkError,
      );
      expect(await okx.fetchOHLCV("BTC/USDT", "1h", since, 10)).toHaveLength(10);
    }
    // ccxt 4.5.84 does not reject a 200 whose JSON is cut short: it parses to an empty page,
    // so a fetcher must treat an unexpectedly empty page as a failure, not as "no data".
    sim.faults.set("okx", route, { kind: "truncated", nth: 1 });
    expect(await okx.fetchOHLCV("BTC/USDT", "1h", since, 10)).toEqual([]);
    expect(okx.last_http_response?.endsWith("]]}")).toBe(false);
    expect(sim.counters.okx.faultsInjected).toBe(4);
  });

  it("malformed rows reach the client as the exchange would send them", async () => {
    sim = await startExchangeSimulator({ seed: 5, nowMs: () => NOW });
    const bybit = connect(sim, "bybit");
    await bybit.loadMarkets();
    const since = NOW - 2 * 86_400_000;
    const clean = generateCandles({
      seed: 5,
      exchange: "bybit",
      symbol: "BTC/USDT:USDT",
      interval: "1h",
      startMs: since,
      endMs: since + 10 * 3_600_000,
    });
    sim.faults.set("bybit", "/v5/market/kline", { kind: "high-below-low" });
    const swapped = await bybit.fetchOHLCV("BTC/USDT:USDT", "1h", since, 10);
    expect(swapped.some((r) => (r[2] ?? 0) < (r[3] ?? 0))).toBe(true);
    sim.faults.set("bybit", "/v5/market/kline", { kind: "duplicate-ts" });
    const duplicated = await bybit.fetchOHLCV("BTC/USDT:USDT", "1h", since, 10);
    expect(new Set(duplicated.map((r) => r[0])).size).toBeLessThan(clean.length);
    sim.faults.clear("bybit");
    expect((await bybit.fetchOHLCV("BTC/USDT:USDT", "1h", since, 10)).map((r) => r[0])).toEqual(
      clean.map((c) => c.ts),
    );
  });

  it("binance charges USDⓈ-M kline weight by limit, answers 429 past 2400 a minute, then bans with 418", async () => {
    const clock = Date.parse("2024-06-10T12:00:00Z");
    sim = await startExchangeSimulator({ seed: 5, nowMs: () => NOW, clockMs: () => clock });
    const url = `${sim.urls.binance}/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1500&startTime=0&endTime=60000`;
    const first = await fetch(url);
    expect(first.headers.get("x-mbx-used-weight-1m")).toBe("10");
    expect(await first.json()).toEqual([]);
    const statuses: number[] = [];
    for (let i = 0; i < 245; i++) statuses.push((await fetch(url)).status);
    expect(statuses.slice(0, 239).every((s) => s === 200)).toBe(true);
    expect(statuses[239]).toBe(429);
    expect(statuses.at(-1)).toBe(418);
    const banned = await fetch(`${sim.urls.binance}/api/v3/time`);
    expect(banned.status).toBe(418);
    expect(Number(banned.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(sim.counters.binance.weightUsed).toBe(2400);
    expect(sim.counters.binance.rateLimited).toBe(5);
  });
});
