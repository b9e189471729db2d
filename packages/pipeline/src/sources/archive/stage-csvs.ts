import { quoteIdentifier, quoteSqlString, type Row, tableDef, type TableName } from "@cexdata/schema";
import type { DuckDBConnection } from "@duckdb/node-api";
import { type IngestCounts, type IngestSink, ingestRows } from "../../ingest/index.js";
import { DiskFullError, type StagingQuery } from "../../store/index.js";
import { type RejectedRow, type RowSource } from "../../validate/index.js";
import {
  type CheckedRelations,
  checkSeriesIdentity,
  rowViolationSql,
  validateInDuckDB,
} from "../../validate/validate-sql.js";
import { ArchiveFormatError } from "./errors.js";
import { archiveRowsSql, type CsvFormat } from "./formats.js";
import { readRejected } from "./read-rejected.js";
import { rowsPerFile } from "./rows-per-file.js";
import { type ArchiveSymbol, type ArchiveTable, marketOf, type TimeRange } from "./plan.js";

// A group of same-format CSVs -> the store: straight into partition files when every row allows,
// else through a checked table (see `stageArchiveCsvs`).

let batchCounter = 0;

export interface StageArchiveCsvsParams {
  readonly store: StagingStore;
  /** Where refused rows are quarantined and accepted ones staged (`storeSink` onto `store`). */
  readonly sink: IngestSink;
  readonly table: ArchiveTable;
  readonly symbol: ArchiveSymbol;
  readonly format: CsvFormat;
  /** The CSVs in time order, each with the range its rows lie in (within [startMs, endMs)). */
  readonly files: readonly { readonly csvPath: string; readonly range: TimeRange }[];
  /** Only rows with ts in [startMs, endMs) are kept (a monthly file may reach past the range). */
  readonly startMs: number;
  readonly endMs: number;
  readonly nowMs: number;
  /** Added to: rows read, accepted and refused. */
  readonly counts: IngestCounts;
}

/**
 * Stages CSVs of one format on the store's connection, through `ingestRows`; returns the rows
 * accepted from each file. Rows that are all valid, in order, each file's within its range (the
 * archive's rule) go straight from the CSVs into partition files (`StagingQuery.parts`): one COPY
 * per partition, the rules checked as the rows are read. Anything else (a refused row, a duplicate,
 * rows out of order) takes the checked path: the CSVs read into a checked table, refusals
 * quarantined, the rest staged from it. Throws `ArchiveFormatError` when the CSVs cannot be read
 * as their format (nothing staged).
 */
export async function stageArchiveCsvs(p: StageArchiveCsvsParams): Promise<number[]> {
  return p.store.withConnection(
    async (conn) => (await stageStraightFromCsvs(p)) ?? (await stageThroughCheckedTable(conn, p)),
  );
}

/** The series' text columns, checked: constants of every row of a batch. */
function seriesIdentity(table: ArchiveTable, symbol: ArchiveSymbol): Record<string, string> {
  const identity: Record<string, string> = {
    exchange: "binance",
    symbol: symbol.symbol,
    base: symbol.base,
    quote: symbol.quote,
  };
  if ("market" in tableDef(table).columns) identity["market"] = marketOf(symbol.venue);
  const bad = checkSeriesIdentity(table, identity);
  if (bad !== null) throw new ArchiveFormatError(symbol.symbol, `series identity refused: ${bad}`);
  return identity;
}

/** The schema's columns of the rows of `csvPaths` in [startMs, endMs), ts a TIMESTAMP_MS. */
function csvRowsSql(
  p: Pick<StageArchiveCsvsParams, "table" | "symbol" | "format" | "startMs" | "endMs">,
  csvPaths: readonly string[],
): string {
  const columns = Object.keys(tableDef(p.table).columns).map((name) =>
    name === "ts" ? `CAST(epoch_ms(CAST(ts AS BIGINT)) AS TIMESTAMP_MS) AS ts` : quoteIdentifier(name),
  );
  const rows = archiveRowsSql(p.table, p.symbol, p.format, csvPaths, p);
  return `(SELECT ${columns.join(", ")} FROM (${rows}))`;
}

/** See `stageArchiveCsvs`; null, with nothing staged, when the rows need the checked path. */
async function stageStraightFromCsvs(p: StageArchiveCsvsParams): Promise<number[] | null> {
  const identity = seriesIdentity(p.table, p.symbol);
  const paths = p.files.map((f) => f.csvPath);
  // The first refused row fails the COPY it is read in: refusals are the checked path's to quarantine.
  const reason = rowViolationSql(p.table, `${p.nowMs}::BIGINT`);
  const validRowsSql = (csvPaths: readonly string[]) =>
    `SELECT * FROM ${csvRowsSql(p, csvPaths)} WHERE CASE WHEN ${reason} IS NULL THEN true ELSE error('${REFUSED_MARK}') END`;
  let rowsPerPart: readonly number[] = [];
  try {
    await ingestRows({
      table: p.table,
      source: "archive",
      nowMs: p.nowMs,
      input: {
        checked: {
          acceptedSql: validRowsSql(paths),
          rejected: [],
          keysUnique: true,
          inKeyOrder: true,
          parts: {
            series: identity,
            ranges: p.files.map((f) => f.range),
            sqlOf: (parts) => validRowsSql(parts.map((i) => paths[i]!)),
            counted: (rows) => (rowsPerPart = rows),
          },
        },
      },
      sink: p.sink,
      counts: p.counts,
    });
  } catch (err) {
    // Whatever failed here (a table not keyed by series and time, a refused row, rows out of order,
    // a CSV that does not parse) the checked path does again with the rows in a table, and
    // quarantines or names it: only a full disk stops.
    if (err instanceof DiskFullError) throw err;
    return null;
  }
  return [...rowsPerPart];
}

/** The message of the error a refused row raises on the straight path. */
const REFUSED_MARK = "cexdata: a row is refused; the checked path quarantines it";

/** See `stageArchiveCsvs`: the CSVs read into a checked table, refusals quarantined, the rest staged from it. */
async function stageThroughCheckedTable(
  conn: DuckDBConnection,
  p: StageArchiveCsvsParams,
): Promise<number[]> {
  const batch = await importArchiveCsvs({
    conn,
    table: p.table,
    symbol: p.symbol,
    format: p.format,
    csvPaths: p.files.map((f) => f.csvPath),
    startMs: p.startMs,
    endMs: p.endMs,
    nowMs: p.nowMs,
    prefix: `archive_${process.pid}_${batchCounter++}`,
    catalog: p.store.scratchCatalog,
  });
  const { accepted: a, rejected: r, checked: c, dups: d } = batch.relations;
  let staged = false;
  try {
    const counts = await rowsPerFile(
      conn,
      a,
      p.files.map((f) => f.range),
    );
    await ingestRows({
      table: p.table,
      source: "archive",
      nowMs: p.nowMs,
      input: { checked: { ...batch, keysUnique: true } },
      sink: p.sink,
      counts: p.counts,
    });
    staged = true;
    return counts;
  } finally {
    await conn.run(`DROP VIEW IF EXISTS ${a}; DROP VIEW IF EXISTS ${r}`);
    // Tables handed to the store are its own now (it reads them at commit).
    if (!staged || batch.adopt === undefined)
      await conn.run(`DROP TABLE IF EXISTS ${c}; DROP TABLE IF EXISTS ${d}`);
  }
}

export interface ImportArchiveCsvsParams {
  conn: DuckDBConnection;
  table: ArchiveTable;
  symbol: ArchiveSymbol;
  format: CsvFormat;
  csvPaths: readonly string[];
  /** Only rows with ts in [startMs, endMs) are kept (a monthly file may reach past the range). */
  startMs: number;
  endMs: number;
  nowMs: number;
  /** Prefix of the temp relations this batch creates (unique per batch). */
  prefix: string;
  /**
   * Where the checked rows are kept (the store's `scratchCatalog`): from there the store can take
   * them over instead of copying them (`adopt`). By default they are TEMP tables of `conn`.
   */
  catalog?: string;
}

export interface ImportedBatch {
  readonly relations: CheckedRelations;
  /** SQL of the accepted rows, unique by key: what `store.stageFromQuery` takes. */
  readonly acceptedSql: string;
  /** Rows read from the CSVs within the range. */
  readonly fetched: number;
  readonly acceptedRows: number;
  readonly rejected: RejectedRow[];
  /**
   * The tables `acceptedSql` reads, when the store may take them over (`StagingQuery.adopt`):
   * created in `catalog`, and the accepted rows read straight from the checked table.
   */
  readonly adopt?: readonly string[];
  /** The accepted rows come in key order (`CheckedRelations.inKeyOrder`): no sort at write time. */
  readonly inKeyOrder: boolean;
}

/**
 * CSV -> typed DuckDB table -> validated relation, without a row passing through JS: DuckDB reads
 * the files with the explicit columns of their format, converts them to the schema's columns
 * (epoch-ms TIMESTAMP `ts`), and the rules run as SQL. Only refused rows come back, for quarantine.
 */
export async function importArchiveCsvs(p: ImportArchiveCsvsParams): Promise<ImportedBatch> {
  const identity = seriesIdentity(p.table, p.symbol);
  let relations: CheckedRelations;
  try {
    // One pass: CSV -> schema columns -> shape and rules, straight into the checked table.
    // On DuckDB's whole worker pool. Reading on one thread (to spare the order-preserving insert's
    // stitching) cost wall time on a quiet machine: 730 daily 1m files went 1.05 s -> 1.55 s,
    // because the CSV parse then had one core where it could have both.
    relations = await validateInDuckDB({
      conn: p.conn,
      table: p.table,
      source: csvRowsSql(p, p.csvPaths),
      constants: identity,
      nowMs: p.nowMs,
      prefix: p.prefix,
      ...(p.catalog !== undefined && { catalog: p.catalog }),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ArchiveFormatError(p.csvPaths.join(", "), `${p.format.id}: ${message}`);
  }
  const counts = await p.conn.runAndReadAll(
    `SELECT count(*)::DOUBLE, (count(*) FILTER (WHERE reason IS NULL))::DOUBLE, (SELECT count(*) FROM ${relations.dups})::DOUBLE
     FROM ${relations.checked}`,
  );
  const [fetched, valid, dupKeys] = counts.getRows()[0] as [number, number, number];
  let accepted = valid;
  if (dupKeys > 0) {
    const reader = await p.conn.runAndReadAll(`SELECT count(*)::DOUBLE FROM ${relations.accepted}`);
    accepted = (reader.getRows()[0] as [number])[0];
  }
  // Every row valid and no key twice: nothing refused, and no query to say so (a batch of metrics
  // spent ~9 ms on it).
  const rejected =
    valid === fetched && dupKeys === 0
      ? []
      : await readRejected(p.conn, p.table, relations.rejected, p.nowMs);
  // Without duplicate keys the accepted rows are the checked rows without a reason: reading them
  // straight skips the view's anti-join and union.
  const acceptedSql =
    dupKeys > 0
      ? `SELECT * FROM ${relations.accepted}`
      : `SELECT ${Object.keys(tableDef(p.table).columns)
          .map((n) =>
            n in identity ? `${quoteSqlString(identity[n]!)} AS ${quoteIdentifier(n)}` : quoteIdentifier(n),
          )
          .join(", ")} FROM ${relations.checked} WHERE reason IS NULL`;
  const adopt = p.catalog !== undefined && dupKeys === 0 ? [relations.checked, relations.dups] : undefined;
  // The checked table read straight (no duplicates) keeps its scan order, which was checked.
  const inKeyOrder = dupKeys === 0 && relations.inKeyOrder;
  return {
    relations,
    acceptedSql,
    fetched,
    acceptedRows: accepted,
    rejected,
    inKeyOrder,
    ...(adopt && { adopt }),
  };
}

/**
 * The part of the dataset store an import writes through (`DatasetStore` has it). Archive rows are
 * read, validated and staged on the store's own connection, so they never leave DuckDB.
 */
export interface StagingStore {
  stage<T extends TableName>(table: T, rows: readonly Row<T>[], source: RowSource): Promise<void>;
  stageFromQuery(table: TableName, query: StagingQuery, source: RowSource): Promise<number>;
  withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  /** Where tables the store may adopt are created (see `StagingQuery.adopt`). */
  readonly scratchCatalog: string;
}
