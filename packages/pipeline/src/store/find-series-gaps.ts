import type { DuckDBConnection } from "@duckdb/node-api";
import type { TableName } from "@cexdata/schema";
import { intervalMsOf } from "../validate/index.js";
import { quoteSqlString } from "./duckdb.js";

/** A run of candles missing inside a series: `missing` candles from `start` to `end` inclusive. */
export interface MissingRun {
  readonly start: string;
  readonly end: string;
  readonly missing: number;
}

/** Coverage of one OHLCV series: how many candles it should have between its first and last, and has. */
export interface SeriesCoverage {
  readonly table: TableName;
  readonly exchange: string;
  readonly market: string;
  readonly symbol: string;
  readonly first: string;
  readonly last: string;
  readonly expected: number;
  readonly present: number;
  readonly gaps: MissingRun[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Lists every series of an OHLCV table stored in `files` (absolute paths from the verified
 * manifest) with the candles expected between its first and last, those present, and the
 * contiguous runs missing. Gaps are facts to report (exchange outages), not errors.
 */
export async function findSeriesGaps(
  conn: DuckDBConnection,
  table: TableName,
  files: readonly string[],
): Promise<SeriesCoverage[]> {
  const ms = intervalMsOf(table);
  if (ms === undefined || files.length === 0) return [];
  const source = `read_parquet([${files.map(quoteSqlString).join(", ")}])`;
  const epoch = "epoch_ms(CAST(ts AS TIMESTAMP))";
  const summary = await conn.runAndReadAll(
    `SELECT exchange, market, symbol, min(${epoch})::DOUBLE, max(${epoch})::DOUBLE, count(DISTINCT ts)::DOUBLE ` +
      `FROM ${source} GROUP BY ALL ORDER BY ALL`,
  );
  const runs = await conn.runAndReadAll(
    `SELECT exchange, market, symbol, prev::DOUBLE, t::DOUBLE FROM (` +
      `SELECT exchange, market, symbol, ${epoch} AS t, lag(${epoch}) OVER (PARTITION BY exchange, market, symbol ORDER BY ts) AS prev ` +
      `FROM ${source}) WHERE t - prev > ${ms} ORDER BY ALL`,
  );
  const gapsBySeries = new Map<string, MissingRun[]>();
  for (const [exchange, market, symbol, prev, t] of runs.getRows() as [
    string,
    string,
    string,
    number,
    number,
  ][]) {
    const key = `${exchange}|${market}|${symbol}`;
    const list = gapsBySeries.get(key) ?? [];
    list.push({ start: iso(prev + ms), end: iso(t - ms), missing: Math.round((t - prev) / ms) - 1 });
    gapsBySeries.set(key, list);
  }
  return (summary.getRows() as [string, string, string, number, number, number][]).map(
    ([exchange, market, symbol, first, last, present]) => ({
      table,
      exchange,
      market,
      symbol,
      first: iso(first),
      last: iso(last),
      expected: Math.round((last - first) / ms) + 1,
      present,
      gaps: gapsBySeries.get(`${exchange}|${market}|${symbol}`) ?? [],
    }),
  );
}
