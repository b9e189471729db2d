import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  TABLES,
  parsePartitionPath,
  tableDef,
  type DatasetSpec,
  type Market,
  type TableName,
  baseOf,
} from "@cexdata/schema";
import { quoteIdentifier, quoteSqlString } from "./duckdb.js";

/** One series of a table: what a watermark is read for. */
export interface SeriesRef {
  readonly exchange: string;
  readonly symbol: string;
  /** Needed only where the table has a market column and the symbol alone is ambiguous. */
  readonly market?: Market;
}

/**
 * The last stored `ts` of a series, epoch ms, or null when nothing is stored. Reads spec.json's
 * max_ts to visit the table's files of the series' base newest first, and asks DuckDB only about
 * those, stopping at the first file that holds the series (time partitions do not overlap).
 */
export async function readWatermark(params: {
  readonly conn: DuckDBConnection;
  readonly dir: string;
  readonly spec: DatasetSpec | null;
  readonly table: TableName;
  readonly series: SeriesRef;
}): Promise<number | null> {
  const { conn, dir, spec, table, series } = params;
  const files = spec?.tables[table]?.files ?? [];
  const byBase = TABLES[table].partition.byBase;
  const base = baseOf(series.symbol);
  const candidates = files
    .filter((f) => !byBase || parsePartitionPath(f.path)?.base === base)
    .filter((f) => f.max_ts !== null)
    .sort((a, b) => (a.max_ts! < b.max_ts! ? 1 : a.max_ts! > b.max_ts! ? -1 : 0));
  const ts = quoteIdentifier(TABLES[table].timeColumn);
  const hasMarket = Object.hasOwn(tableDef(table).columns, "market") && series.market !== undefined;
  const values: Record<string, string> = { exchange: series.exchange, symbol: series.symbol };
  if (hasMarket) values["market"] = series.market!;
  for (const file of candidates) {
    const reader = await conn.runAndReadAll(
      `SELECT epoch_ms(max(${ts})::TIMESTAMP)::DOUBLE FROM read_parquet(${quoteSqlString(path.join(dir, file.path))}) ` +
        `WHERE exchange = $exchange AND symbol = $symbol${hasMarket ? " AND market = $market" : ""}`,
      values,
    );
    const value = reader.getRows()[0]?.[0];
    if (typeof value === "number") return value;
  }
  return null;
}
