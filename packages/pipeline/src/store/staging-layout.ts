import { BOOLEAN, DOUBLE, LIST, VARCHAR, type DuckDBConnection, type DuckDBType } from "@duckdb/node-api";
import { tableDef, type DuckDBType as ColumnType, type TableName } from "@cexdata/schema";
import type { RowSource } from "../validate/index.js";
import { quoteIdentifier } from "./duckdb.js";

/**
 * Staged rows do not stay in JS arrays, so a 10M-row backfill stays within bounds: they go to spill
 * files (tables of numbers only, see spilled-rows.ts) or to a DuckDB staging table within DuckDB's
 * memory limit (it spills to disk). Either way numbers and timestamps are DOUBLE (epoch ms is exact
 * below 2^53), and the columns that repeat along a series (exchange, market, symbol, base, quote)
 * are one id into a small dictionary table, because writing strings across the native boundary
 * costs more than everything else together. The merge casts back to the schema's exact types.
 */
const DICTIONARY_COLUMNS = new Set(["exchange", "market", "symbol", "base", "quote"]);

/**
 * Staging lives in an in-memory database attached to the store's instance: inserts cost a third of
 * a persistent table's, it is compressed (a ninth of the memory of TEMP tables, for no more CPU), it
 * spills to the temp directory past the memory limit, and, unlike TEMP tables, it is visible to
 * every connection, so partitions merge in parallel.
 */
export const STAGING_CATALOG = "cexdata_staging";

/**
 * Tables a `stageFromQuery` may adopt (the archive importer's checked CSV rows): an in-memory
 * database of its own, uncompressed as before, since those are filled by parallel inserts and read
 * once at commit, where compression would only add CPU.
 */
export const SCRATCH_CATALOG = "cexdata_scratch";

interface StagedColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly stageType: DuckDBType;
}

/** How one table is laid out in staging, and the SQL that reads it back with the schema's types. */
export interface StagingLayout {
  readonly table: TableName;
  readonly stageTable: string;
  readonly dictTable: string;
  readonly dictColumns: readonly string[];
  readonly valueColumns: readonly StagedColumn[];
}

function stageTypeOf(type: ColumnType): DuckDBType {
  if (type === "VARCHAR") return VARCHAR;
  if (type === "BOOLEAN") return BOOLEAN;
  if (type === "VARCHAR[]") return LIST(VARCHAR);
  return DOUBLE;
}

export function buildStagingLayout(table: TableName): StagingLayout {
  const columns = Object.entries(tableDef(table).columns);
  return {
    table,
    stageTable: `${STAGING_CATALOG}.stage_${table}`,
    dictTable: `${STAGING_CATALOG}.dict_${table}`,
    dictColumns: columns
      .filter(([n, c]) => DICTIONARY_COLUMNS.has(n) && c.type === "VARCHAR")
      .map(([n]) => n),
    valueColumns: columns
      .filter(([n]) => !DICTIONARY_COLUMNS.has(n))
      .map(([name, c]) => ({ name, type: c.type, stageType: stageTypeOf(c.type) })),
  };
}

/** `CAST(<expr> AS <schema type>)`, from the staged representation. */
export function castFromStaged(expr: string, type: ColumnType): string {
  if (type === "TIMESTAMP_MS") return `CAST(epoch_ms(CAST(${expr} AS BIGINT)) AS TIMESTAMP_MS)`;
  return `CAST(${expr} AS ${type})`;
}

/** Creates the staging tables of one table in the staging database. */
export async function createStagingTables(conn: DuckDBConnection, layout: StagingLayout): Promise<void> {
  const dictCols = layout.dictColumns.map((n) => `${quoteIdentifier(n)} VARCHAR`).join(", ");
  await conn.run(`CREATE OR REPLACE TABLE ${layout.dictTable} (_sid INTEGER, ${dictCols})`);
  const valueCols = layout.valueColumns.map((c) => `${quoteIdentifier(c.name)} ${c.stageType.toString()}`);
  await conn.run(
    `CREATE OR REPLACE TABLE ${layout.stageTable} (_seq DOUBLE, _sid INTEGER, ${valueCols.join(", ")})`,
  );
}

/**
 * A staged row's merge precedence and sequence number travel in one DOUBLE, `_seq = prec * PREC_SCALE
 * + seq` (exact: ranks are below 8 and seq below 2^44, so the sum stays under 2^53): the appender's
 * cost is linear in the values it lands, and one column fewer per row is a twelfth of staging.
 */
export const PREC_SCALE = 2 ** 44;

/** `_prec` and `_seq` of staged rows (alias `s`), as the merge reads them. */
export const STAGED_PREC_SEQ_SQL = `CAST(floor(s._seq / ${PREC_SCALE}) AS INTEGER) AS _prec, s._seq - floor(s._seq / ${PREC_SCALE}) * ${PREC_SCALE} AS _seq`;

/**
 * How the merge reads one partition's staged rows. In the staging table, rows carry no partition id
 * (one column fewer to land): a partition's rows are those of its series (all of its base) in its
 * time range, the same rule `partitionPath` chose them by. Spilled rows have a file per partition.
 */
export interface StagedPartition {
  /** SQL condition on the staging table (alias `s`) selecting the partition's rows; null: it holds none. */
  readonly where: string | null;
  /**
   * The relation of the partition's spilled rows (its spill file, the staging table's columns, in
   * staging order; see spilled-rows.ts); null: none were spilled.
   */
  readonly spilled: string | null;
  /** The dictionary values of the partition's one series; null when it has several. */
  readonly series: Readonly<Record<string, string>> | null;
  /** The dictionary values of each of its series (see constant-text.ts). */
  readonly seriesValues: readonly Readonly<Record<string, string>>[];
  /** Its rows sit in the table in key order (one series, ascending time, unique keys): no sort needed. */
  readonly inKeyOrder: boolean;
}

/**
 * Rows a query staged without being copied (`stageFromQuery` with `adopt`): the relations it reads
 * belong to the store until the next commit or discard, and each partition's merge reads its rows
 * from the query, cut to the partition's time range. One series per segment.
 */
export interface StagedSegment {
  /** The query: the table's columns by name, reading only the adopted relations, no parameters. */
  readonly sql: string;
  /** DuckDB type of the query's time column (the partition cut compares in it, using zone maps). */
  readonly timeType: string;
  readonly pids: ReadonlySet<number>;
  readonly prec: number;
  /** One sequence number for the whole segment: its keys are unique among themselves. */
  readonly seq: number;
  readonly relations: readonly string[];
  /** The dictionary values of its one series. */
  readonly series: Readonly<Record<string, string>>;
  /** The query's rows come in key order (`StagingQuery.inKeyOrder`). */
  readonly inKeyOrder: boolean;
  /**
   * The Parquet file the rows were written to when they were staged (`StagingQuery.parts`): the
   * rows of its one partition, in key order, in the store's file format; `sql` reads it. Removed
   * when staging is reset.
   */
  readonly file?: WrittenFile;
}

/** A partition file's row count and time-column range (epoch ms; null in a file of no rows). */
export interface ParquetFileStats {
  readonly rows: number;
  readonly minTsMs: number | null;
  readonly maxTsMs: number | null;
}

/** A Parquet file the store wrote and synced to disk, with what its spec.json entry needs. */
export interface WrittenFile {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly rows: number;
  /** The time column's range, epoch ms. */
  readonly minTsMs: number;
  readonly maxTsMs: number;
}

/** What a stager staged of one series from one source: its dictionary values and time range. */
export interface SeriesTouch {
  readonly values: Readonly<Record<string, string>>;
  readonly source: RowSource;
  minTs: number;
  maxTs: number;
}
