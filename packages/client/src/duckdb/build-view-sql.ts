import { quoteSqlString, readTableFilesSql, TABLES, type TableName } from "@cexdata/schema";

/** A view a query reads: a table's files, or `series` (exchange, symbol, base, quote, market) of them. */
export interface ViewSource {
  readonly view: string;
  readonly table: TableName;
  /** Local paths, taken only from the verified manifest and the cache, never from a user. */
  readonly paths: readonly string[];
  readonly shape?: "table" | "series";
  /** The manifest entries of `paths`, in the same order (their sha256 names their content). */
  readonly files?: readonly { readonly sha256: string }[];
}

/**
 * `CREATE TEMP VIEW` over the exact files a query needs. Paths are inlined because read_parquet
 * needs them at bind time; they come from the verified manifest only and are quoted (single quotes
 * doubled). With no files the view is an empty relation with the table's columns. `everyColumn`:
 * every file holds exactly the table's columns (see `filesHoldEveryColumn`), so none is added.
 */
export function buildViewSql(source: ViewSource, everyColumn = false): string {
  if (!/^[a-z][a-z0-9_]*$/.test(source.view)) throw new RangeError(`invalid view name ${source.view}`);
  const columns = TABLES[source.table].columns as Record<string, { type: string }>;
  const fileList = `[${source.paths.map(quoteSqlString).join(", ")}]`;
  const from =
    source.paths.length === 0
      ? `SELECT ${Object.entries(columns)
          .map(([name, c]) => `CAST(NULL AS ${c.type}) AS ${name}`)
          .join(", ")} WHERE false`
      : everyColumn
        ? `SELECT * FROM read_parquet(${fileList})`
        : // Files written under an older minor schema lack the columns added since: they read NULL.
          `SELECT * FROM ${readTableFilesSql(source.table, fileList)}`;
  const body =
    source.shape === "series"
      ? `SELECT exchange, symbol, base, quote, ${"market" in columns ? "market" : "'perp'"} AS market FROM (${from})`
      : from;
  return `CREATE OR REPLACE TEMP VIEW ${source.view} AS ${body}`;
}
