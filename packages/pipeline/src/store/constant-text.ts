import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdentifier, quoteSqlString } from "./duckdb.js";

/**
 * A series' text columns (exchange, market, symbol, base, quote: the staging dictionary's) that hold
 * one value in every row of a file are written as a one-value ENUM. DuckDB writes an ENUM as the same
 * Parquet column a VARCHAR gives (BYTE_ARRAY, UTF8, a dictionary page, exact min/max), read back as
 * VARCHAR by every reader, but without hashing each row's string into a dictionary: the five columns
 * of a 1m-candle file cost as much CPU as its twelve numbers and times (1M archive candles:
 * read_csv -> COPY 535 ms bare, 907 ms with the five text columns, 761 ms with them as ENUMs).
 * Only for one value: an ENUM column's statistics are the whole ENUM's range in every row group,
 * which would stop readers skipping row groups by symbol in a file of several series.
 *
 * Every writer (staged parts, partition merges, year compactions) decides it from what it knows of
 * its rows, by this one rule, so a file's bytes stay a function of its rows whatever path wrote it.
 */

/** Per column, the one value a source's rows all hold there, or null when they hold several (or NULL). */
export type SourceValues = Readonly<Record<string, string | null>>;

/** The columns of `columns` holding one value across every source, and that value; {} with no source. */
export function constantColumns(
  columns: readonly string[],
  sources: readonly SourceValues[],
): Record<string, string> {
  const constants: Record<string, string> = {};
  if (sources.length === 0) return constants;
  for (const column of columns) {
    const values = new Set(sources.map((s) => s[column] ?? null));
    const [only] = values;
    if (values.size === 1 && typeof only === "string") constants[column] = only;
  }
  return constants;
}

/**
 * What a Parquet file's footer says of `columns`: a column's value where every row group's min and
 * max are that one value and it has no NULL; null otherwise. Statistics of a string of 256 bytes or
 * more may be cut (DuckDB truncates there), so such a value counts as several. The footer's
 * `is_exact` flags are not used: DuckDB leaves them false on the ENUM columns it writes. Reads the
 * footer only.
 */
export async function readFileValues(
  conn: DuckDBConnection,
  file: string,
  columns: readonly string[],
): Promise<SourceValues> {
  const values: Record<string, string | null> = Object.fromEntries(columns.map((c) => [c, null]));
  if (columns.length === 0) return values;
  const reader = await conn.runAndReadAll(
    `SELECT path_in_schema, min(stats_min_value), max(stats_max_value),
       bool_and(coalesce(stats_min_value = stats_max_value AND strlen(stats_min_value) < 256 AND stats_null_count = 0, false))
     FROM parquet_metadata(${quoteSqlString(file)})
     WHERE path_in_schema IN (${columns.map(quoteSqlString).join(", ")}) GROUP BY path_in_schema`,
  );
  for (const [column, min, max, exact] of reader.getRows() as [
    string,
    string | null,
    string | null,
    boolean,
  ][]) {
    if (exact && min !== null && min === max) values[column] = min;
  }
  return values;
}

/**
 * The SELECT-list expression writing column `name` of schema type `type`: a one-value ENUM when
 * `constants` names it (see above), the schema's type otherwise.
 */
export function writtenColumnSql(
  name: string,
  type: string,
  constants: Readonly<Record<string, string>>,
): string {
  const value = constants[name];
  const to = value === undefined ? type : `ENUM(${quoteSqlString(value)})`;
  return `CAST(${quoteIdentifier(name)} AS ${to}) AS ${quoteIdentifier(name)}`;
}
