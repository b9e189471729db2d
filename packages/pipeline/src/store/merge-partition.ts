import type { DuckDBConnection } from "@duckdb/node-api";
import { readTableFilesSql, TABLES, tableDef, type TableName } from "@cexdata/schema";
import { constantColumns, readFileValues, writtenColumnSql } from "./constant-text.js";
import { quoteIdentifier, quoteSqlString } from "./duckdb.js";
import { mergePolicyOf } from "./merge-policy.js";
import {
  STAGED_PREC_SEQ_SQL,
  castFromStaged,
  type ParquetFileStats,
  type StagedPartition,
  type StagedSegment,
  type StagingLayout,
} from "./staging.js";

/**
 * How every Parquet file the store writes (partitions and compacted years) is written:
 * - zstd at level 2, which wrote files no larger than the default level 3 (1m candles: 1.58 MB a
 *   month both) for a third less CPU;
 * - DICTIONARY_SIZE_LIMIT 1: DuckDB then skips its dictionary attempt on number and time columns (it
 *   hashed every value of the row group before giving up on a column of unique prices and times) and
 *   writes them plain, at 1 % more bytes and about a third less CPU per file (a month of 1m candles:
 *   46 -> 28 ms on one thread). Text columns keep their dictionary (DuckDB sizes string dictionaries
 *   separately), which readers decode fastest.
 * The benches' bare DuckDB baselines write with the same options, so their comparisons stay like for like.
 */
export const PARQUET_COPY_OPTIONS =
  "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 2, DICTIONARY_SIZE_LIMIT 1";

/**
 * The SELECT list of a table with the schema's exact column order and types; the columns `constants`
 * names are written as the one value they hold (see constant-text.ts).
 */
export function selectColumnsSql(table: TableName, constants: Readonly<Record<string, string>> = {}): string {
  return Object.entries(tableDef(table).columns)
    .map(([name, c]) => writtenColumnSql(name, c.type, constants))
    .join(", ");
}

/** `ORDER BY` of a table: its primary key, which is also every file's sort order. */
export function keyOrderSql(table: TableName): string {
  return (TABLES[table].key as readonly string[]).map(quoteIdentifier).join(", ");
}

function stagedRowsSql(layout: StagingLayout, staged: StagedPartition): string {
  const one = staged.series;
  const columns = Object.entries(tableDef(layout.table).columns).map(([name, c]) => {
    // A partition of one series takes its dictionary values as constants: no join.
    const expr = !layout.dictColumns.includes(name)
      ? castFromStaged(`s.${quoteIdentifier(name)}`, c.type)
      : one !== null
        ? `CAST(${quoteSqlString(one[name]!)} AS VARCHAR)`
        : `d.${quoteIdentifier(name)}`;
    return `${expr} AS ${quoteIdentifier(name)}`;
  });
  const table = `${layout.stageTable} s`;
  // A source read alone keeps its staging order (rows already in key order then skip the sort).
  const [rows, where] =
    staged.spilled === null
      ? [table, staged.where]
      : staged.where === null
        ? [`${staged.spilled} s`, null]
        : [
            `(SELECT s.* FROM ${table} WHERE ${staged.where} UNION ALL BY NAME SELECT * FROM ${staged.spilled}) s`,
            null,
          ];
  const from = one !== null ? rows : `${rows} JOIN ${layout.dictTable} d ON s._sid = d._sid`;
  return `SELECT ${columns.join(", ")}, ${STAGED_PREC_SEQ_SQL} FROM ${from}${where === null ? "" : ` WHERE ${where}`}`;
}

/** A segment's rows of one partition: the query cut to the partition's time range. */
function segmentRowsSql(table: TableName, segment: StagedSegment, range: TimeRange): string {
  const time = quoteIdentifier(TABLES[table].timeColumn);
  // Bounds in the column's own type: a cast of the column would hide it from zone maps, and each
  // partition would scan the whole segment.
  const bound = (ms: number) => `CAST(epoch_ms(${ms}::BIGINT) AS ${segment.timeType})`;
  const cut = [
    ...(Number.isFinite(range.startMs) ? [`${time} >= ${bound(range.startMs)}`] : []),
    ...(Number.isFinite(range.endMs) ? [`${time} < ${bound(range.endMs)}`] : []),
  ];
  return (
    `SELECT ${selectColumnsSql(table)}, ${segment.prec} AS _prec, ${segment.seq} AS _seq ` +
    `FROM (${segment.sql})${cut.length > 0 ? ` WHERE ${cut.join(" AND ")}` : ""}`
  );
}

interface TimeRange {
  readonly startMs: number;
  readonly endMs: number;
}

export interface MergePartitionParams {
  readonly conn: DuckDBConnection;
  readonly layout: StagingLayout;
  /** How to read the partition's rows from the staging table; null when it holds none. */
  readonly staged: StagedPartition | null;
  /** The segments with rows in the partition, and the partition's time range to cut them to. */
  readonly segments: readonly StagedSegment[];
  readonly range: TimeRange;
  /** Absolute path of the partition's current file, or null when it has none yet. */
  readonly existingFile: string | null;
  /** Absolute path the merged file is written to. */
  readonly outputFile: string;
  /** False when no key can appear twice (the caller knows from staging order and time ranges). */
  readonly dedupe: boolean;
}

/**
 * Writes the merge of a partition's staged rows with its stored file, one row per primary key, the
 * winner chosen by the table's `MergePolicy` (time series: archive > stored > REST/ws, the first
 * staged among equals; snapshots: the latest updated_at, then staged over stored, then last staged).
 * Sorted by key (unique after the merge), zstd, the schema's column order and types: the bytes are
 * a function of the rows alone, whatever the staging order or thread count (tested).
 */
export async function mergePartition(params: MergePartitionParams): Promise<void> {
  const { conn, layout, staged, existingFile, outputFile, dedupe } = params;
  const table = layout.table;
  const policy = mergePolicyOf(table);
  const newest = policy.newestFirst ? `${quoteIdentifier(TABLES[table].timeColumn)} DESC, ` : "";
  const columnList = Object.keys(tableDef(table).columns).map(quoteIdentifier).join(", ");
  const parts = [
    // The stored rows first: with rows appended after them (below), the union is the file's order.
    ...(existingFile !== null
      ? [
          `SELECT ${selectColumnsSql(table)}, ${policy.rank.stored} AS _prec, 0 AS _seq ` +
            `FROM ${readTableFilesSql(table, quoteSqlString(existingFile))}`,
        ]
      : []),
    ...(staged !== null ? [stagedRowsSql(layout, staged)] : []),
    ...params.segments.map((s) => segmentRowsSql(table, s, params.range)),
  ];
  const merged =
    `SELECT ${columnList} FROM (${parts.join(" UNION ALL BY NAME ")}) ` +
    (dedupe
      ? `QUALIFY row_number() OVER (PARTITION BY ${keyOrderSql(table)} ORDER BY ${newest}_prec DESC, _seq ${policy.amongStaged === "first" ? "ASC" : "DESC"}) = 1`
      : "");
  const constants = constantColumns(layout.dictColumns, [
    ...(staged?.seriesValues ?? []),
    ...params.segments.map((s) => s.series),
    ...(existingFile !== null ? [await readFileValues(conn, existingFile, layout.dictColumns)] : []),
  ]);
  // Rows of one in-order segment alone, or of the staging table alone when they came as one series
  // in ascending time, are written in scan order (kept by DuckDB's insertion-order preservation, on
  // by default, UNION ALL included): the sort would only reproduce it. So are such rows appended to
  // a stored file of the same one series (no dedupe: every staged time is after the file's last):
  // the file's rows, then theirs. Sorting the whole file instead grew a monthly archive backfill's
  // peak memory with every month merged into a closed year's file.
  const stagedInOrder =
    staged === null
      ? params.segments.length === 1 && params.segments[0]!.inKeyOrder
      : params.segments.length === 0 && staged.inKeyOrder;
  const { key, timeColumn } = TABLES[table];
  const oneSeries = (key as readonly string[]).every((k) => k === timeColumn || k in constants);
  const inOrderAlready = !dedupe && stagedInOrder && (existingFile === null || oneSeries);
  await conn.run(
    `COPY (SELECT ${selectColumnsSql(table, constants)} FROM (${merged})${inOrderAlready ? "" : ` ORDER BY ${keyOrderSql(table)}`}) ` +
      `TO ${quoteSqlString(outputFile)} (${PARQUET_COPY_OPTIONS})`,
  );
}

/** Row count and the time column's range of a Parquet file of `table`. */
export async function readParquetStats(
  conn: DuckDBConnection,
  table: TableName,
  file: string,
): Promise<ParquetFileStats> {
  const ts = quoteIdentifier(TABLES[table].timeColumn);
  const reader = await conn.runAndReadAll(
    `SELECT count(*)::DOUBLE AS n, epoch_ms(min(${ts})::TIMESTAMP)::DOUBLE AS lo, ` +
      `epoch_ms(max(${ts})::TIMESTAMP)::DOUBLE AS hi FROM read_parquet(${quoteSqlString(file)})`,
  );
  const [n, lo, hi] = reader.getRows()[0] as [number, number | null, number | null];
  return { rows: n, minTsMs: lo, maxTsMs: hi };
}
