import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { NO_ARCHIVE_DEFECTS, startTestkit, type Testkit } from "@cexdata/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { runCycle } from "../src/run/run-cycle.js";
import { verifyDataset } from "../src/store/index.js";
import { candleFields, expectedSeries } from "./helpers/expected-series.js";
import { readTable } from "./helpers/read-table.js";

const SEED = 17;
const NOW = Date.UTC(2024, 4, 15, 10, 30, 17);
const SINCE = Date.UTC(2024, 4, 12);
const logger = pino({ level: "silent" });

let tk: Testkit;
let dir: string;
beforeAll(async () => {
  tk = await startTestkit({ seed: SEED, nowMs: () => NOW, archiveDefects: NO_ARCHIVE_DEFECTS });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-archive-first-"));
});
afterAll(async () => {
  await tk.stop();
  await rm(dir, { recursive: true, force: true });
});

it("archiveFirst: Binance perpetuals take whole past days from the archive and only today from fapi", async () => {
  const { report } = await runCycle({
    config: parseConfig({
      exchanges: ["binance"],
      bases: ["BTC"],
      markets: ["perp"],
      tables: ["ohlcv_1m", "funding_rates"],
      since: SINCE,
      archiveFirst: true,
    }),
    datasetDir: dir,
    logger,
    env: { ...tk.env },
    nowMs: () => NOW,
  });
  expect(report.failures).toEqual([]);
  expect(report.blocked).toEqual([]);
  // Three whole days of 1m candles came in three daily zips; fapi served only today's 630 candles
  // (two pages of 499), not the 4,950 a REST-only run pages through.
  expect(tk.archive.counters.zips).toBeGreaterThanOrEqual(3);
  expect(tk.exchanges.counters.binance.requests["/fapi/v1/klines"]).toBe(2);

  const stored = (await readTable(dir, "ohlcv_1m")).map(candleFields);
  expect(stored).toEqual(
    expectedSeries({
      seed: SEED,
      table: "ohlcv_1m",
      exchange: "binance",
      symbol: "BTC/USDT:USDT",
      startMs: SINCE,
      endMs: Math.floor(NOW / 60_000) * 60_000,
      nowMs: NOW,
    }),
  );
  // May's funding is not archived until June (monthly files only): it all came from fapi.
  expect((await readTable(dir, "funding_rates")).length).toBeGreaterThan(0);
  expect((await verifyDataset({ dir, nowMs: () => NOW })).problems).toEqual([]);
});
