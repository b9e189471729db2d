import { readdir, readFile, rm, unlink } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { BookDepthRow, LiquidationRow } from "@cexdata/schema";
import { recentPartitions } from "../src/publish/index.js";
import { openDatasetStore, readSpec, verifyDataset } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";
import { makeTempDir } from "./store-fixture-rows.js";

// Liquidations and book depth: months while the year is open, one file once it has closed. The
// store's first commit after New Year moves the closed months into the year file, and rows of a
// closed year that arrive late (the archive's last day, the collector's last minutes) join it.

const DEC_20 = Date.UTC(2024, 11, 20);
const JAN_2 = Date.UTC(2025, 0, 2, 9);
let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});
async function tempDir(): Promise<string> {
  const dir = await makeTempDir();
  dirs.push(dir);
  return dir;
}

const liquidation = (base: string, ts: number, id: string): LiquidationRow => ({
  exchange: "okx",
  symbol: `${base}/USDT:USDT`,
  ts,
  id,
  base,
  quote: "USDT",
  side: "long",
  price: 60_000,
  amount: 0.5,
  value: 30_000,
});

const pathsOf = async (dir: string, table: "liquidations" | "book_depth") =>
  ((await readSpec(dir))?.tables[table]?.files ?? []).map((f) => f.path).sort();

describe("closed years of liquidations and book depth", () => {
  it("the first commit of the new year compacts the closed months; a late row joins the year file, a new one its month", async () => {
    const dir = await tempDir();
    const december = await openDatasetStore({ dir, nowMs: () => DEC_20 });
    await december.stage(
      "liquidations",
      [
        liquidation("BTC", Date.UTC(2024, 10, 10), "a"),
        liquidation("BTC", Date.UTC(2024, 11, 5), "b"),
        liquidation("ETH", Date.UTC(2024, 11, 1), "c"),
      ],
      "rest",
    );
    const written = await december.commit();
    await december.close();
    expect(await pathsOf(dir, "liquidations")).toEqual([
      "data/liquidations/base=BTC/2024-11.parquet",
      "data/liquidations/base=BTC/2024-12.parquet",
      "data/liquidations/base=ETH/2024-12.parquet",
    ]);
    const before = await readTable(dir, "liquidations");

    const january = await openDatasetStore({ dir, nowMs: () => JAN_2 });
    const late = liquidation("BTC", Date.UTC(2024, 11, 31, 23, 59, 30), "d");
    const fresh = liquidation("BTC", Date.UTC(2025, 0, 1, 0, 10), "e");
    await january.stage("liquidations", [late, fresh], "ws");
    const result = await january.commit();
    await january.close();
    // One version for the compaction, one for the rows; the run report counts both year files.
    expect(result.version).toBe(written.version + 2);
    expect([...result.changedFiles].sort()).toEqual([
      "data/liquidations/base=BTC/2024.parquet",
      "data/liquidations/base=BTC/2025-01.parquet",
      "data/liquidations/base=ETH/2024.parquet",
    ]);
    expect(await pathsOf(dir, "liquidations")).toEqual([
      "data/liquidations/base=BTC/2024.parquet",
      "data/liquidations/base=BTC/2025-01.parquet",
      "data/liquidations/base=ETH/2024.parquet",
    ]);
    expect((await readdir(path.join(dir, "data/liquidations/base=BTC"))).sort()).toEqual([
      "2024.parquet",
      "2025-01.parquet",
    ]);
    const after = await readTable(dir, "liquidations");
    expect(after.map((r) => r["id"])).toEqual(["a", "b", "d", "e", "c"]);
    expect(after.filter((r) => r["id"] !== "d" && r["id"] !== "e")).toEqual(before);
    expect((await verifyDataset({ dir, nowMs: () => JAN_2 })).problems).toEqual([]);
  });

  it("rows staged by SQL (the archive's path) go to the same files and bytes as stage() puts them", async () => {
    const band = (ts: number, level: number): BookDepthRow => ({
      exchange: "binance",
      market: "perp",
      symbol: "BTC/USDT:USDT",
      ts,
      side: "bid",
      level,
      base: "BTC",
      quote: "USDT",
      price: null,
      percentage: -level,
      amount: 10 * level,
      notional: 600_000 * level,
    });
    const rows = [Date.UTC(2024, 11, 31, 23, 59), Date.UTC(2025, 0, 1, 0, 0)].flatMap((ts) =>
      [1, 2, 3].map((level) => band(ts, level)),
    );
    const viaRows = await tempDir();
    const a = await openDatasetStore({ dir: viaRows, nowMs: () => JAN_2 });
    await a.stage("book_depth", rows, "archive");
    await a.commit();
    await a.close();

    const viaSql = await tempDir();
    const b = await openDatasetStore({ dir: viaSql, nowMs: () => JAN_2 });
    const values = rows
      .map(
        (r) =>
          `('binance', 'perp', 'BTC/USDT:USDT', epoch_ms(${r.ts}::BIGINT), 'bid', ${r.level}, 'BTC', 'USDT', ` +
          `NULL::DOUBLE, ${r.percentage}, ${r.amount}, ${r.notional})`,
      )
      .join(", ");
    await b.stageFromQuery(
      "book_depth",
      {
        sql:
          `SELECT * FROM (VALUES ${values}) v(exchange, market, symbol, ts, side, level, base, quote, ` +
          `price, percentage, amount, notional)`,
      },
      "archive",
    );
    await b.commit();
    await b.close();

    const files = ["data/book_depth/base=BTC/2024.parquet", "data/book_depth/base=BTC/2025-01.parquet"];
    expect(await pathsOf(viaRows, "book_depth")).toEqual(files);
    expect(await pathsOf(viaSql, "book_depth")).toEqual(files);
    for (const file of files)
      expect(await readFile(path.join(viaSql, file))).toEqual(await readFile(path.join(viaRows, file)));
  });

  it("refuses to compact a year with a month file missing on disk, and a pull of recent partitions fetches them", async () => {
    const dir = await tempDir();
    const december = await openDatasetStore({ dir, nowMs: () => DEC_20 });
    await december.stage(
      "liquidations",
      [liquidation("BTC", Date.UTC(2024, 2, 10), "a"), liquidation("BTC", Date.UTC(2024, 11, 5), "b")],
      "rest",
    );
    await december.commit();
    await december.close();
    const specBefore = await readSpec(dir);
    // As a pull of the last 40 days would have left it: March listed, not on disk.
    await unlink(path.join(dir, "data/liquidations/base=BTC/2024-03.parquet"));
    const january = await openDatasetStore({ dir, nowMs: () => JAN_2 });
    await january.stage("liquidations", [liquidation("BTC", Date.UTC(2025, 0, 1, 5), "c")], "ws");
    await expect(january.commit()).rejects.toThrow(
      /cannot compact data\/liquidations\/base=BTC\/2024\.parquet: data\/liquidations\/base=BTC\/2024-03\.parquet .* not on disk; pull/,
    );
    await january.close();
    expect(await readSpec(dir)).toEqual(specBefore);

    // `cexdata pull` on 2 January: the last 40 days, and every month of 2024 the first commit compacts.
    const include = recentPartitions(JAN_2 - 40 * 86_400_000, JAN_2);
    const listed = (p: string) => ({
      path: p,
      rows: 1,
      bytes: 1,
      sha256: "0".repeat(64),
      min_ts: null,
      max_ts: null,
    });
    expect(include(listed("data/liquidations/base=BTC/2024-03.parquet"))).toBe(true);
    expect(include(listed("data/book_depth/base=BTC/2024-01.parquet"))).toBe(true);
    expect(include(listed("data/ohlcv_1m/base=BTC/2024-03.parquet"))).toBe(false);
    expect(include(listed("data/liquidations/base=BTC/2023.parquet"))).toBe(false);
  });
});
