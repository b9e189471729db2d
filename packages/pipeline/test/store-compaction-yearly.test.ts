import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FundingRateRow } from "@cexdata/schema";
import { recentPartitions } from "../src/publish/index.js";
import { migrateLayout, openDatasetStore, readSpec, verifyDataset } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";
import { makeTempDir } from "./store-fixture-rows.js";

// The small yearly tables (funding, open interest, mark/index/premium candles, long/short ratios,
// funding predictions): a year file while the year is open, then every closed year in the base's one
// `all.parquet`. The first commit after New Year moves the closed year's file into it, and a row of a
// closed year that arrives late (the last funding of December) joins it.

const DEC_20_2023 = Date.UTC(2023, 11, 20);
const DEC_20_2024 = Date.UTC(2024, 11, 20);
const JAN_2_2025 = Date.UTC(2025, 0, 2, 9);
let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

const funding = (base: string, ts: number, rate: number): FundingRateRow => ({
  exchange: "binance",
  symbol: `${base}/USDT:USDT`,
  ts,
  base,
  quote: "USDT",
  funding_rate: rate,
  mark_price: 60_000,
  interval_hours: 8,
});

const pathsOf = async (dir: string) =>
  ((await readSpec(dir))?.tables.funding_rates?.files ?? []).map((f) => f.path).sort();

async function commitAt(dir: string, nowMs: number, rows: FundingRateRow[]) {
  const store = await openDatasetStore({ dir, nowMs: () => nowMs });
  try {
    await store.stage("funding_rates", rows, "rest");
    return await store.commit();
  } finally {
    await store.close();
  }
}

describe("closed years of the small yearly tables", () => {
  it("a closed year's file joins the base's all.parquet, rows identical; a late row joins it, a rerun changes nothing", async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    await commitAt(dir, DEC_20_2023, [
      funding("BTC", Date.UTC(2022, 5, 1), 0.0001),
      funding("BTC", Date.UTC(2023, 5, 1), 0.0002),
      funding("ETH", Date.UTC(2023, 11, 1), 0.0003),
    ]);
    // 2022 had closed when it was written: straight into all.parquet.
    expect(await pathsOf(dir)).toEqual([
      "data/funding_rates/base=BTC/2023.parquet",
      "data/funding_rates/base=BTC/all.parquet",
      "data/funding_rates/base=ETH/2023.parquet",
    ]);
    const before2024 = await readTable(dir, "funding_rates");

    // The first commit of 2024: 2023's files join all.parquet (BTC's merged with what it holds).
    const december = await commitAt(dir, DEC_20_2024, [funding("BTC", Date.UTC(2024, 11, 1), 0.0004)]);
    expect(await pathsOf(dir)).toEqual([
      "data/funding_rates/base=BTC/2024.parquet",
      "data/funding_rates/base=BTC/all.parquet",
      "data/funding_rates/base=ETH/all.parquet",
    ]);
    expect([...december.changedFiles].sort()).toEqual([
      "data/funding_rates/base=BTC/2024.parquet",
      "data/funding_rates/base=BTC/all.parquet",
      "data/funding_rates/base=ETH/all.parquet",
    ]);
    const after2024 = await readTable(dir, "funding_rates");
    expect(after2024.filter((r) => r["ts"] !== Date.UTC(2024, 11, 1))).toEqual(before2024);
    expect(after2024).toHaveLength(4);

    // 2 January 2025: 2024 closes; the last funding of 2024, late, lands in all.parquet, 2025's in its own.
    const late = funding("BTC", Date.UTC(2024, 11, 31, 16), 0.0005);
    const fresh = funding("BTC", Date.UTC(2025, 0, 1, 0), 0.0006);
    const january = await commitAt(dir, JAN_2_2025, [late, fresh]);
    expect([...january.changedFiles].sort()).toEqual([
      "data/funding_rates/base=BTC/2025.parquet",
      "data/funding_rates/base=BTC/all.parquet",
    ]);
    expect((await readdir(path.join(dir, "data/funding_rates/base=BTC"))).sort()).toEqual([
      "2025.parquet",
      "all.parquet",
    ]);
    const spec = await readSpec(dir);
    const all = spec!.tables.funding_rates!.files.find((f) => f.path.endsWith("BTC/all.parquet"))!;
    expect([all.rows, all.min_ts, all.max_ts]).toEqual([
      4,
      "2022-06-01T00:00:00.000Z",
      "2024-12-31T16:00:00.000Z",
    ]);
    const after = await readTable(dir, "funding_rates");
    expect(after.map((r) => r["funding_rate"])).toEqual([0.0001, 0.0002, 0.0004, 0.0005, 0.0006, 0.0003]);
    expect((await verifyDataset({ dir, nowMs: () => JAN_2_2025 })).problems).toEqual([]);

    // Rerun: the dataset is in the current layout; nothing compacted, no new version.
    const rerun = await migrateLayout({ dir, nowMs: () => JAN_2_2025 });
    expect(rerun).toEqual({ version: spec!.version, compacted: [] });
    expect(await readSpec(dir)).toEqual(spec);

    // `cexdata pull` on 2 January fetches all.parquet (a late row of a closed year merges into it).
    const include = recentPartitions(JAN_2_2025 - 40 * 86_400_000, JAN_2_2025);
    expect(include(all)).toBe(true);
    expect(include({ ...all, path: "data/funding_rates/base=BTC/2023.parquet" })).toBe(true);
    expect(include({ ...all, path: "data/ohlcv_1h/base=BTC/2023.parquet" })).toBe(false);
  });

  it("rows staged by SQL (the archive's path) go to the same files and bytes as stage() puts them", async () => {
    const rows = [Date.UTC(2023, 2, 1), Date.UTC(2024, 11, 31, 16), Date.UTC(2025, 0, 1, 8)].map((ts, i) =>
      funding("BTC", ts, 0.0001 * (i + 1)),
    );
    const viaRows = await makeTempDir();
    const viaSql = await makeTempDir();
    dirs.push(viaRows, viaSql);
    await commitAt(viaRows, JAN_2_2025, rows);
    const store = await openDatasetStore({ dir: viaSql, nowMs: () => JAN_2_2025 });
    const values = rows
      .map(
        (r) =>
          `('binance', 'BTC/USDT:USDT', epoch_ms(${r.ts}::BIGINT), 'BTC', 'USDT', ${r.funding_rate}, 60000.0, 8.0)`,
      )
      .join(", ");
    await store.stageFromQuery(
      "funding_rates",
      {
        sql:
          `SELECT * FROM (VALUES ${values}) ` +
          `v(exchange, symbol, ts, base, quote, funding_rate, mark_price, interval_hours)`,
      },
      "archive",
    );
    await store.commit();
    await store.close();
    const files = ["data/funding_rates/base=BTC/2025.parquet", "data/funding_rates/base=BTC/all.parquet"];
    expect(await pathsOf(viaRows)).toEqual(files);
    expect(await pathsOf(viaSql)).toEqual(files);
    for (const file of files)
      expect(await readFile(path.join(viaSql, file))).toEqual(await readFile(path.join(viaRows, file)));
  });
});
