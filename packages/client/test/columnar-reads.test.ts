import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC, tableToIPC, type Table } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTERVALS, TABLES, toCamelCase, type Row, type TableName } from "@cexdata/schema";
import {
  Dataset,
  InvalidArgumentError,
  Token,
  Tokens,
  type ColumnTable,
  type ColumnValues,
  type PlainRow,
} from "../src/index.js";
import { buildStandardTables } from "./support/standard-tables.js";
import { writeTestDataset, type TestTables } from "./support/write-dataset.js";

let dir: string;
let dataset: Dataset;

/** The standard tables, with nulls where the contract allows them (trades, quote volume, mark price). */
function tablesWithNulls(): TestTables {
  const tables = buildStandardTables();
  for (const table of ["ohlcv_1m", "ohlcv_1h", "ohlcv_1d"] as const) {
    (tables[table] as Row<"ohlcv_1m">[]).forEach((row, i) => {
      if (i % 7 === 0) row.trades = null;
      if (i % 11 === 0) row.quote_volume = null;
    });
  }
  tables.funding_rates!.forEach((row, i) => (row.mark_price = i % 3 === 0 ? null : row.mark_price));
  tables.open_interest!.forEach((row, i) => (row.open_interest_value = i % 4 === 0 ? null : 1));
  tables.funding_predictions = tables.open_interest!.map((row, i) => ({
    exchange: row.exchange,
    symbol: row.symbol,
    ts: row.ts,
    base: row.base,
    quote: row.quote,
    funding_time: row.ts + 8 * 3_600_000,
    funding_rate: ((i % 5) - 2) / 100_000,
    mark_price: i % 3 === 0 ? null : 100 + i,
    index_price: i % 3 === 0 ? null : 100 + i / 2,
  }));
  return tables;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cexdata-columns-"));
  await writeTestDataset(dir, tablesWithNulls());
  dataset = new Dataset({ source: dir, cacheDir: join(dir, ".cache") });
});

afterAll(async () => {
  await dataset.close();
  await rm(dir, { recursive: true, force: true });
});

/** The schema's column types by client name, for turning columns back into rows independently. */
function typesOf(table: TableName): Map<string, string> {
  return new Map(Object.entries(TABLES[table].columns).map(([name, c]) => [toCamelCase(name), c.type]));
}

/** Columns back to row objects by the schema: NaN -> null, times -> Date, 1/0 -> boolean. */
function columnsToRows(result: ColumnTable, table: TableName): PlainRow[] {
  const types = typesOf(table);
  expect(Object.keys(result.columns)).toEqual([...types.keys()]);
  return Array.from({ length: result.length }, (_, i) => {
    const row: PlainRow = {};
    for (const [name, column] of Object.entries(result.columns) as [string, ColumnValues][]) {
      const type = types.get(name);
      if (column instanceof Float64Array) {
        const value = column[i]!;
        row[name] = Number.isNaN(value)
          ? null
          : type === "TIMESTAMP_MS"
            ? new Date(value)
            : type === "BOOLEAN"
              ? value === 1
              : value;
      } else if (Array.isArray(column)) row[name] = column[i]!;
      else row[name] = column.codes[i]! < 0 ? null : column.dictionary[column.codes[i]!]!;
    }
    return row;
  });
}

/** An Arrow table back to row objects: times come out as epoch ms, lists as Arrow vectors. */
function arrowToRows(table: Table, tableName: TableName): PlainRow[] {
  const types = typesOf(tableName);
  expect(table.schema.fields.map((f) => f.name)).toEqual([...types.keys()]);
  return table.toArray().map((arrowRow: Record<string, unknown>) => {
    const row: PlainRow = {};
    for (const [name, type] of types) {
      const value = arrowRow[name];
      row[name] =
        value === null
          ? null
          : type === "TIMESTAMP_MS"
            ? new Date(Number(value))
            : type === "VARCHAR[]"
              ? [...(value as Iterable<string>)]
              : (value as PlainRow[string]);
    }
    return row;
  });
}

type Read = (as: "rows" | "columns" | "arrow") => Promise<unknown>;

const btc = () => new Token("BTC", { dataset });
const many = () => new Tokens(["BTC", "ETH", "SOL"], { dataset });

/** Every table method, with the table its rows come from. */
const READS: [string, TableName, Read][] = [
  ...INTERVALS.map((interval): [string, TableName, Read] => [
    `ohlcv ${interval}`,
    "ohlcv_1m",
    (as) => btc().ohlcv({ interval, as }),
  ]),
  ["ohlcv 1h perp", "ohlcv_1m", (as) => btc().ohlcv({ interval: "1h", market: "perp", as })],
  ["ohlcv 4h partial", "ohlcv_1m", (as) => btc().ohlcv({ interval: "4h", partial: true, as })],
  ["Tokens ohlcv 1d", "ohlcv_1m", (as) => many().ohlcv({ interval: "1d", as })],
  ["Tokens ohlcv 1w, limit", "ohlcv_1m", (as) => many().ohlcv({ interval: "1w", limit: 3, as })],
  ["fundingRates", "funding_rates", (as) => btc().fundingRates({ as })],
  ["openInterest", "open_interest", (as) => btc().openInterest({ as })],
  ["fundingPredictions", "funding_predictions", (as) => btc().fundingPredictions({ as })],
  ["liquidations", "liquidations", (as) => btc().liquidations({ as })],
  ["Tokens liquidations", "liquidations", (as) => many().liquidations({ as })],
  ["markets", "exchange_info", (as) => btc().markets({ as })],
  ["Tokens markets", "exchange_info", (as) => many().markets({ as })],
  ["Tokens info", "token_info", (as) => many().info({ as })],
];

describe("columns and Arrow hold the same values as rows", () => {
  it.each(READS)("%s", async (_, table, read) => {
    const rows = (await read("rows")) as PlainRow[];
    expect(rows.length).toBeGreaterThan(0);
    expect(columnsToRows((await read("columns")) as ColumnTable, table)).toEqual(rows);
    expect(arrowToRows((await read("arrow")) as Table, table)).toEqual(rows);
  });

  it("keeps nulls as NaN in number columns and as null in rows", async () => {
    const rows = await btc().ohlcv({ interval: "1m" });
    const columns = await btc().ohlcv({ interval: "1m", as: "columns" });
    const nullTrades = rows.flatMap((r, i) => (r.trades === null ? [i] : []));
    expect(nullTrades.length).toBeGreaterThan(100);
    for (const i of nullTrades) expect(columns.columns.trades[i]).toBeNaN();
    expect(columns.columns.ts).toBeInstanceOf(Float64Array);
    expect(columns.columns.ts[0]).toBe(rows[0]!.ts.getTime());
  });

  it("gives repeated strings as a small dictionary", async () => {
    const { length, columns } = await many().ohlcv({ interval: "1h", as: "columns" });
    expect(columns.exchange.codes).toHaveLength(length);
    expect([...columns.exchange.dictionary].sort()).toEqual(["binance", "coinbase", "okx"]);
    expect(columns.symbol.dictionary).toEqual(["BTC/USDT", "ETH/USDT", "SOL/USD"]);
  });

  it("returns a token's info as one row, or as a one-row table", async () => {
    const info = await btc().info();
    expect(info).toMatchObject({ base: "BTC", exchanges: ["binance", "okx", "coinbase"] });
    const columns = await btc().info({ as: "columns" });
    expect(columnsToRows(columns, "token_info")).toEqual([info]);
  });

  it("returns empty columns, every column named, when nothing matches", async () => {
    const columns = await btc().ohlcv({ start: "2030-01-01", as: "columns" });
    expect(columns.length).toBe(0);
    expect(Object.keys(columns.columns)).toEqual([...typesOf("ohlcv_1m").keys()]);
    const arrow = await btc().fundingRates({ start: "2030-01-01", as: "arrow" });
    expect(arrow.numRows).toBe(0);
    expect(arrow.schema.fields.map((f) => f.name)).toEqual([...typesOf("funding_rates").keys()]);
  });

  it("answers dataset.sql as columns too", async () => {
    const sql = "SELECT base, count(*) AS n, max(ts) AS last FROM ohlcv_1d GROUP BY base ORDER BY base";
    const rows = await dataset.sql(sql);
    const { length, columns } = await dataset.sql(sql, {}, { as: "columns" });
    expect(length).toBe(rows.length);
    expect(columns.n).toEqual(Float64Array.from(rows.map((r) => r.n as number)));
    expect(columns.last).toEqual(Float64Array.from(rows.map((r) => (r.last as Date).getTime())));
  });

  it("gives an Arrow table that survives Arrow IPC, the format DataFrame libraries read", async () => {
    const table = await btc().ohlcv({ interval: "1h", as: "arrow" });
    const copy = tableFromIPC(tableToIPC(table));
    expect(copy.numRows).toBe(table.numRows);
    expect(copy.getChild("close")!.toArray()).toEqual(table.getChild("close")!.toArray());
    expect(String(copy.schema.fields.find((f) => f.name === "ts")!.type)).toBe("Timestamp<MILLISECOND>");
  });

  it("refuses an unknown shape before any query", async () => {
    await expect(btc().ohlcv({ as: "csv" as never })).rejects.toThrow(InvalidArgumentError);
  });
});
