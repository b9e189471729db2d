import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { timestampMillisValue } from "@duckdb/node-api";
import type { OhlcvRow } from "@cexdata/schema";
import { DatasetStoreStateError, openDatasetStore, type DatasetStore } from "../src/store/index.js";
import { LATER, makeOhlcvRows, makeTempDir } from "./store-fixture-rows.js";

// stageFromQuery: rows made by SQL on the store's connection are staged without leaving DuckDB,
// and commit to exactly the files stage() writes for the same rows.
let dirs: string[] = [];
let stores: DatasetStore[] = [];

async function open(): Promise<DatasetStore> {
  const dir = await makeTempDir();
  dirs.push(dir);
  const store = await openDatasetStore({ dir, nowMs: () => LATER });
  stores.push(store);
  return store;
}

beforeEach(() => {
  dirs = [];
  stores = [];
});
afterEach(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Two series (BTC spot, ETH perp) over a month boundary: four partition files. */
function rows(): OhlcvRow[] {
  const start = Date.UTC(2024, 0, 31, 23, 0);
  const eth = { symbol: "ETH/USDT:USDT", market: "perp" as const, base: "ETH" };
  return [...makeOhlcvRows(120, start), ...makeOhlcvRows(90, start, eth)];
}

/** The rows as a DuckDB table in the store's connection, in the schema's column types. */
async function loadIntoDuckDB(store: DatasetStore, data: readonly OhlcvRow[]): Promise<void> {
  await store.withConnection(async (conn) => {
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE src (exchange VARCHAR, market VARCHAR, symbol VARCHAR, ts TIMESTAMP_MS,
        base VARCHAR, quote VARCHAR, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE,
        quote_volume DOUBLE, trades BIGINT, taker_buy_volume DOUBLE, taker_buy_quote_volume DOUBLE)`,
    );
    const appender = await conn.createAppender("src");
    for (const r of data) {
      appender.appendVarchar(r.exchange);
      appender.appendVarchar(r.market);
      appender.appendVarchar(r.symbol);
      appender.appendTimestampMilliseconds(timestampMillisValue(BigInt(r.ts)));
      appender.appendVarchar(r.base);
      appender.appendVarchar(r.quote);
      for (const v of [r.open, r.high, r.low, r.close, r.volume]) appender.appendDouble(v);
      appender.appendDouble(r.quote_volume ?? 0);
      appender.appendBigInt(BigInt(r.trades ?? 0));
      appender.appendDouble(r.taker_buy_volume ?? 0);
      appender.appendDouble(r.taker_buy_quote_volume ?? 0);
      appender.endRow();
    }
    appender.closeSync();
  });
}

describe("stageFromQuery", () => {
  it("commits the same files, bytes and spec as stage() with the same rows", async () => {
    const viaRows = await open();
    await viaRows.stage("ohlcv_1m", rows(), "archive");
    const a = await viaRows.commit();

    const viaQuery = await open();
    await loadIntoDuckDB(viaQuery, rows());
    const staged = await viaQuery.stageFromQuery("ohlcv_1m", { sql: "SELECT * FROM src" }, "archive");
    const b = await viaQuery.commit();

    expect(staged).toBe(210);
    expect(b.changedFiles.sort()).toEqual(a.changedFiles.sort());
    expect(b.changedFiles).toHaveLength(4);
    expect(b.rowsByTable).toEqual(a.rowsByTable);
    for (const file of [...b.changedFiles, "spec.json"]) {
      expect(await readFile(path.join(dirs[1]!, file))).toEqual(await readFile(path.join(dirs[0]!, file)));
    }
  });

  it("takes bound parameters, and ranks its rows by source like stage() (archive over stored)", async () => {
    const store = await open();
    const data = rows();
    await store.stage("ohlcv_1m", data, "rest");
    await store.commit();
    await loadIntoDuckDB(store, data);
    await store.stageFromQuery(
      "ohlcv_1m",
      {
        sql: "SELECT * REPLACE (close + 0.5 AS close, high + 1 AS high) FROM src WHERE symbol = $symbol",
        params: { symbol: "BTC/USDT" },
      },
      "archive",
    );
    await store.stageFromQuery(
      "ohlcv_1m",
      { sql: "SELECT * REPLACE (close + 0.5 AS close) FROM src" },
      "rest",
    );
    const result = await store.commit();
    // BTC's two files change (archive wins); ETH's stay (a REST row never replaces a stored one).
    expect(result.changedFiles.sort()).toEqual([
      "data/ohlcv_1m/base=BTC/2024-01.parquet",
      "data/ohlcv_1m/base=BTC/2024-02.parquet",
    ]);
  });

  it("merges rows staged from JS and from a query into the same partitions in one round, by source rank", async () => {
    const store = await open();
    const data = rows();
    // From JS (written to the spill files) and from SQL (into the staging table), the same keys.
    await store.stage("ohlcv_1m", data, "rest");
    await loadIntoDuckDB(store, data);
    await store.stageFromQuery(
      "ohlcv_1m",
      { sql: "SELECT * REPLACE (close + 0.5 AS close, high + 1 AS high) FROM src WHERE symbol = 'BTC/USDT'" },
      "archive",
    );
    await store.commit();
    const stored = await store.readRows("ohlcv_1m");
    expect(stored).toHaveLength(data.length);
    const closeOf = new Map(data.map((r) => [`${r.symbol} ${r.ts}`, r.close]));
    for (const r of stored) {
      const staged = closeOf.get(`${r.symbol} ${r.ts}`)!;
      expect(r.close).toBe(r.symbol === "BTC/USDT" ? staged + 0.5 : staged);
    }
  });

  it("refuses a query with two rows of one key, and stages nothing from it", async () => {
    const store = await open();
    await loadIntoDuckDB(store, rows());
    await expect(
      store.stageFromQuery("ohlcv_1m", { sql: "SELECT * FROM src UNION ALL SELECT * FROM src" }, "archive"),
    ).rejects.toThrow(DatasetStoreStateError);
    expect(await store.commit()).toMatchObject({ version: 0, changedFiles: [] });
  });

  it("adopts a series' table instead of copying it: the same bytes as stage(), sorted unless in key order, the table dropped at commit", async () => {
    const btc = rows().filter((r) => r.base === "BTC");
    const viaRows = await open();
    await viaRows.stage("ohlcv_1m", btc, "archive");
    const a = await viaRows.commit();

    // Stored newest first and not claimed in order: the store must sort it. Stored in order and
    // claimed so: written as scanned. Both give stage()'s bytes.
    for (const [order, inKeyOrder] of [
      ["ts DESC", false],
      ["ts", true],
    ] as const) {
      const store = await open();
      await loadIntoDuckDB(store, btc);
      const table = `${store.scratchCatalog}.adopted`;
      await store.withConnection((conn) =>
        conn.run(`CREATE TABLE ${table} AS SELECT * FROM src ORDER BY ${order}`),
      );
      const staged = await store.stageFromQuery(
        "ohlcv_1m",
        { sql: `SELECT * FROM ${table}`, keysUnique: true, adopt: [table], inKeyOrder },
        "archive",
      );
      const b = await store.commit();
      expect(staged).toBe(120);
      expect(b.changedFiles.sort()).toEqual(a.changedFiles.sort());
      for (const file of b.changedFiles) {
        const dir = dirs[dirs.length - 1]!;
        expect(await readFile(path.join(dir, file))).toEqual(await readFile(path.join(dirs[0]!, file)));
      }
      const left = await store.withConnection(async (conn) =>
        (
          await conn.runAndReadAll(
            `SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = 'adopted'`,
          )
        ).getRows(),
      );
      expect(left).toEqual([[0]]);
    }
  });

  it("merges an adopted series with what is stored by source rank (archive over stored over REST)", async () => {
    const btc = rows().filter((r) => r.base === "BTC");
    const store = await open();
    await store.stage("ohlcv_1m", btc, "rest");
    await store.commit();
    await loadIntoDuckDB(store, btc);
    for (const [name, source] of [
      ["archive_rows", "archive"],
      ["rest_rows", "rest"],
    ] as const) {
      const table = `${store.scratchCatalog}.${name}`;
      const bump = source === "archive" ? 0.5 : 0.25;
      await store.withConnection((conn) =>
        conn.run(`CREATE TABLE ${table} AS SELECT * REPLACE (close + ${bump} AS close) FROM src ORDER BY ts`),
      );
      await store.stageFromQuery(
        "ohlcv_1m",
        { sql: `SELECT * FROM ${table}`, keysUnique: true, adopt: [table], inKeyOrder: true },
        source,
      );
    }
    await store.commit();
    const stored = await store.readRows("ohlcv_1m");
    expect(stored).toHaveLength(120);
    expect(stored.map((r) => r.close)).toEqual(btc.map((r) => r.close + 0.5));
  });
});
