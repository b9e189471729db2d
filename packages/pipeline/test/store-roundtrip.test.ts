import { readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { datasetSpecSchema, specColumnsOf, type OhlcvRow } from "@cexdata/schema";
import { openDatasetStore, openDuckDB, type DatasetStore } from "../src/store/index.js";
import { validateRows } from "../src/validate/index.js";
import {
  LATER,
  loadBinanceSpotRows,
  loadFreqtradeFundingRows,
  loadFreqtradePerpRows,
  makeOhlcvRows,
  makeTempDir,
} from "./store-fixture-rows.js";

let dir: string;
let store: DatasetStore;
const clock = () => LATER;

beforeEach(async () => {
  dir = await makeTempDir();
  store = await openDatasetStore({ dir, nowMs: clock });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function readBack(file: string): Promise<Record<string, unknown>[]> {
  const duck = await openDuckDB();
  try {
    const reader = await duck.connection.runAndReadAll(
      `SELECT * REPLACE (epoch_ms(ts)::DOUBLE AS ts, trades::DOUBLE AS trades) FROM read_parquet($file)`,
      { file: path.join(dir, file) },
    );
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    duck.close();
  }
}

async function readSpecJson(): Promise<ReturnType<typeof datasetSpecSchema.parse>> {
  return datasetSpecSchema.parse(JSON.parse(await readFile(path.join(dir, "spec.json"), "utf8")));
}

describe("store round trip", () => {
  it("writes real Binance klines and reads back the same values, times and nulls", async () => {
    const spot = await loadBinanceSpotRows();
    const perp = await loadFreqtradePerpRows();
    const { accepted, rejected } = validateRows("ohlcv_1m", spot, { source: "rest", nowMs: LATER });
    expect(rejected).toEqual([]);
    await store.stage("ohlcv_1m", accepted, "rest");
    await store.stage(
      "ohlcv_1h",
      validateRows("ohlcv_1h", perp, { source: "rest", nowMs: LATER }).accepted,
      "rest",
    );
    const result = await store.commit();

    expect(result.version).toBe(1);
    expect(result.changedFiles.sort()).toEqual([
      "data/ohlcv_1h/base=XRP/2021.parquet",
      "data/ohlcv_1m/base=BTC/2021-10.parquet",
    ]);
    expect(result.rowsByTable.ohlcv_1m).toEqual({ staged: 10, added: 10 });
    expect(await readBack("data/ohlcv_1m/base=BTC/2021-10.parquet")).toEqual(spot);
    expect(await readBack("data/ohlcv_1h/base=XRP/2021.parquet")).toEqual(perp);
  });

  it("writes the schema's exact column order and Parquet types (TIMESTAMP_MILLIS for timestamps)", async () => {
    await store.stage("ohlcv_1m", makeOhlcvRows(5, Date.UTC(2024, 0, 1)), "rest");
    await store.commit();
    const duck = await openDuckDB();
    const file = path.join(dir, "data/ohlcv_1m/base=BTC/2024-01.parquet");
    const described = await duck.connection.runAndReadAll(
      "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($file))",
      { file },
    );
    const physical = await duck.connection.runAndReadAll(
      "SELECT name, converted_type FROM parquet_schema($file) WHERE name = 'ts'",
      { file },
    );
    duck.close();
    const expected = specColumnsOf("ohlcv_1m").map((c) => [
      c.name,
      c.type === "TIMESTAMP_MS" ? "TIMESTAMP" : c.type,
    ]);
    expect(described.getRows()).toEqual(expected);
    expect(physical.getRows()).toEqual([["ts", "TIMESTAMP_MILLIS"]]);
  });

  it("cuts files as the contract says: ohlcv_1m by month, ohlcv_1h by year, ohlcv_1d whole, funding's closed years in one file", async () => {
    const start = Date.UTC(2023, 11, 31, 23, 58);
    await store.stage("ohlcv_1m", makeOhlcvRows(4, start), "rest");
    await store.stage("ohlcv_1m", makeOhlcvRows(2, start, { base: "ETH", symbol: "ETH/USDT" }), "rest");
    await store.stage("ohlcv_1h", makeOhlcvRows(1, Date.UTC(2022, 5, 1)), "rest");
    await store.stage("ohlcv_1d", makeOhlcvRows(1, Date.UTC(2022, 5, 1)), "rest");
    await store.stage("funding_rates", await loadFreqtradeFundingRows(), "rest");
    const { changedFiles } = await store.commit();
    expect(changedFiles.sort()).toEqual([
      // Funding is a small yearly table: the years closed by the store's clock share all.parquet.
      "data/funding_rates/base=XRP/all.parquet",
      "data/ohlcv_1d/base=BTC/all.parquet",
      "data/ohlcv_1h/base=BTC/2022.parquet",
      "data/ohlcv_1m/base=BTC/2023-12.parquet",
      "data/ohlcv_1m/base=BTC/2024-01.parquet",
      "data/ohlcv_1m/base=ETH/2023-12.parquet",
    ]);
    const spec = await readSpecJson();
    const dec = spec.tables.ohlcv_1m!.files.find((f) => f.path === "data/ohlcv_1m/base=BTC/2023-12.parquet")!;
    expect(dec).toMatchObject({
      rows: 2,
      min_ts: "2023-12-31T23:58:00.000Z",
      max_ts: "2023-12-31T23:59:00.000Z",
    });
    expect(dec.bytes).toBe((await stat(path.join(dir, dec.path))).size);
  });

  it("writes a spec.json the contract's schema accepts, with columns, version and update_time", async () => {
    await store.stage("ohlcv_1m", makeOhlcvRows(3, Date.UTC(2024, 0, 1)), "rest");
    await store.commit();
    const spec = await readSpecJson();
    expect(spec.version).toBe(1);
    expect(spec.update_time).toBe(new Date(LATER).toISOString());
    expect(spec.tables.ohlcv_1m!.columns).toEqual(specColumnsOf("ohlcv_1m"));
  });
});

describe("merge", () => {
  const start = Date.UTC(2024, 0, 1);
  const closeOf = async () =>
    (await readBack("data/ohlcv_1m/base=BTC/2024-01.parquet")).map((r) => r["close"]);

  it("keeps a stored candle over a new REST one, and appends new candles", async () => {
    await store.stage("ohlcv_1m", makeOhlcvRows(3, start), "rest");
    await store.commit();
    const again = makeOhlcvRows(5, start).map((r): OhlcvRow => ({ ...r, close: r.close + 0.5 }));
    await store.stage("ohlcv_1m", again, "rest");
    const result = await store.commit();
    expect(result.version).toBe(2);
    expect(result.rowsByTable.ohlcv_1m).toEqual({ staged: 5, added: 2 });
    expect(await closeOf()).toEqual([101, 102, 103, 104.5, 105.5]);
  });

  it("lets an archive row replace a stored one", async () => {
    await store.stage("ohlcv_1m", makeOhlcvRows(3, start), "rest");
    await store.commit();
    await store.stage("ohlcv_1m", [{ ...makeOhlcvRows(2, start)[1]!, close: 101.25 }], "archive");
    await store.commit();
    expect(await closeOf()).toEqual([101, 101.25, 103]);
  });

  it("prefers archive over REST within one commit, and the first staged among equals", async () => {
    const rows = makeOhlcvRows(1, start);
    await store.stage("ohlcv_1m", [{ ...rows[0]!, close: 101.5 }], "rest");
    await store.stage("ohlcv_1m", [{ ...rows[0]!, close: 101.75 }], "rest");
    await store.stage("ohlcv_1m", [{ ...rows[0]!, close: 101.25 }], "archive");
    await store.stage("ohlcv_1m", [{ ...rows[0]!, close: 101.1 }], "archive");
    await store.commit();
    expect(await closeOf()).toEqual([101.25]);
  });

  it("leaves every byte and the version alone when a rerun stages the same rows", async () => {
    const rows = await loadBinanceSpotRows();
    await store.stage("ohlcv_1m", rows, "rest");
    await store.commit();
    const specBefore = await readFile(path.join(dir, "spec.json"));
    const fileBefore = await readFile(path.join(dir, "data/ohlcv_1m/base=BTC/2021-10.parquet"));
    const mtime = (await stat(path.join(dir, "spec.json"))).mtimeMs;
    await store.stage("ohlcv_1m", rows, "rest");
    await store.stage("ohlcv_1m", rows.slice(3), "archive");
    const result = await store.commit();
    expect(result).toMatchObject({ version: 1, changedFiles: [] });
    expect(await readFile(path.join(dir, "spec.json"))).toEqual(specBefore);
    expect((await stat(path.join(dir, "spec.json"))).mtimeMs).toBe(mtime);
    expect(await readFile(path.join(dir, "data/ohlcv_1m/base=BTC/2021-10.parquet"))).toEqual(fileBefore);
    expect((await store.commit()).version).toBe(1);
  });

  it("writes the same bytes for the same rows in another dataset, whatever the staging order", async () => {
    const rows = makeOhlcvRows(3000, start);
    await store.stage("ohlcv_1m", rows, "rest");
    await store.commit();
    const other = await makeTempDir();
    const second = await openDatasetStore({ dir: other, nowMs: clock, threads: 1 });
    await second.stage("ohlcv_1m", [...rows].reverse(), "rest");
    await second.commit();
    await second.close();
    const file = "data/ohlcv_1m/base=BTC/2024-01.parquet";
    expect(await readFile(path.join(other, file))).toEqual(await readFile(path.join(dir, file)));
    expect(await readFile(path.join(other, "spec.json"), "utf8")).toBe(
      await readFile(path.join(dir, "spec.json"), "utf8"),
    );
    await rm(other, { recursive: true, force: true });
  });

  it("writes the same bytes for a series committed in three appends as for it committed at once", async () => {
    // The appends take the stored file's rows, then the new ones, without a sort; several row groups.
    const rows = makeOhlcvRows(31 * 1440, start);
    for (const third of [0, 1, 2]) {
      await store.stage("ohlcv_1m", rows.slice(third * 14_880, (third + 1) * 14_880), "rest");
      await store.commit();
    }
    const other = await makeTempDir();
    const once = await openDatasetStore({ dir: other, nowMs: clock });
    await once.stage("ohlcv_1m", rows, "rest");
    await once.commit();
    await once.close();
    const file = "data/ohlcv_1m/base=BTC/2024-01.parquet";
    expect((await readBack(file)).map((r) => r["ts"])).toEqual(rows.map((r) => r.ts));
    expect(await readFile(path.join(dir, file))).toEqual(await readFile(path.join(other, file)));
    await rm(other, { recursive: true, force: true });
  });
});
