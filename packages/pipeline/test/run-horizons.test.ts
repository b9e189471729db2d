import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { parseDatasetSpec } from "@cexdata/schema";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { runCycle } from "../src/run/run-cycle.js";
import { expectedSeries } from "./helpers/expected-series.js";
import { readTable } from "./helpers/read-table.js";

// Sources forget: Binance keeps 30 days of open interest, OKX a day of liquidations. A run that
// comes late must say what it could no longer fetch, and must never ask further back than the
// exchange keeps at the moment it asks.

const SEED = 17;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 4, 15, 10, 30, 17);
const logger = pino({ level: "silent" });
const iso = (ms: number) => new Date(ms).toISOString();

let sim: ExchangeSimulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  sim = undefined;
  dir = undefined;
});

const pick = (r: Record<string, unknown>) => {
  const { exchange: _e, market: _m, symbol: _s, base: _b, quote: _q, id: _i, value: _v, ...rest } = r;
  return rest;
};

describe("history horizons", () => {
  it("a run started 40 days after the last one records the open-interest and liquidation stretches it could not fetch", async () => {
    let now = T0;
    sim = await startExchangeSimulator({ seed: SEED, nowMs: () => now });
    dir = await mkdtemp(path.join(tmpdir(), "cexdata-horizons-"));
    const config = parseConfig({
      exchanges: ["binance", "okx"],
      markets: ["perp"],
      bases: ["BTC"],
      tables: ["open_interest", "liquidations"],
      since: "2d",
    });
    const run = () => runCycle({ config, datasetDir: dir!, logger, env: sim!.env(), nowMs: () => now });

    expect((await run()).report.failures).toEqual([]);
    const oiBefore = await readTable(dir, "open_interest");
    const liqBefore = await readTable(dir, "liquidations");
    const lastOi = Math.max(...oiBefore.filter((r) => r.exchange === "binance").map((r) => Number(r.ts)));
    const lastLiq = Math.max(...liqBefore.filter((r) => r.exchange === "okx").map((r) => Number(r.ts)));
    expect(lastOi).toBe(Math.floor(T0 / HOUR) * HOUR - HOUR);

    now = T0 + 40 * DAY;
    const { report } = await run();
    expect(report.failures).toEqual([]);

    // Binance: 30 days of open interest, asked an hour or two inside; OKX: a day of liquidations,
    // asked an hour inside. OKX's 1440 hours of open interest still reach back to the last run.
    const oiFrom = Math.ceil((now - 30 * DAY) / HOUR) * HOUR + HOUR;
    const liqFrom = now - 23 * HOUR;
    const binanceOiGap = {
      exchange: "binance",
      symbol: "BTC/USDT:USDT",
      market: "perp",
      start: iso(lastOi + HOUR),
      end: iso(oiFrom),
      missing: (oiFrom - lastOi - HOUR) / HOUR,
    };
    const okxLiqGap = {
      exchange: "okx",
      symbol: "BTC/USDT:USDT",
      market: "perp",
      start: iso(lastLiq + 1),
      end: iso(liqFrom),
      missing: Math.ceil((liqFrom - lastLiq - 1) / HOUR),
    };
    expect(binanceOiGap.missing).toBeGreaterThan(9 * 24);
    expect(
      report.gaps.map((g) => ({ table: g.table, exchange: g.exchange, stretches: g.stretches })),
    ).toEqual([
      {
        table: "open_interest",
        exchange: "binance",
        stretches: [{ start: binanceOiGap.start, end: binanceOiGap.end, missing: binanceOiGap.missing }],
      },
      {
        table: "liquidations",
        exchange: "okx",
        stretches: [{ start: okxLiqGap.start, end: okxLiqGap.end, missing: okxLiqGap.missing }],
      },
    ]);

    // spec.json says the same to the dataset's users, next to the first run's liquidation gap.
    const spec = parseDatasetSpec(JSON.parse(await readFile(path.join(dir, "spec.json"), "utf8")));
    expect(spec.tables.open_interest?.gaps).toEqual([binanceOiGap]);
    expect(spec.tables.liquidations?.gaps).toEqual([
      {
        exchange: "okx",
        symbol: "BTC/USDT:USDT",
        market: "perp",
        start: iso(T0 - 2 * DAY),
        end: iso(T0 - 23 * HOUR),
        missing: 25,
      },
      okxLiqGap,
    ]);

    // What is stored is what the exchange served, and nothing inside the gaps was invented.
    const oi = (await readTable(dir, "open_interest")).filter((r) => r.exchange === "binance");
    expect(oi.map(pick)).toEqual([
      ...expectedSeries({
        seed: SEED,
        table: "open_interest",
        exchange: "binance",
        symbol: "BTC/USDT:USDT",
        startMs: Math.ceil((T0 - 2 * DAY) / HOUR) * HOUR,
        endMs: lastOi + HOUR,
        nowMs: T0,
      }),
      ...expectedSeries({
        seed: SEED,
        table: "open_interest",
        exchange: "binance",
        symbol: "BTC/USDT:USDT",
        startMs: oiFrom,
        endMs: Math.floor(now / HOUR) * HOUR,
        nowMs: now,
      }),
    ]);
    const liq = (await readTable(dir, "liquidations")).filter((r) => r.exchange === "okx");
    expect(liq.filter((r) => Number(r.ts) > lastLiq && Number(r.ts) < liqFrom)).toEqual([]);
    expect(liq.filter((r) => Number(r.ts) >= liqFrom).map(pick)).toEqual(
      expectedSeries({
        seed: SEED,
        table: "liquidations",
        exchange: "okx",
        symbol: "BTC/USDT:USDT",
        startMs: liqFrom,
        endMs: now,
        nowMs: now,
      }),
    );
  });

  it("a run slow enough to cross Binance's horizon after planning never sends a too-old start", async () => {
    // Every reading of the clock finds three hours gone: whatever start was planned, the horizon
    // has moved past it by the time the request is sent.
    let now = T0;
    const clock = () => (now += 3 * HOUR);
    sim = await startExchangeSimulator({ seed: SEED, nowMs: () => now });
    dir = await mkdtemp(path.join(tmpdir(), "cexdata-horizons-"));
    const config = parseConfig({
      exchanges: ["binance"],
      markets: ["perp"],
      bases: ["BTC"],
      tables: ["open_interest"],
      since: "40d",
    });
    const { report } = await runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: clock });

    // The simulator refuses a startTime older than 30 days (-1130): none was sent.
    expect(report.failures).toEqual([]);
    const stored = await readTable(dir, "open_interest");
    expect(stored.length).toBeGreaterThan(0);
    // The stretch it could not ask for is a gap that ends where the stored rows begin.
    const first = Math.min(...stored.map((r) => Number(r.ts)));
    expect(report.gaps).toHaveLength(1);
    const [stretch] = report.gaps[0]!.stretches;
    expect(stretch?.end).toBe(iso(first));
    expect(Date.parse(stretch!.end) - Date.parse(stretch!.start)).toBeGreaterThan(9 * DAY);
    expect(stretch?.missing).toBe((Date.parse(stretch!.end) - Date.parse(stretch!.start)) / HOUR);
  });

  it("a series that fails after its horizon still records the lost stretch, and a later run widens it, once", async () => {
    let now = T0;
    sim = await startExchangeSimulator({ seed: SEED, nowMs: () => now });
    dir = await mkdtemp(path.join(tmpdir(), "cexdata-horizons-"));
    const config = parseConfig({
      exchanges: ["okx"],
      markets: ["perp"],
      bases: ["BTC"],
      tables: ["liquidations"],
      since: "2d",
    });
    const run = () =>
      runCycle({
        config,
        datasetDir: dir!,
        logger,
        env: sim!.env(),
        nowMs: () => now,
        retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      });
    const stretch = (endMs: number) => ({
      exchange: "okx",
      symbol: "BTC/USDT:USDT",
      market: "perp",
      start: iso(T0 - 2 * DAY),
      end: iso(endMs),
      missing: Math.ceil((endMs - (T0 - 2 * DAY)) / HOUR),
    });

    sim.faults.set("okx", "/api/v5/public/liquidation-orders", { kind: "503" });
    const first = (await run()).report;
    expect(first.failures.map((f) => f.table)).toEqual(["liquidations"]);
    const { start, end, missing } = stretch(T0 - 23 * HOUR);
    expect(first.gaps.map((g) => g.stretches)).toEqual([[{ start, end, missing }]]);

    sim.faults.clear();
    now = T0 + 2 * HOUR;
    expect((await run()).report.failures).toEqual([]);
    const spec = parseDatasetSpec(JSON.parse(await readFile(path.join(dir, "spec.json"), "utf8")));
    expect(spec.tables.liquidations?.gaps).toEqual([stretch(now - 23 * HOUR)]);
  });
});
