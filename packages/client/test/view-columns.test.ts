import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quoteSqlString, type DatasetSpec } from "@cexdata/schema";
import { Dataset, Token } from "../src/index.js";
import { filesHoldEveryColumn } from "../src/duckdb/files-hold-every-column.js";
import { makeCandles } from "./support/make-rows.js";
import { buildStandardTables } from "./support/standard-tables.js";
import { writeTestDataset } from "./support/write-dataset.js";

// A view reads its files with a plain read_parquet when each holds exactly its table's columns, and
// by name (adding the missing columns as NULL) when a file was written before a column existed.

const START = Date.UTC(2024, 0, 31, 22);
let work: string;
let spec: DatasetSpec;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "cexdata-view-columns-"));
  // Four hours of 1m candles across a month boundary: two partition files, January and February.
  spec = await writeTestDataset(join(work, "ds"), {
    ohlcv_1m: makeCandles({
      exchange: "binance",
      symbol: "BTC/USDT",
      startMs: START,
      count: 240,
      intervalMs: 60_000,
    }),
    token_info: buildStandardTables().token_info!,
  });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("files read by a view", () => {
  it("files written under the current schema hold every column, a LIST column included; a file lacking one does not", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    try {
      const filesOf = (table: "ohlcv_1m" | "token_info") =>
        spec.tables[table]!.files.map((f) => ({ path: join(work, "ds", f.path), sha256: f.sha256 }));
      expect(filesOf("ohlcv_1m")).toHaveLength(2);
      expect(await filesHoldEveryColumn(connection, "ohlcv_1m", filesOf("ohlcv_1m"))).toBe(true);
      expect(await filesHoldEveryColumn(connection, "token_info", filesOf("token_info"))).toBe(true);

      const old = join(work, "old.parquet");
      await connection.run(
        `COPY (SELECT * EXCLUDE (taker_buy_volume, taker_buy_quote_volume) FROM read_parquet(${quoteSqlString(filesOf("ohlcv_1m")[0]!.path)})) TO ${quoteSqlString(old)}`,
      );
      const withOld = [{ path: old, sha256: "0".repeat(64) }, ...filesOf("ohlcv_1m")];
      expect(await filesHoldEveryColumn(connection, "ohlcv_1m", withOld)).toBe(false);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });

  it("a query over a file written before the taker-buy columns and one written after returns both, old rows with null", async () => {
    const dir = join(work, "ds");
    const january = spec.tables.ohlcv_1m!.files[0]!;
    // January rewritten as a file of the schema before taker-buy volumes existed.
    const db = await DuckDBInstance.create(":memory:");
    const connection = await db.connect();
    const path = join(dir, january.path);
    const rewritten = `${path}.old`;
    await connection.run(
      `COPY (SELECT * EXCLUDE (taker_buy_volume, taker_buy_quote_volume) FROM read_parquet(${quoteSqlString(path)})) TO ${quoteSqlString(rewritten)} (FORMAT parquet)`,
    );
    connection.closeSync();
    db.closeSync();
    const bytes = await readFile(rewritten);
    await writeFile(path, bytes);
    await rm(rewritten);
    const patched = structuredClone(spec) as { tables: Record<string, { files: Record<string, unknown>[] }> };
    Object.assign(patched.tables["ohlcv_1m"]!.files[0]!, {
      bytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
    await writeFile(join(dir, "spec.json"), JSON.stringify(patched, null, 2));

    const dataset = new Dataset({ source: dir, cacheDir: join(work, "cache") });
    try {
      const candles = await new Token("BTC", { dataset }).ohlcv({
        interval: "1m",
        start: new Date(START),
        end: new Date(START + 240 * 60_000),
      });
      expect(candles).toHaveLength(240);
      const february = Date.UTC(2024, 1, 1);
      const before = candles.filter((c) => c.ts.getTime() < february);
      const after = candles.filter((c) => c.ts.getTime() >= february);
      expect(before).toHaveLength(120);
      expect(before.every((c) => c.takerBuyVolume === null && c.takerBuyQuoteVolume === null)).toBe(true);
      expect(after.every((c) => typeof c.takerBuyVolume === "number")).toBe(true);
    } finally {
      await dataset.close();
    }
  });
});
