import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { runCycle } from "../src/run/run-cycle.js";
import { verifyDataset } from "../src/store/index.js";
import { expectedSeries } from "./helpers/expected-series.js";
import { readTable } from "./helpers/read-table.js";

const SEED = 5;
const NOW = Date.UTC(2024, 2, 3, 4, 5, 6);
const SINCE = NOW - 6 * 3_600_000;
const logger = pino({ level: "silent" });
const retry = { attempts: 6, baseDelayMs: 20, maxDelayMs: 1_500 };

let sim: ExchangeSimulator;
let dir: string;
beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: SEED, nowMs: () => NOW });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-faults-"));
});
afterAll(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("exchange faults cost time, never good rows", () => {
  it("429 storms, 418, 5xx, hangs, truncated and HTML bodies are retried; malformed rows are quarantined", async () => {
    sim.faults.set("binance", "/api/v3/klines", { kind: "429", nth: [1, 2], retryAfterSeconds: 1 });
    sim.faults.set("binance", "/fapi/v1/klines", { kind: "418", nth: 1, retryAfterSeconds: 1 });
    sim.faults.set("binance", "/fapi/v1/fundingRate", { kind: "503", nth: [1, 2] });
    sim.faults.set("okx", "/api/v5/market/candles", { kind: "truncated", nth: 1 });
    sim.faults.set("bybit", "/v5/market/kline", { kind: "html", nth: 2 });
    sim.faults.set("coinbase", "/api/v3/brokerage/market/products/BTC-USD/candles", { kind: "hang", nth: 1 });
    sim.faults.set("bybit", "/v5/market/funding/history", { kind: "500", nth: 1 });
    const config = parseConfig({
      exchanges: ["binance", "okx", "bybit", "coinbase"],
      bases: ["BTC"],
      tables: ["ohlcv_1m", "funding_rates"],
      intervals: ["1m"],
      since: SINCE,
    });
    const { report } = await runCycle({
      config,
      datasetDir: dir,
      logger,
      env: sim.env(),
      nowMs: () => NOW,
      retry,
      timeoutMs: 1_500,
    });
    expect(report.failures).toEqual([]);
    expect(report.requests.binance?.rateLimited).toBeGreaterThanOrEqual(2);
    expect(report.requests.binance?.banned).toBeGreaterThanOrEqual(1);
    expect(report.requests.binance?.serverErrors).toBeGreaterThanOrEqual(2);
    expect(report.requests.coinbase?.transportErrors).toBeGreaterThanOrEqual(1);
    expect(report.requests.okx?.retries).toBeGreaterThanOrEqual(1);

    const stored = await readTable(dir, "ohlcv_1m");
    for (const [exchange, symbol] of [
      ["binance", "BTC/USDT"],
      ["binance", "BTC/USDT:USDT"],
      ["okx", "BTC/USDT"],
      ["bybit", "BTC/USDT"],
      ["coinbase", "BTC/USD"],
    ] as const) {
      const rows = stored.filter((r) => r.exchange === exchange && r.symbol === symbol).map((r) => r.ts);
      const expected = expectedSeries({
        seed: SEED,
        table: "ohlcv_1m",
        exchange,
        symbol,
        startMs: SINCE,
        endMs: Math.floor(NOW / 60_000) * 60_000,
        nowMs: NOW,
      });
      expect(rows, `${exchange} ${symbol}`).toEqual(expected.map((e) => e.ts));
    }
    // Funding fetched through 503s and a 500: every payment there is, each once.
    const funding = await readTable(dir, "funding_rates");
    for (const exchange of ["binance", "okx", "bybit"]) {
      const symbol = "BTC/USDT:USDT";
      const expected = expectedSeries({
        seed: SEED,
        table: "funding_rates",
        exchange,
        symbol,
        startMs: SINCE,
        endMs: NOW,
        nowMs: NOW,
      });
      expect(expected.length, `${exchange} funding payments in the window`).toBeGreaterThan(0);
      const rows = funding
        .filter((r) => r.exchange === exchange && r.symbol === symbol)
        .map((r) => ({ ts: r.ts, funding_rate: r.funding_rate }));
      expect(rows, `${exchange} funding`).toEqual(
        expected.map((e) => ({ ts: e.ts, funding_rate: e.funding_rate })),
      );
    }
    expect((await verifyDataset({ dir, nowMs: () => NOW })).ok).toBe(true);
  });

  it("malformed rows go to quarantine with a reason; every good row of the page is kept", async () => {
    const malformedDir = await mkdtemp(path.join(tmpdir(), "cexdata-malformed-"));
    try {
      sim.faults.clear();
      sim.faults.set("bybit", "/v5/market/kline", { kind: "negative-price", nth: 1 });
      sim.faults.set("okx", "/api/v5/market/candles", { kind: "high-below-low", nth: 1 });
      sim.faults.set("binance", "/api/v3/klines", { kind: "microsecond-ts", nth: 1 });
      const config = parseConfig({
        exchanges: ["binance", "okx", "bybit"],
        bases: ["BTC"],
        markets: ["spot"],
        tables: ["ohlcv_1m"],
        intervals: ["1m"],
        since: SINCE,
      });
      const { report } = await runCycle({
        config,
        datasetDir: malformedDir,
        logger,
        env: sim.env(),
        nowMs: () => NOW,
        retry,
      });
      const stored = await readTable(malformedDir, "ohlcv_1m");
      const expected = expectedSeries({
        seed: SEED,
        table: "ohlcv_1m",
        exchange: "bybit",
        symbol: "BTC/USDT",
        startMs: SINCE,
        endMs: Math.floor(NOW / 60_000) * 60_000,
        nowMs: NOW,
      });
      const bybit = stored.filter((r) => r.exchange === "bybit").map((r) => r.ts);
      // One row quarantined, every other one stored, and the hole reported as a gap.
      expect(bybit).toHaveLength(expected.length - 1);
      expect(expected.map((e) => e.ts).filter((ts) => !bybit.includes(ts))).toHaveLength(1);
      expect(Object.values(report.tables.ohlcv_1m?.bybit?.quarantined ?? {})).toEqual([1]);
      expect(Object.values(report.tables.ohlcv_1m?.okx?.quarantined ?? {}).reduce((a, b) => a + b, 0)).toBe(
        1,
      );
      expect(report.gaps.map((g) => g.exchange).sort()).toEqual(["bybit", "okx"]);
      // Microsecond timestamps are read as what they are: nothing lost on binance.
      expect(stored.filter((r) => r.exchange === "binance")).toHaveLength(expected.length);
      const quarantine = (await readFile(report.quarantineFile!, "utf8"))
        .trim()
        .split("\n")
        .map(
          (l) =>
            JSON.parse(l) as {
              reason: string;
              row: { exchange: string; ts: number; low: number; high: number; close: number };
            },
        );
      expect(quarantine).toHaveLength(2);
      expect(quarantine.every((q) => q.reason.length > 0)).toBe(true);
      // The quarantined rows are the malformed ones, and exactly the rows missing from the store.
      const byExchange = new Map(quarantine.map((q) => [q.row.exchange, q.row]));
      expect([...byExchange.keys()].sort()).toEqual(["bybit", "okx"]);
      const badBybit = byExchange.get("bybit")!;
      expect(Math.min(badBybit.low, badBybit.close)).toBeLessThan(0);
      expect(expected.map((e) => e.ts).filter((ts) => !bybit.includes(ts))).toEqual([badBybit.ts]);
      const badOkx = byExchange.get("okx")!;
      expect(badOkx.high).toBeLessThan(badOkx.low);
      const okxExpected = expectedSeries({
        seed: SEED,
        table: "ohlcv_1m",
        exchange: "okx",
        symbol: "BTC/USDT",
        startMs: SINCE,
        endMs: Math.floor(NOW / 60_000) * 60_000,
        nowMs: NOW,
      }).map((e) => e.ts);
      const okx = stored.filter((r) => r.exchange === "okx").map((r) => r.ts);
      expect(okxExpected.filter((ts) => !okx.includes(ts))).toEqual([badOkx.ts]);
    } finally {
      await rm(malformedDir, { recursive: true, force: true });
    }
  });

  it("a bad symbol fails its series with a clear message; the rest of the run goes on", async () => {
    sim.faults.clear();
    const config = parseConfig({
      exchanges: ["binance"],
      bases: ["BTC"],
      markets: ["spot"],
      tables: ["ohlcv_1h"],
      intervals: ["1h"],
      since: SINCE,
    });
    const { report } = await runCycle({
      config,
      datasetDir: dir,
      logger,
      env: sim.env(),
      nowMs: () => NOW,
      retry,
      only: [
        {
          series: { table: "ohlcv_1h", exchange: "binance", market: "spot", symbol: "BTC/USDTT" },
          sinceMs: SINCE,
        },
        {
          series: { table: "ohlcv_1h", exchange: "binance", market: "spot", symbol: "ETH/USDT" },
          sinceMs: SINCE,
        },
      ],
    });
    expect(report.ok).toBe(false);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]!.message).toMatch(/unknown symbol "BTC\/USDTT".*did you mean "BTC\/USDT"/);
    // 23:00 to 03:00: the five closed hours after `since`.
    expect(report.tables.ohlcv_1h?.binance?.accepted).toBe(5);
  });
});
