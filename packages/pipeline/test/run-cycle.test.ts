import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { runCycle } from "../src/run/run-cycle.js";
import { verifyDataset } from "../src/store/index.js";
import type { SeriesTable } from "../src/exchanges/types.js";
import { expectedSeries } from "./helpers/expected-series.js";
import { readTable } from "./helpers/read-table.js";

const SEED = 11;
const NOW = Date.UTC(2024, 4, 15, 10, 30, 17);
const SINCE = NOW - 2 * 86_400_000;
const logger = pino({ level: "silent" });
const config = parseConfig({
  exchanges: ["binance", "okx", "bybit", "coinbase"],
  bases: ["BTC", "ETH"],
  since: SINCE,
});

let sim: ExchangeSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: SEED, nowMs: () => NOW });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-run-"));
});
afterAll(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

const STEP: Record<string, number> = { ohlcv_1m: 60_000, ohlcv_1h: 3_600_000, ohlcv_1d: 86_400_000 };
const rangeOf = (table: SeriesTable) => {
  const step = STEP[table];
  return step
    ? { startMs: Math.ceil(SINCE / step) * step, endMs: Math.floor(NOW / step) * step }
    : { startMs: SINCE, endMs: NOW };
};

describe("run cycle against the exchange simulator", () => {
  it("stores every table of the four exchanges, equal to the generated series, and verifies", async () => {
    const { report } = await runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: () => NOW });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect((await verifyDataset({ dir, nowMs: () => NOW })).problems).toEqual([]);

    const checked: string[] = [];
    for (const table of [
      "ohlcv_1m",
      "ohlcv_1h",
      "ohlcv_1d",
      "funding_rates",
      "open_interest",
      "liquidations",
    ] as const) {
      const stored = await readTable(dir, table);
      const seriesKeys = [
        ...new Set(
          stored.map(
            (r) =>
              `${String(r.exchange)}|${String(r.market ?? (String(r.symbol).includes(":") ? "perp" : "spot"))}|${String(r.symbol)}`,
          ),
        ),
      ];
      for (const key of seriesKeys) {
        const [exchange, , symbol] = key.split("|") as [string, string, string];
        let { startMs } = rangeOf(table);
        // Exchanges publish an hour's open-interest snapshot once the hour is over.
        const endMs =
          table === "open_interest" ? Math.floor(NOW / 3_600_000) * 3_600_000 : rangeOf(table).endMs;
        if (table === "open_interest" && exchange === "binance")
          startMs = Math.ceil((NOW - 30 * 86_400_000) / 3_600_000) * 3_600_000 + 3_600_000;
        // OKX keeps a day of liquidations; the pipeline asks an hour inside it.
        if (table === "liquidations" && exchange === "okx") startMs = NOW - 23 * 3_600_000;
        const rows = stored.filter((r) => r.exchange === exchange && r.symbol === symbol);
        const pick = (r: Record<string, unknown>) => {
          const { exchange: _e, market: _m, symbol: _s, base: _b, quote: _q, id: _i, value: _v, ...rest } = r;
          return rest;
        };
        const expected = expectedSeries({
          seed: SEED,
          table,
          exchange,
          symbol,
          startMs: Math.max(startMs, SINCE),
          endMs,
          nowMs: NOW,
        });
        // OKX open interest too: base units and USD value come from OKX as stated, nothing derived.
        expect(rows.map(pick), `${table} ${exchange} ${symbol}`).toEqual(expected);
        // No still-forming candle, nothing after the clock.
        for (const r of rows) expect(Number(r.ts) + (STEP[table] ?? 0)).toBeLessThanOrEqual(NOW);
        checked.push(`${table} ${exchange} ${symbol}`);
      }
    }
    // Every served (table, exchange) combination made it in.
    expect(checked).toEqual(
      expect.arrayContaining([
        "ohlcv_1m binance BTC/USDT",
        "ohlcv_1m binance BTC/USDT:USDT",
        "ohlcv_1m okx ETH/USDT:USDT",
        "ohlcv_1m bybit BTC/USDT",
        "ohlcv_1m coinbase BTC/USD",
        "ohlcv_1h coinbase ETH/USD",
        "ohlcv_1d bybit ETH/USDT:USDT",
        "funding_rates binance BTC/USDT:USDT",
        "funding_rates okx BTC/USDT:USDT",
        "funding_rates bybit ETH/USDT:USDT",
        "open_interest binance BTC/USDT:USDT",
        "open_interest okx ETH/USDT:USDT",
        "open_interest bybit BTC/USDT:USDT",
        "liquidations okx BTC/USDT:USDT",
      ]),
    );
    // Read as of now: one reading per perpetual of each serving exchange, at the top of the run's hour
    // (its values against the simulator: run-funding-predictions.test.ts).
    const hour = Math.floor(NOW / 3_600_000) * 3_600_000;
    expect(
      (await readTable(dir, "funding_predictions")).map(
        (r) => `${String(r.exchange)} ${String(r.symbol)} ${Number(r.ts)}`,
      ),
    ).toEqual(
      ["binance", "bybit", "okx"].flatMap((e) => [
        `${e} BTC/USDT:USDT ${hour}`,
        `${e} ETH/USDT:USDT ${hour}`,
      ]),
    );
    expect((await readTable(dir, "exchange_info")).length).toBeGreaterThan(0);
    expect((await readTable(dir, "token_info")).map((r) => [r.base, r.exchanges])).toEqual([
      ["BTC", ["binance", "okx", "bybit", "coinbase"]],
      ["ETH", ["binance", "okx", "bybit", "coinbase"]],
    ]);
    expect(
      report.notServed.find((n) => n.table === "liquidations" && n.exchange === "binance")?.reason,
    ).toMatch(/not served over REST/);
    // The day before OKX's horizon was asked for (since) but is gone: a gap, not a silent hole.
    expect(report.gaps.filter((g) => g.table === "liquidations").map((g) => [g.symbol, g.stretches])).toEqual(
      [
        [
          "BTC/USDT:USDT",
          [
            {
              start: new Date(SINCE).toISOString(),
              end: new Date(NOW - 23 * 3_600_000).toISOString(),
              missing: 25,
            },
          ],
        ],
        [
          "ETH/USDT:USDT",
          [
            {
              start: new Date(SINCE).toISOString(),
              end: new Date(NOW - 23 * 3_600_000).toISOString(),
              missing: 25,
            },
          ],
        ],
      ],
    );
    const saved = JSON.parse(await readFile(path.join(dir, "runs", `${report.runId}.json`), "utf8")) as {
      ok: boolean;
    };
    expect(saved.ok).toBe(true);
  });

  it("a second run resumes after the stored rows and adds nothing when nothing is new", async () => {
    const before = await readTable(dir, "ohlcv_1m");
    const { report } = await runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: () => NOW });
    expect(report.ok).toBe(true);
    expect(report.tables.ohlcv_1m?.binance?.fetched ?? 0).toBe(0);
    expect(await readTable(dir, "ohlcv_1m")).toEqual(before);
  });
});
