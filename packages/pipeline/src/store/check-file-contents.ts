import { JSDuckDBValueConverter, type DuckDBConnection } from "@duckdb/node-api";
import {
  TABLES,
  isReadableColumnList,
  parsePartitionPath,
  readTableFilesSql,
  partitionTimeRange,
  tableDef,
  type SpecFile,
  type TableName,
} from "@cexdata/schema";
import { DUPLICATE_REASON, validateRows } from "../validate/index.js";
import { quoteIdentifier, quoteSqlString } from "./duckdb.js";
import { keyOrderSql } from "./merge-partition.js";
/** One thing wrong with a stored file, as `verify` reports it. */
export interface VerifyProblem {
  readonly file: string;
  readonly reason: string;
  readonly detail: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** DuckDB reads a TIMESTAMP_MILLIS Parquet column back as TIMESTAMP. */
const readBackType = (type: string): string => (type === "TIMESTAMP_MS" ? "TIMESTAMP" : type);

/** The SELECT list that turns a stored file's columns into pipeline row values (ms, numbers). */
function rowValuesSql(table: TableName): string {
  return Object.entries(tableDef(table).columns)
    .map(([name, c]) => {
      const q = quoteIdentifier(name);
      if (c.type === "TIMESTAMP_MS") return `epoch_ms(CAST(${q} AS TIMESTAMP))::DOUBLE AS ${q}`;
      if (c.type === "BIGINT" || c.type === "INTEGER") return `${q}::DOUBLE AS ${q}`;
      return q;
    })
    .join(", ");
}

/**
 * Checks one readable Parquet file of `table` against its spec.json entry and the contract:
 * columns and types, rows, time range, partition membership, duplicate keys, and every row
 * streamed through `validateRows` (the one definition of the rules). Throws if DuckDB cannot read it.
 */
export async function checkFileContents(params: {
  readonly conn: DuckDBConnection;
  readonly abs: string;
  readonly table: TableName;
  readonly file: SpecFile;
  readonly nowMs: number;
}): Promise<VerifyProblem[]> {
  const { conn, abs, table, file, nowMs } = params;
  const problems: VerifyProblem[] = [];
  const add = (reason: string, detail: string) => problems.push({ file: file.path, reason, detail });
  const described = await conn.runAndReadAll(
    `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${quoteSqlString(abs)}))`,
  );
  const actual = described.getRows().map(([n, t]) => `${String(n)} ${String(t)}`);
  const expected = Object.entries(tableDef(table).columns).map(([n, c]) => `${n} ${readBackType(c.type)}`);
  // A file written before a nullable column was added (an older minor schema) lacks it: still valid.
  const names = described.getRows().map(([n]) => String(n));
  const expectedByName = new Set(expected);
  const typesMatch = actual.every((a) => expectedByName.has(a));
  if (!typesMatch || !isReadableColumnList(table, names)) {
    add("columns_mismatch", `has (${actual.join(", ")}), the contract says (${expected.join(", ")})`);
    return problems;
  }
  const source = readTableFilesSql(table, quoteSqlString(abs));

  const ts = quoteIdentifier(TABLES[table].timeColumn);
  // A yearly table's `all.parquet` of closed years holds nothing of the year `nowMs` is in.
  const { startMs, endMs } = partitionTimeRange(file.path, nowMs);
  const base = parsePartitionPath(file.path)?.base ?? null;
  const tsMs = `epoch_ms(CAST(${ts} AS TIMESTAMP))`;
  const bounds = [
    ...(Number.isFinite(startMs) ? [`${tsMs} < ${startMs}`] : []),
    ...(Number.isFinite(endMs) ? [`${tsMs} >= ${endMs}`] : []),
  ];
  const outside =
    `CASE WHEN ${base === null ? "false" : `base <> ${quoteSqlString(base)}`} THEN 1 ` +
    (bounds.length > 0 ? `WHEN ${bounds.join(" OR ")} THEN 1 ` : "") +
    `ELSE 0 END`;
  const stats = await conn.runAndReadAll(
    `SELECT count(*)::DOUBLE, epoch_ms(min(${ts})::TIMESTAMP)::DOUBLE, epoch_ms(max(${ts})::TIMESTAMP)::DOUBLE, ` +
      `sum(${outside})::DOUBLE FROM ${source}`,
  );
  const [rows, lo, hi, misplaced] = stats.getRows()[0] as [
    number,
    number | null,
    number | null,
    number | null,
  ];
  if (rows !== file.rows) add("rows_mismatch", `${rows} rows in the file, ${file.rows} in spec`);
  if (iso(lo) !== file.min_ts || iso(hi) !== file.max_ts)
    add("time_range_mismatch", `file spans ${iso(lo)}..${iso(hi)}, spec says ${file.min_ts}..${file.max_ts}`);
  if ((misplaced ?? 0) > 0) add("row_in_wrong_partition", `${misplaced} rows belong to another file`);

  const keys = keyOrderSql(table);
  const dupes = await conn.runAndReadAll(
    `SELECT count(*)::DOUBLE, any_value(concat_ws('|', ${keys})) FROM ` +
      `(SELECT ${keys} FROM ${source} GROUP BY ALL HAVING count(*) > 1)`,
  );
  const [dupeKeys, example] = dupes.getRows()[0] as [number, string | null];
  if (dupeKeys > 0) add("duplicate_key", `${dupeKeys} keys stored more than once, e.g. ${example}`);

  const byReason = new Map<string, { count: number; detail: string }>();
  const result = await conn.stream(`SELECT ${rowValuesSql(table)} FROM ${source}`);
  for await (const batch of result.yieldConvertedRowObjects(JSDuckDBValueConverter)) {
    for (const r of validateRows(table, batch, { source: "archive", nowMs }).rejected) {
      if (r.reason === DUPLICATE_REASON) continue; // counted by key above, over the whole file
      const seen = byReason.get(r.reason);
      if (seen) seen.count++;
      else byReason.set(r.reason, { count: 1, detail: r.detail });
    }
  }
  for (const [reason, { count, detail }] of byReason) add(reason, `${count} rows, e.g. ${detail}`);
  return problems;
}
