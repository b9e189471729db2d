import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { runCycle } from "../src/run/run-cycle.js";
import { candleFields, expectedSeries } from "./helpers/expected-series.js";
import { readTable } from "./helpers/read-table.js";

// Bans as the exchanges hand them out, on a wall clock the run's waits advance (the simulator's
// limiter reads the same clock), so a 90-second ban costs no real time.
const SEED = 21;
const NOW = Date.UTC(2024, 4, 15, 10, 30, 17);
const SINCE = NOW - 3 * 86_400_000; // 4,320 one-minute candles: five pages of 1,000
const logger = pino({ level: "silent" });

let wallMs: number;
let sim: ExchangeSimulator;
let dir: string;
const clockMs = () => wallMs;
const sleep = async (ms: number) => {
  wallMs += ms;
};

beforeEach(async () => {
  wallMs = Date.UTC(2026, 11, 2);
  sim = await startExchangeSimulator({ seed: SEED, nowMs: () => NOW, clockMs });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-bans-"));
});
afterEach(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

const run = (exchange: string, maxBanWaitMs?: number) =>
  runCycle({
    config: parseConfig({
      exchanges: [exchange],
      bases: ["BTC"],
      markets: ["perp"],
      tables: ["ohlcv_1m", "funding_rates"],
      since: SINCE,
      // One series after another: the funding series starts after the candles met the ban.
      concurrency: 1,
    }),
    datasetDir: dir,
    logger,
    env: sim.env(),
    nowMs: () => NOW,
    clockMs,
    sleep,
    retry: { attempts: 8, baseDelayMs: 500, maxDelayMs: 60_000, ...(maxBanWaitMs ? { maxBanWaitMs } : {}) },
  });

const storedCandles = async (exchange: string, symbol: string) =>
  (await readTable(dir, "ohlcv_1m"))
    .filter((r) => r.exchange === exchange && r.symbol === symbol)
    .map(candleFields);

const expectedCandles = (exchange: string, symbol: string) =>
  expectedSeries({
    seed: SEED,
    table: "ohlcv_1m",
    exchange,
    symbol,
    startMs: Math.ceil(SINCE / 60_000) * 60_000,
    endMs: Math.floor(NOW / 60_000) * 60_000,
    nowMs: NOW,
  });

describe("Binance's 418", () => {
  it("a 90-second ban is waited out to its end: no request during it, and the series completes", async () => {
    sim.faults.set("binance", "/fapi/v1/klines", { kind: "418", nth: 2, retryAfterSeconds: 90 });
    const started = wallMs;
    const { report } = await run("binance");
    expect(sim.counters.binance.banned).toBe(1);
    expect(sim.counters.binance.requestsDuringBan).toBe(0);
    expect(wallMs - started).toBeGreaterThanOrEqual(90_000);
    expect(report.failures).toEqual([]);
    expect(await storedCandles("binance", "BTC/USDT:USDT")).toEqual(
      expectedCandles("binance", "BTC/USDT:USDT"),
    );
  });

  it("a ban longer than the run waits parks the host: reported banned until its end, nothing sent meanwhile, the next run resumes", async () => {
    sim.faults.set("binance", "/fapi/v1/klines", { kind: "418", nth: 2, retryAfterSeconds: 3_600 });
    const first = await run("binance");
    sim.faults.clear();
    expect(sim.counters.binance.requestsDuringBan).toBe(0);
    const banEnd = new Date(Date.UTC(2026, 11, 2) + 3_600_000).toISOString();
    // Both series of fapi are refused: the candles that met the ban and the funding after it.
    expect(first.report.failures.map((f) => [f.table, f.error])).toEqual([
      ["ohlcv_1m", "ExchangeBannedError"],
      ["funding_rates", "ExchangeBannedError"],
    ]);
    for (const f of first.report.failures) expect(f.message).toContain(`banned this address until ${banEnd}`);

    wallMs += 3_600_000;
    const second = await run("binance");
    expect(second.report.failures).toEqual([]);
    expect(sim.counters.binance.requestsDuringBan).toBe(0);
    expect(await storedCandles("binance", "BTC/USDT:USDT")).toEqual(
      expectedCandles("binance", "BTC/USDT:USDT"),
    );
  });
});

describe("Bybit's 403 access too frequent", () => {
  it("is a ban of at least 10 minutes without Retry-After: parked by default, waited out when the policy allows", async () => {
    sim.faults.set("bybit", "/v5/market/kline", { kind: "418", nth: 2 });
    const parked = await run("bybit");
    expect(sim.counters.bybit.banned).toBe(1);
    expect(sim.counters.bybit.requestsDuringBan).toBe(0);
    expect(parked.report.failures.map((f) => f.error)).toContain("ExchangeBannedError");

    // A run willing to wait 15 minutes waits the ban out and completes.
    sim.faults.set("bybit", "/v5/market/kline", { kind: "418", nth: 2 });
    wallMs += 10 * 60_000;
    const started = wallMs;
    const waited = await run("bybit", 15 * 60_000);
    expect(waited.report.failures).toEqual([]);
    expect(wallMs - started).toBeGreaterThanOrEqual(10 * 60_000);
    expect(sim.counters.bybit.requestsDuringBan).toBe(0);
    expect(await storedCandles("bybit", "BTC/USDT:USDT")).toEqual(expectedCandles("bybit", "BTC/USDT:USDT"));
  });
});
