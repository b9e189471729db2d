import { createRequire } from "node:module";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatasetStore, openDuckDB, type DatasetStore, type DuckDBHandle } from "../src/store/index.js";
import { WORK_DIR } from "../src/store/journal.js";
import { SpilledPartition, type SpilledColumn } from "../src/store/spilled-rows.js";
import {
  LATER,
  loadBinanceSpotRows,
  loadFreqtradePerpRows,
  makeOhlcvRows,
  makeTempDir,
} from "./store-fixture-rows.js";

// Rows staged from JS for number-only tables wait for the commit in plain Parquet files of the
// store's own making (spilled-rows.ts, plain-parquet.ts): they must be files another Parquet
// implementation reads value for value, and lose nothing on the way to the dataset.

interface CursorReader {
  getCursor(): { next(): Promise<Record<string, number> | null> };
  getRowCount(): unknown;
  close(): Promise<void>;
}
const parquet = createRequire(import.meta.url)("parquetjs-lite") as {
  ParquetReader: { openFile(file: string): Promise<CursorReader> };
};

let dirs: string[] = [];
let handles: { close(): unknown }[] = [];

beforeEach(() => {
  dirs = [];
  handles = [];
});
afterEach(async () => {
  for (const h of handles) await h.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await makeTempDir();
  dirs.push(dir);
  return dir;
}

async function duckdb(): Promise<DuckDBHandle> {
  const duck = await openDuckDB();
  handles.push(duck);
  return duck;
}

const COLUMNS: SpilledColumn[] = [
  { name: "_seq", nullable: false },
  { name: "ts", nullable: false },
  { name: "trades", nullable: true },
];

/** Stages `rows` ([seq, ts, trades]; trades null allowed) into the partition's buffer. */
function put(part: SpilledPartition, rows: readonly (readonly [number, number, number | null])[]): void {
  for (const [seq, ts, trades] of rows) {
    const slot = part.nextSlot();
    part.columns[0]![slot] = seq;
    part.columns[1]![slot] = ts;
    part.columns[2]![slot] = trades ?? NaN;
  }
}

async function readWithDuckDB(part: SpilledPartition): Promise<unknown[][]> {
  const duck = await duckdb();
  return (await duck.connection.runAndReadAll(`SELECT * FROM ${part.relation()}`)).getRows();
}

describe("spill files", () => {
  it("are Parquet files an independent reader (parquetjs-lite) reads value for value, row groups in staging order", async () => {
    const file = path.join(await tempDir(), "spill.parquet");
    const part = new SpilledPartition(file, COLUMNS);
    put(part, [
      [0, 1_700_000_000_000, 12],
      [1, 1_700_000_060_000, null],
    ]);
    part.write();
    put(
      part,
      Array.from({ length: 3000 }, (_, i) => [2 + i, 1_700_000_120_000 + i * 60_000, i % 7] as const),
    );
    part.finish();

    const reader = await parquet.ParquetReader.openFile(file);
    const read: Record<string, number>[] = [];
    try {
      const cursor = reader.getCursor();
      for (let row = await cursor.next(); row !== null; row = await cursor.next()) read.push(row);
    } finally {
      await reader.close();
    }
    expect(read).toHaveLength(3002);
    expect(read[0]).toEqual({ _seq: 0, ts: 1_700_000_000_000, trades: 12 });
    expect(read[1]!.trades).toBeNaN();
    expect(read[3001]).toEqual({ _seq: 3001, ts: 1_700_000_120_000 + 2999 * 60_000, trades: 2999 % 7 });
  });

  it("read by the merge, give NULL for a missing value, and keep rows staged after a commit was tried", async () => {
    const file = path.join(await tempDir(), "spill.parquet");
    const part = new SpilledPartition(file, COLUMNS);
    put(part, [
      [0, 1_000, 5],
      [1, 2_000, null],
    ]);
    part.finish();
    expect(await readWithDuckDB(part)).toEqual([
      [0, 1_000, 5],
      [1, 2_000, null],
    ]);
    // A failed commit leaves staging as it was: rows staged then go after the footer's place.
    put(part, [[2, 3_000, 7]]);
    part.finish();
    part.finish();
    expect(await readWithDuckDB(part)).toEqual([
      [0, 1_000, 5],
      [1, 2_000, null],
      [2, 3_000, 7],
    ]);
  });
});

describe("a store staging number-only tables", () => {
  let store: DatasetStore;
  let dir: string;

  beforeEach(async () => {
    dir = await tempDir();
    store = await openDatasetStore({ dir, nowMs: () => LATER });
    handles.push(store);
  });

  it("stores missing values (no quote volume, no trades) as NULL, never NaN, and removes its spill files", async () => {
    const perp = await loadFreqtradePerpRows();
    const spot = await loadBinanceSpotRows();
    await store.stage("ohlcv_1h", perp, "rest");
    await store.stage("ohlcv_1m", spot, "rest");
    // Small stagings stay in their buffers; the commit writes them out, reads and removes them.
    await store.commit();
    const workDir = path.join(dir, WORK_DIR);
    const spilled = async () =>
      (await readdir(workDir, { recursive: true })).filter((f) => /ohlcv_1[hm]-\d+\.parquet$/.test(f));
    expect(await spilled()).toEqual([]);

    const duck = await duckdb();
    const counts = async (table: string) =>
      (
        await duck.connection.runAndReadAll(
          `SELECT count(*)::INT, count(trades)::INT, count(quote_volume)::INT,
             count(*) FILTER (WHERE isnan(volume) OR isnan(close))::INT
           FROM read_parquet('${path.join(dir, "data", table, "**", "*.parquet")}')`,
        )
      ).getRows()[0];
    expect(await counts("ohlcv_1h")).toEqual([perp.length, 0, 0, 0]);
    expect(await counts("ohlcv_1m")).toEqual([spot.length, spot.length, spot.length, 0]);
  });

  it("writes rows past its buffer to files while staging, and a store closed without a commit leaves none", async () => {
    const rows = makeOhlcvRows(70_000, Date.UTC(2024, 0, 1));
    await store.stage("ohlcv_1m", rows, "rest");
    const workDir = path.join(dir, WORK_DIR);
    const spilled = async () =>
      (await readdir(workDir, { recursive: true }).catch(() => [])).filter((f) => /-\d+\.parquet$/.test(f));
    expect((await spilled()).length).toBeGreaterThan(0);
    await store.close();
    expect(await spilled()).toEqual([]);
  });
});
