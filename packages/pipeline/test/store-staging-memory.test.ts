import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { datasetSpecSchema, type LiquidationRow, type OhlcvRow, type TableName } from "@cexdata/schema";
import { openDatasetStore, type OpenDatasetStoreParams } from "../src/store/index.js";
import { parseMemorySize, stagingMemoryLimitOf } from "../src/store/staging-memory.js";
import { LATER, makeOhlcvRows, makeTempDir } from "./store-fixture-rows.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const START = Date.UTC(2024, 0, 1);
const ETH = { base: "ETH", symbol: "ETH/USDT" } as const;

type Page = { rows: readonly (OhlcvRow | LiquidationRow)[]; source: "archive" | "rest" | "ws" };

/** 2 series of 150k candles each (about 7 months), staged in 50k-row pages as a backfill does. */
function candlePages(): Page[] {
  const out: Page[] = [];
  for (let p = 0; p < 3; p++) {
    const from = START + p * 50_000 * 60_000;
    out.push({ rows: makeOhlcvRows(50_000, from), source: "archive" });
    out.push({ rows: makeOhlcvRows(50_000, from, ETH), source: "archive" });
  }
  // REST rows over part of the archive's: the merge must still pick the archive's.
  out.push({
    rows: makeOhlcvRows(20_000, START + 10_000 * 60_000, { close: 101, high: 120 }),
    source: "rest",
  });
  return out;
}

function liquidations(base: string, count: number, from: number, price = 60_000): LiquidationRow[] {
  return Array.from({ length: count }, (_, i) => ({
    exchange: "okx",
    symbol: `${base}/USDT:USDT`,
    ts: from + i * 10_000,
    id: `L${from + i * 10_000}`,
    base,
    quote: "USDT",
    side: i % 2 === 0 ? "long" : "short",
    price,
    amount: 0.5,
    value: price / 2,
  }));
}

/**
 * Liquidations (a table with text values, so appended to DuckDB's staging table): 2 series of 150k
 * each in 50k-row pages, then websocket rows over part of the REST ones, with another price: the
 * merge must still choose the same rows (the ranks and sequence numbers of rows that went to disk
 * come back intact).
 */
function liquidationPages(): Page[] {
  const out: Page[] = [];
  for (let p = 0; p < 3; p++) {
    const from = START + p * 50_000 * 10_000;
    out.push({ rows: liquidations("BTC", 50_000, from), source: "rest" });
    out.push({ rows: liquidations("ETH", 50_000, from), source: "rest" });
  }
  out.push({ rows: liquidations("BTC", 20_000, START + 10_000 * 10_000, 61_000), source: "ws" });
  return out;
}

/** Stages and commits `pages` into `table`; returns the spec's files and DuckDB's temp storage before the commit. */
async function writeDataset(
  table: TableName,
  pages: readonly Page[],
  params: Partial<OpenDatasetStoreParams>,
  inspect = true,
) {
  const dir = await makeTempDir();
  dirs.push(dir);
  const store = await openDatasetStore({ dir, nowMs: () => LATER, ...params });
  try {
    for (const page of pages) await store.stage(table, page.rows as never, page.source);
    // SQL work after staging runs under the store's full limit again (512MB, DuckDB shows MiB).
    // Without it, the commit merges straight after staging (under the budget, when rows went to disk).
    const [tempBytes, limit] = !inspect
      ? [null, null]
      : await store.withConnection(async (conn) => {
          const reader = await conn.runAndReadAll(
            "SELECT sum(temporary_storage_bytes)::DOUBLE, current_setting('memory_limit') FROM duckdb_memory()",
          );
          return reader.getRows()[0] as [number, string];
        });
    await store.commit();
    const spec = datasetSpecSchema.parse(JSON.parse(await readFile(path.join(dir, "spec.json"), "utf8")));
    const files = spec.tables[table]!.files.map((f) => ({ path: f.path, rows: f.rows, sha256: f.sha256 }));
    return { files, tempBytes, limit };
  } finally {
    await store.close();
  }
}

describe("staging memory budget", () => {
  it("keeps appended rows past the budget on disk until the commit, which writes the same files", async () => {
    const pages = liquidationPages();
    const full = await writeDataset("liquidations", pages, { stagingMemoryLimit: "1GB" });
    const small = await writeDataset("liquidations", pages, { stagingMemoryLimit: "24MB" });
    expect(full.tempBytes).toBe(0);
    expect(small.tempBytes).toBeGreaterThan(0);
    expect(small.files).toEqual(full.files);
    const straight = await writeDataset("liquidations", pages, { stagingMemoryLimit: "24MB" }, false);
    expect(straight.files).toEqual(full.files);
    expect(small.limit).toBe("488.2 MiB");
    expect(full.files.reduce((n, f) => n + f.rows, 0)).toBe(300_000);
  });

  it("leaves DuckDB's memory to candles' spill files, with the same files under any budget", async () => {
    const pages = candlePages();
    const full = await writeDataset("ohlcv_1m", pages, { stagingMemoryLimit: "1GB" });
    const small = await writeDataset("ohlcv_1m", pages, { stagingMemoryLimit: "24MB" });
    expect([full.tempBytes, small.tempBytes]).toEqual([0, 0]);
    expect(small.files).toEqual(full.files);
    expect(full.files.reduce((n, f) => n + f.rows, 0)).toBe(300_000);
  });

  it("is never above the store's own memory limit, nor guessed from sizes it cannot read", () => {
    expect(parseMemorySize("512MB")).toBe(512e6);
    expect(parseMemorySize("1.5 GiB")).toBe(1.5 * 2 ** 30);
    expect(parseMemorySize("80%")).toBeNull();
    expect(stagingMemoryLimitOf("512MB", "64MB")).toBe("64MB");
    expect(stagingMemoryLimitOf("32MB", "64MB")).toBeNull();
    expect(stagingMemoryLimitOf("80%", "64MB")).toBeNull();
  });
});
