import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { NO_ARCHIVE_DEFECTS, startTestkit, type Testkit } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { createAdapter } from "../src/exchanges/registry.js";
import { topBasesByVolume } from "../src/plan/top-bases-by-volume.js";
import { runCycle } from "../src/run/run-cycle.js";
import { summarizeCoverage } from "../src/publish/coverage-summary.js";
import { renderDatasetCard } from "../src/publish/index.js";
import { backfillFromArchive } from "../src/sources/archive/index.js";
import { openDatasetStore, readSpec, verifyDataset } from "../src/store/index.js";
import { candleFields, expectedSeries } from "./helpers/expected-series.js";
import { countCoverage } from "./helpers/count-coverage.js";
import { readTable } from "./helpers/read-table.js";

/**
 * The testkit's listing lifecycle on Binance USDⓈ-M (LISTING_LIFECYCLE): BTC trades throughout;
 * FADE trades (a 90-minute outage on the 2nd), is delisted on 2024-03-04 12:00 and prints
 * zero-volume candles for a day, then leaves the listing on the 7th; NOVA is announced on the 5th
 * and lists on the 6th at 08:00. A run every day at 00:30, as a schedule would.
 */
const SEED = 23;
const at = (iso: string) => Date.parse(iso);
const RUNS = [2, 3, 4, 5, 6, 7, 8, 9].map((d) => at(`2024-03-0${d}T00:30:00Z`));
const LAST_RUN = RUNS[RUNS.length - 1]!;
const logger = pino({ level: "silent" });

let now = RUNS[0]!;
let tk: Testkit;
let dir: string;

function configAt(nowMs: number) {
  return parseConfig({
    exchanges: ["binance"],
    markets: ["perp"],
    // NOVA is added once announced, as a user adds a coin they read about.
    bases: nowMs >= at("2024-03-05") ? ["BTC", "FADE", "NOVA"] : ["BTC", "FADE"],
    tables: ["ohlcv_1m", "ohlcv_1h", "exchange_info", "token_info", "coverage"],
    since: "2024-03-01",
    archiveFirst: true,
  });
}

beforeAll(async () => {
  tk = await startTestkit({
    seed: SEED,
    nowMs: () => now,
    archiveDefects: NO_ARCHIVE_DEFECTS,
    exchanges: { listingScenario: true },
  });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-lifecycle-"));
  for (const runAt of RUNS) {
    now = runAt;
    const { report } = await runCycle({
      config: configAt(now),
      datasetDir: dir,
      logger,
      env: { ...tk.env },
      nowMs: () => now,
    });
    expect(report.failures, new Date(now).toISOString()).toEqual([]);
    expect(report.suspectListings).toEqual([]);
  }
}, 240_000);
afterAll(async () => {
  await tk.stop();
  await rm(dir, { recursive: true, force: true });
});

const markets = async () =>
  Object.fromEntries((await readTable(dir, "exchange_info")).map((r) => [String(r.symbol), r]));

describe("a market listed, traded, delisted mid-range, and a new one listed", () => {
  it("exchange_info holds all three with their listing and delisting times", async () => {
    const info = await markets();
    // The recorded entry's onboardDate.
    expect(info["BTC/USDT:USDT"]).toMatchObject({
      active: true,
      listed_at: at("2019-09-25T08:00:00Z"),
      delisted_at: null,
    });
    // Gone from the listing since the 7th, kept with the settlement time Binance gave while SETTLING.
    expect(info["FADE/USDT:USDT"]).toMatchObject({
      active: false,
      listed_at: at("2023-06-01"),
      delisted_at: at("2024-03-04T12:00:00Z"),
    });
    expect(info["NOVA/USDT:USDT"]).toMatchObject({
      active: true,
      listed_at: at("2024-03-06T08:00:00Z"),
      delisted_at: null,
    });
    const tokens = Object.fromEntries((await readTable(dir, "token_info")).map((r) => [String(r.base), r]));
    expect(tokens["FADE"]).toMatchObject({ markets: 0, delisted_markets: 1, exchanges: [] });
    expect(tokens["NOVA"]).toMatchObject({ markets: 1, delisted_markets: 0, exchanges: ["binance"] });
  });

  it("stores the delisted market's history, its zero-volume candles after the delisting included", async () => {
    const fade = (await readTable(dir, "ohlcv_1m")).filter((r) => r.symbol === "FADE/USDT:USDT");
    expect(fade.map(candleFields)).toEqual(
      expectedSeries({
        seed: SEED,
        table: "ohlcv_1m",
        exchange: "binance",
        symbol: "FADE/USDT:USDT",
        startMs: at("2024-03-01"),
        endMs: LAST_RUN,
        nowMs: LAST_RUN,
      }),
    );
    expect(fade.at(-1)?.ts).toBe(at("2024-03-05T11:59:00Z"));
    expect((await verifyDataset({ dir, nowMs: () => LAST_RUN })).problems).toEqual([]);
  });

  it("coverage flags the zombie candles, the outage and the days not listed all day", async () => {
    const rows = (await readTable(dir, "coverage")).filter(
      (r) => r.symbol === "FADE/USDT:USDT" && r.table_name === "ohlcv_1m",
    );
    const day = (iso: string) => rows.find((r) => r.day === at(iso));
    // The first run took the whole 1st from the archive; later days came from fapi after each
    // watermark, which never starts a whole day.
    expect(day("2024-03-01")).toMatchObject({ expected: 1440, present: 1440, sources: ["archive"] });
    expect(day("2024-03-02")).toMatchObject({
      expected: 1440,
      present: 1350,
      missing_minutes: 90,
      listed_all_day: true,
      zombie_rows: 0,
      sources: ["rest"],
    });
    expect(day("2024-03-04")).toMatchObject({
      expected: 720,
      present: 1440,
      missing_minutes: 0,
      listed_all_day: false,
      zombie_rows: 720,
    });
    expect(day("2024-03-05")).toMatchObject({ expected: 0, present: 720, zombie_rows: 720 });
    const nova = (await readTable(dir, "coverage")).find(
      (r) => r.symbol === "NOVA/USDT:USDT" && r.table_name === "ohlcv_1m" && r.day === at("2024-03-06"),
    );
    expect(nova).toMatchObject({ expected: 960, present: 960, missing_minutes: 0, listed_all_day: false });
  });

  it("coverage equals an independent count over the stored rows, for every series and day", async () => {
    const info = Object.values(await markets());
    const coverage = await readTable(dir, "coverage");
    for (const table of ["ohlcv_1m", "ohlcv_1h"] as const) {
      const counted = countCoverage({
        table,
        rows: await readTable(dir, table),
        exchangeInfo: info,
        coverage,
      });
      const stored = coverage
        .filter((r) => r.table_name === table)
        .map((r) => ({
          key: `${String(r.symbol)} ${new Date(Number(r.day)).toISOString().slice(0, 10)}`,
          expected: r.expected,
          present: r.present,
          missing_minutes: r.missing_minutes,
          zombie_rows: r.zombie_rows,
          listed_all_day: r.listed_all_day,
        }));
      expect(stored).toEqual(counted);
    }
  });

  it("backfills the delisted market from the archive as readily as a live one; REST says where to look", async () => {
    now = LAST_RUN;
    const store = await openDatasetStore({ dir, nowMs: () => now });
    try {
      const result = await backfillFromArchive({
        store,
        runId: "backfill-fade",
        market: "perp",
        symbol: "FADE/USDT:USDT",
        table: "ohlcv_1h",
        startMs: at("2024-02-20"),
        endMs: at("2024-03-01"),
        nowMs: now,
        env: { ...tk.env },
        source: "archive",
      });
      expect(result.imported.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
    const fade = (await readTable(dir, "ohlcv_1h")).filter((r) => r.symbol === "FADE/USDT:USDT");
    expect(fade[0]?.ts).toBe(at("2024-02-20"));
    const { report } = await runCycle({
      config: configAt(now),
      datasetDir: dir,
      logger,
      env: { ...tk.env },
      nowMs: () => now,
      only: [
        {
          series: { table: "ohlcv_1h", exchange: "binance", market: "perp", symbol: "FADE/USDT:USDT" },
          sinceMs: at("2024-02-10"),
          untilMs: at("2024-02-20"),
        },
      ],
    });
    expect(report.failures[0]?.message).toMatch(/no longer lists FADE\/USDT:USDT .*--source archive/);
  });

  it("top: N ranks the bases listed now by 30 days of stored quote volume, the rest by listings", async () => {
    const adapter = createAdapter("binance", { env: { ...tk.env } });
    await adapter.loadMarkets();
    const store = await openDatasetStore({ dir, nowMs: () => LAST_RUN });
    try {
      const top = await store.withConnection((conn) =>
        topBasesByVolume({
          conn,
          dir,
          spec: store.spec,
          adapters: [adapter],
          markets: ["perp"],
          n: 3,
          nowMs: LAST_RUN,
        }),
      );
      // BTC and NOVA have stored candles (BTC eight days of them, NOVA three); FADE is no longer
      // listed; DOGE, ETH, LUNA and SOL are listed once each with nothing stored: alphabetical.
      expect(top).toEqual(["BTC", "NOVA", "DOGE"]);
    } finally {
      await store.close();
    }
  });

  it("is summed per table and exchange in the dataset card", async () => {
    const spec = (await readSpec(dir))!;
    const card = renderDatasetCard({
      spec,
      repo: "org/cexdata",
      coverage: await summarizeCoverage(dir, spec),
    });
    const line = card.split("\n").find((l) => l.startsWith("| `ohlcv_1m` | binance |"));
    // BTC, FADE and NOVA; FADE's 90-minute outage is all that is missing; its day of zero-volume candles.
    expect(line).toMatch(
      /^\| `ohlcv_1m` \| binance \| 3 \| \d+ \(2024-03-01 to 2024-03-09\) \| 99\.\d\d % \| 90 \| \d+ \| 1440 \|$/,
    );
    expect(card).toContain("no survivorship bias");
  });

  it("a listing answer truncated to a tenth of the markets marks nothing delisted and is reported", async () => {
    const before = await markets();
    now = LAST_RUN + 3_600_000;
    tk.exchanges.listings.binance.share = 0.1;
    try {
      const { report } = await runCycle({
        config: configAt(now),
        datasetDir: dir,
        logger,
        env: { ...tk.env },
        nowMs: () => now,
      });
      expect(report.suspectListings).toEqual([
        expect.objectContaining({ exchange: "binance", allowedShare: 0.5 }),
      ]);
    } finally {
      tk.exchanges.listings.binance.share = 1;
    }
    const after = await markets();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [symbol, row] of Object.entries(after)) {
      expect([symbol, row.active, row.delisted_at]).toEqual([
        symbol,
        before[symbol]!.active,
        before[symbol]!.delisted_at,
      ]);
    }
  });
});
