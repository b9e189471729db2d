import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { simulatedDerivativeRows, startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { replayRaw } from "../src/replay/replay-raw.js";
import { runCycle } from "../src/run/run-cycle.js";
import { verifyDataset } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";

const SEED = 15;
const HOUR = 3_600_000;
const NOW = Date.UTC(2024, 4, 15, 10, 30, 17);
const SINCE = NOW - 2 * 86_400_000;
const TABLES = ["mark_ohlcv_1h", "index_ohlcv_1h", "premium_index_ohlcv_1h", "long_short_ratios"] as const;
const logger = pino({ level: "silent" });

let sim: ExchangeSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: SEED, nowMs: () => NOW });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-derivatives-"));
});
afterAll(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

const withoutIdentity = (r: Record<string, unknown>) => {
  const { exchange: _e, symbol: _s, base: _b, quote: _q, ...rest } = r;
  return rest;
};

describe("cexdata run: the derivatives tables", () => {
  it("stores mark, index and premium candles and long/short ratios of Binance, OKX and Bybit equal to the simulator's series", async () => {
    const config = parseConfig({
      exchanges: ["binance", "okx", "bybit", "coinbase"],
      bases: ["BTC", "ETH"],
      markets: ["spot", "perp"],
      tables: [...TABLES],
      since: SINCE,
    });
    const { report } = await runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: () => NOW });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect((await verifyDataset({ dir, nowMs: () => NOW })).problems).toEqual([]);

    for (const table of TABLES) {
      const stored = await readTable(dir, table);
      for (const exchange of ["binance", "okx", "bybit"]) {
        for (const symbol of ["BTC/USDT:USDT", "ETH/USDT:USDT"]) {
          const rows = stored.filter((r) => r.exchange === exchange && r.symbol === symbol);
          const expected = simulatedDerivativeRows({
            seed: SEED,
            table,
            exchange,
            symbol,
            startMs: SINCE,
            endMs: NOW,
            nowMs: NOW,
          });
          expect(expected.length, `${table} ${exchange} ${symbol}`).toBeGreaterThanOrEqual(47);
          expect(rows.map(withoutIdentity), `${table} ${exchange} ${symbol}`).toEqual(expected);
          for (const r of rows) expect(Number(r.ts) + HOUR).toBeLessThanOrEqual(NOW);
        }
      }
      // Perpetuals only; Coinbase publishes none of these.
      expect(stored.filter((r) => !String(r.symbol).includes(":") || r.exchange === "coinbase")).toEqual([]);
    }
    // Bybit publishes only the all-accounts ratio; OKX and Binance the four.
    const ratios = await readTable(dir, "long_short_ratios");
    expect(ratios.find((r) => r.exchange === "bybit")).toMatchObject({
      top_trader_account_ratio: null,
      taker_buy_sell_ratio: null,
    });
    expect(ratios.filter((r) => r.exchange !== "bybit" && r.taker_buy_sell_ratio === null)).toEqual([]);
    expect(report.notServed.some((n) => n.table === "mark_ohlcv_1h" && n.exchange === "coinbase")).toBe(true);
  });

  it("a second run fetches nothing new and leaves the tables as they were", async () => {
    const before = await readTable(dir, "long_short_ratios");
    const config = parseConfig({
      exchanges: ["binance", "okx", "bybit"],
      bases: ["BTC", "ETH"],
      markets: ["perp"],
      tables: [...TABLES],
      since: SINCE,
    });
    const { report } = await runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: () => NOW });
    expect(report.ok).toBe(true);
    expect(report.tables.long_short_ratios?.binance?.fetched ?? 0).toBe(0);
    expect(await readTable(dir, "long_short_ratios")).toEqual(before);
  });

  it("what Binance and OKX forget (ratios, OKX premium) replays from the raw layer to exactly the stored rows", async () => {
    // Rebuilt from the raw layer alone: a long/short row joins four captured statistics, an OKX
    // premium hour the minute samples of several pages.
    const rebuilt = await mkdtemp(path.join(tmpdir(), "cexdata-derivatives-raw-"));
    await cp(path.join(dir, "raw"), path.join(rebuilt, "raw"), { recursive: true });
    const result = await replayRaw({ datasetDir: rebuilt, logger, env: sim.env(), nowMs: () => NOW });
    expect(result.problems).toEqual([]);
    const forgotten = (rows: Record<string, unknown>[], exchanges: string[]) =>
      rows.filter((r) => exchanges.includes(String(r.exchange)));
    const ratios = await readTable(dir, "long_short_ratios");
    expect(forgotten(ratios, ["binance", "okx"]).length).toBeGreaterThan(0);
    expect(forgotten(await readTable(rebuilt, "long_short_ratios"), ["binance", "okx"])).toEqual(
      forgotten(ratios, ["binance", "okx"]),
    );
    expect(forgotten(await readTable(rebuilt, "premium_index_ohlcv_1h"), ["okx"])).toEqual(
      forgotten(await readTable(dir, "premium_index_ohlcv_1h"), ["okx"]),
    );
    // Tables the exchanges keep for ever are not captured.
    expect(await readTable(rebuilt, "mark_ohlcv_1h")).toEqual([]);
    await rm(rebuilt, { recursive: true, force: true });
  });
});
