import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  cadenceMsOf,
  parsePartitionPath,
  tableDef,
  type DatasetSpec,
  type TableName,
  baseOf,
} from "@cexdata/schema";
import type { TimeRange } from "./archive-files.js";
import { sqlString } from "./archive-rows-sql.js";

export interface SeriesGaps {
  /** First and last stored ts of the series in the range (null when nothing is stored). */
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  /** Missing stretches [startMs, endMs) inside the series (stored rows on both sides). */
  readonly interior: TimeRange[];
  /** Missing stretches at an end of the series: before its first / after its last stored row (listing, delisting). */
  readonly edges: TimeRange[];
}

/**
 * Finds the missing rows of one series in [startMs, endMs) by comparing the expected timestamps
 * with the committed Parquet files of its base (as spec.json lists them): a LAG over the stored
 * timestamps in DuckDB, so a year of minutes never comes into JS.
 */
export async function findGaps(params: {
  conn: DuckDBConnection;
  dir: string;
  spec: DatasetSpec | null;
  table: TableName;
  series: { exchange: string; symbol: string; market?: string };
  startMs: number;
  endMs: number;
}): Promise<SeriesGaps> {
  const step = cadenceMsOf(params.table);
  if (step === undefined) return { firstMs: null, lastMs: null, interior: [], edges: [] };
  const startMs = Math.ceil(params.startMs / step) * step;
  const endMs = Math.ceil(params.endMs / step) * step;
  if (endMs <= startMs) return { firstMs: null, lastMs: null, interior: [], edges: [] };
  const base = baseOf(params.series.symbol);
  const all = (params.spec?.tables[params.table]?.files ?? []).filter(
    (f) => parsePartitionPath(f.path)?.base === base,
  );
  const fileList = (files: typeof all) =>
    `[${files.map((f) => sqlString(path.join(params.dir, f.path))).join(", ")}]`;
  const inRange = all
    .filter((f) => f.max_ts === null || Date.parse(f.max_ts) >= startMs)
    .filter((f) => f.min_ts === null || Date.parse(f.min_ts) < endMs);
  const empty = { firstMs: null, lastMs: null, interior: [], edges: [{ startMs, endMs }] };
  if (inRange.length === 0) return empty;
  const hasMarket =
    Object.hasOwn(tableDef(params.table).columns, "market") && params.series.market !== undefined;
  const values: Record<string, string | bigint> = {
    exchange: params.series.exchange,
    symbol: params.series.symbol,
    start_ms: BigInt(startMs),
    end_ms: BigInt(endMs),
  };
  if (hasMarket) values["market"] = params.series.market!;
  const ms = "epoch_ms(CAST(ts AS TIMESTAMP))";
  const where = `exchange = $exchange AND symbol = $symbol ${hasMarket ? "AND market = $market" : ""}`;
  const reader = await params.conn.runAndReadAll(
    `WITH t AS (
       SELECT DISTINCT ${ms} AS ts FROM read_parquet(${fileList(inRange)})
       WHERE ${where} AND ${ms} >= $start_ms AND ${ms} < $end_ms
     ), l AS (SELECT ts, lag(ts) OVER (ORDER BY ts) AS prev FROM t)
     SELECT 0 AS kind, min(ts)::DOUBLE AS a, max(ts)::DOUBLE AS b FROM t
     UNION ALL
     SELECT 1, (prev + ${step})::DOUBLE, ts::DOUBLE FROM l WHERE ts - prev > ${step}
     UNION ALL
     SELECT 2, count(*) FILTER (WHERE ${ms} < $start_ms)::DOUBLE, count(*) FILTER (WHERE ${ms} >= $end_ms)::DOUBLE
     FROM read_parquet(${fileList(all)}) WHERE ${where} AND (${ms} < $start_ms OR ${ms} >= $end_ms)
     ORDER BY kind, a`,
    values,
  );
  const rows = reader.getRows() as [number, number | null, number | null][];
  const [, first, last] = rows[0] ?? [0, null, null];
  const [, before, after] = rows[rows.length - 1] ?? [2, 0, 0];
  if (first === null || last === null) return empty;
  const interior = rows.slice(1, -1).map(([, a, b]) => ({ startMs: a!, endMs: b! }));
  const edges: TimeRange[] = [];
  // A stretch at an end of the range is a hole in the series when the series goes on past that end.
  if (first > startMs) ((before ?? 0) > 0 ? interior : edges).unshift({ startMs, endMs: first });
  if (last + step < endMs) ((after ?? 0) > 0 ? interior : edges).push({ startMs: last + step, endMs });
  return { firstMs: first, lastMs: last, interior, edges };
}
