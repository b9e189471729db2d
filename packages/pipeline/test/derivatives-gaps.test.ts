import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { simulatedDerivativeRows, startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { runCycle } from "../src/run/run-cycle.js";
import { verifyDataset } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";

const HOUR = 3_600_000;
const NOW = Date.UTC(2024, 4, 15, 10, 30);
const SINCE = Math.floor(NOW / HOUR) * HOUR - 240 * HOUR;
let sim: ExchangeSimulator;
let dir: string;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 4, nowMs: () => NOW });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-derivatives-gaps-"));
});
afterAll(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

it("an empty page for a range OKX should cover is a gap in the report and spec.json, never filled", async () => {
  // 240 hours of OKX mark candles come 100 a page: the second page (hours 100 to 199) comes back empty.
  sim.faults.set("okx", "/api/v5/market/history-mark-price-candles", { kind: "empty-page", nth: 2 });
  const config = parseConfig({
    exchanges: ["okx"],
    bases: ["BTC"],
    markets: ["perp"],
    tables: ["mark_ohlcv_1h"],
    since: SINCE,
  });
  const { report } = await runCycle({
    config,
    datasetDir: dir,
    logger: pino({ level: "silent" }),
    env: sim.env(),
    nowMs: () => NOW,
  });
  sim.faults.clear();
  expect(report.failures).toEqual([]);
  expect(sim.counters.okx.faultsInjected).toBe(1);

  const emptyStart = SINCE + 100 * HOUR;
  const emptyEnd = SINCE + 200 * HOUR;
  const gap = {
    start: new Date(emptyStart).toISOString(),
    end: new Date(emptyEnd).toISOString(),
    missing: 100,
  };
  expect(report.gaps.filter((g) => g.table === "mark_ohlcv_1h").map((g) => g.stretches)).toEqual([[gap]]);
  const spec = JSON.parse(await readFile(path.join(dir, "spec.json"), "utf8")) as {
    tables: { mark_ohlcv_1h: { gaps: unknown[] } };
  };
  expect(spec.tables.mark_ohlcv_1h.gaps).toEqual([
    { exchange: "okx", symbol: "BTC/USDT:USDT", market: "perp", ...gap },
  ]);

  // Stored: exactly the simulator's hours outside the empty page; nothing invented inside it.
  const stored = await readTable(dir, "mark_ohlcv_1h");
  const expected = simulatedDerivativeRows({
    seed: 4,
    table: "mark_ohlcv_1h",
    exchange: "okx",
    symbol: "BTC/USDT:USDT",
    startMs: SINCE,
    endMs: NOW,
    nowMs: NOW,
  }).filter((r) => Number(r.ts) < emptyStart || Number(r.ts) >= emptyEnd);
  expect(stored.map(({ exchange: _e, symbol: _s, base: _b, quote: _q, ...rest }) => rest)).toEqual(expected);
  expect((await verifyDataset({ dir, nowMs: () => NOW })).problems).toEqual([]);
});
