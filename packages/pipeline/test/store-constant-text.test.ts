import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { constantColumns, readFileValues } from "../src/store/constant-text.js";
import { openDuckDB, type DuckDBHandle } from "../src/store/duckdb.js";
import { PARQUET_COPY_OPTIONS } from "../src/store/merge-partition.js";
import { makeTempDir } from "./store-fixture-rows.js";

// Which text columns a writer takes as one value, read from the footers of real files DuckDB wrote:
// a wrong "one value" would write every row of a file with one symbol (or fail the COPY).

let dir: string;
let db: DuckDBHandle;

beforeAll(async () => {
  dir = await makeTempDir();
  db = await openDuckDB();
});
afterAll(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, select: string): Promise<string> {
  const file = path.join(dir, `${name}.parquet`);
  await db.connection.run(`COPY (${select}) TO '${file}' (${PARQUET_COPY_OPTIONS})`);
  return file;
}

describe("the text columns a file holds one value in", () => {
  it("are read from the footer, for VARCHAR and one-value ENUM columns alike, over every row group", async () => {
    const file = await write(
      "one-series",
      `SELECT 'binance' AS exchange, CAST('BTC/USDT' AS ENUM('BTC/USDT')) AS symbol, range AS v FROM range(300000)`,
    );
    expect(await readFileValues(db.connection, file, ["exchange", "symbol"])).toEqual({
      exchange: "binance",
      symbol: "BTC/USDT",
    });
  });

  it("are not taken from a column of several values, one with a NULL, or one whose statistics are cut", async () => {
    const long = "X".repeat(300);
    const file = await write(
      "several",
      `SELECT CASE WHEN range < 200000 THEN 'BTC/USDC' ELSE 'BTC/USDT' END AS symbol,
         CASE WHEN range = 5 THEN NULL ELSE 'spot' END AS market,
         '${long}' || CAST(range % 2 AS VARCHAR) AS note, range AS v FROM range(300000) ORDER BY range`,
    );
    // Row group 2 holds BTC/USDT alone: a column is one value only if every row group says so.
    expect(await readFileValues(db.connection, file, ["symbol", "market", "note"])).toEqual({
      symbol: null,
      market: null,
      note: null,
    });
  });

  it("are the columns every source holds the same one value in", () => {
    const spot = { exchange: "binance", market: "spot", symbol: "BTC/USDT" };
    const perp = { exchange: "binance", market: "perp", symbol: "BTC/USDT:USDT" };
    const columns = ["exchange", "market", "symbol"];
    expect(constantColumns(columns, [spot, spot])).toEqual(spot);
    expect(constantColumns(columns, [spot, perp])).toEqual({ exchange: "binance" });
    expect(constantColumns(columns, [spot, { ...spot, symbol: null }])).toEqual({
      exchange: "binance",
      market: "spot",
    });
    expect(constantColumns(columns, [])).toEqual({});
  });
});
