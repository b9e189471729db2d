import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { createSeriesSource, startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { replayRaw } from "../src/replay/replay-raw.js";
import { runCycle } from "../src/run/run-cycle.js";
import { verifyDataset } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";

const SEED = 21;
const HOUR = 3_600_000;
const FIRST_RUN = Date.UTC(2024, 4, 15, 10, 30, 17);
const logger = pino({ level: "silent" });
const SERVING = ["binance", "okx", "bybit"] as const;
const SYMBOLS = ["BTC/USDT:USDT", "ETH/USDT:USDT"] as const;
/** The endpoint each exchange shows its prediction on. */
const ROUTES = {
  binance: "/fapi/v1/premiumIndex",
  okx: "/api/v5/public/funding-rate",
  bybit: "/v5/market/tickers",
} as const;

/** The market's clock, moved by each test: the simulators and the pipeline share it. */
let clock = FIRST_RUN;
let sim: ExchangeSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: SEED, nowMs: () => clock });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-funding-predictions-"));
});
afterAll(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

const run = async (exchanges: readonly string[] = [...SERVING, "coinbase"]) => {
  const config = parseConfig({
    exchanges: [...exchanges],
    bases: ["BTC", "ETH"],
    markets: ["spot", "perp"],
    tables: ["funding_predictions"],
    since: FIRST_RUN - 3 * 86_400_000,
  });
  return runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: () => clock });
};

/** What the simulated exchange showed at `atMs`, as a row without its identity columns. */
function shown(exchange: string, symbol: string, atMs: number) {
  const p = createSeriesSource({ seed: SEED }).fundingPrediction({ exchange, symbol, atMs })!;
  return {
    ts: Math.floor(atMs / HOUR) * HOUR,
    funding_time: p.fundingTime,
    funding_rate: p.fundingRate,
    // OKX's funding-rate answer carries no prices.
    mark_price: exchange === "okx" ? null : p.markPrice,
    index_price: exchange === "okx" ? null : p.indexPrice,
  };
}

const withoutIdentity = (r: Record<string, unknown>) => {
  const { exchange: _e, symbol: _s, base: _b, quote: _q, ...rest } = r;
  return rest;
};
const rowsOf = async (exchange: string, symbol: string) =>
  (await readTable(dir, "funding_predictions"))
    .filter((r) => r.exchange === exchange && r.symbol === symbol)
    .map(withoutIdentity);

describe("cexdata run: funding_predictions, read as of now", () => {
  it("stores the prediction each serving exchange shows, at the top of the hour, for every perpetual", async () => {
    const { report } = await run();
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect((await verifyDataset({ dir, nowMs: () => clock })).problems).toEqual([]);
    for (const exchange of SERVING) {
      for (const symbol of SYMBOLS) {
        expect(await rowsOf(exchange, symbol), `${exchange} ${symbol}`).toEqual([
          shown(exchange, symbol, clock),
        ]);
      }
    }
    // The next funding, not the one paid: always after the reading.
    const stored = await readTable(dir, "funding_predictions");
    expect(stored).toHaveLength(SERVING.length * SYMBOLS.length);
    for (const r of stored) expect(Number(r.funding_time)).toBeGreaterThan(clock);
    // A first reading is no gap: nothing was due before it.
    expect(report.gaps).toEqual([]);
    expect(report.notServed).toContainEqual(
      expect.objectContaining({ table: "funding_predictions", exchange: "coinbase" }),
    );
  });

  it("a rerun within the hour asks nothing and changes nothing: the hour's first reading stands", async () => {
    const before = await readTable(dir, "funding_predictions");
    clock = FIRST_RUN + 20 * 60_000;
    const asked = () => SERVING.map((e) => sim.counters[e].requests[ROUTES[e]] ?? 0);
    const askedBefore = asked();
    expect(askedBefore.every((n) => n === SYMBOLS.length)).toBe(true);
    const { report } = await run(SERVING);
    expect(report.ok).toBe(true);
    expect(asked()).toEqual(askedBefore);
    for (const exchange of SERVING)
      expect(report.tables.funding_predictions?.[exchange]?.fetched ?? 0).toBe(0);
    expect(await readTable(dir, "funding_predictions")).toEqual(before);
  });

  it("runs missed for two hours leave those hours as gaps, in the report and spec.json; the next reading is stored", async () => {
    clock = FIRST_RUN + 3 * HOUR;
    const { report } = await run(SERVING);
    expect(report.failures).toEqual([]);
    for (const exchange of SERVING) {
      const rows = await rowsOf(exchange, "BTC/USDT:USDT");
      expect(rows).toEqual([
        shown(exchange, "BTC/USDT:USDT", FIRST_RUN),
        shown(exchange, "BTC/USDT:USDT", clock),
      ]);
    }
    const missed = {
      start: new Date(Math.floor(FIRST_RUN / HOUR) * HOUR + HOUR).toISOString(),
      end: new Date(Math.floor(clock / HOUR) * HOUR).toISOString(),
      missing: 2,
    };
    const gaps = report.gaps.filter((g) => g.table === "funding_predictions");
    expect(gaps).toHaveLength(SERVING.length * SYMBOLS.length);
    for (const g of gaps) expect(g.stretches).toEqual([missed]);
    const spec = JSON.parse(await readFile(path.join(dir, "spec.json"), "utf8")) as {
      tables: Record<string, { gaps: { exchange: string; symbol: string }[] }>;
    };
    expect(spec.tables.funding_predictions?.gaps).toContainEqual({
      exchange: "okx",
      symbol: "ETH/USDT:USDT",
      market: "perp",
      ...missed,
    });
    expect((await verifyDataset({ dir, nowMs: () => clock })).problems).toEqual([]);
  });

  it("replays every reading from the raw layer to exactly the stored rows", async () => {
    const rebuilt = await mkdtemp(path.join(tmpdir(), "cexdata-funding-predictions-raw-"));
    await cp(path.join(dir, "raw"), path.join(rebuilt, "raw"), { recursive: true });
    const result = await replayRaw({ datasetDir: rebuilt, logger, env: sim.env(), nowMs: () => clock });
    expect(result.problems).toEqual([]);
    const stored = await readTable(dir, "funding_predictions");
    expect(stored).toHaveLength(SERVING.length * SYMBOLS.length * 2);
    expect(await readTable(rebuilt, "funding_predictions")).toEqual(stored);
    await rm(rebuilt, { recursive: true, force: true });
  });
});
