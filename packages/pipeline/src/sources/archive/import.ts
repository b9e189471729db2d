import { quoteIdentifier, quoteSqlString, type Row, tableDef, type TableName } from "@cexdata/schema";
import type { DuckDBConnection } from "@duckdb/node-api";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { emptyCounts, ingestRows, storeSink } from "../../ingest/index.js";
import type { StagingQuery } from "../../store/index.js";
import { type RejectedRow, type RowSource } from "../../validate/index.js";
import { type CheckedRelations, checkSeriesIdentity, validateInDuckDB } from "../../validate/validate-sql.js";
import { ArchiveFormatError } from "./errors.js";
import { fetchArchiveCsvs, type FetchArchiveCsvsParams } from "./fetch.js";
import { archiveRowsSql, type CsvFormat, csvFormatFor } from "./formats.js";
import { readRejected } from "./read-rejected.js";
import { rowsPerFile } from "./rows-per-file.js";
import {
  type ArchiveDataset,
  type ArchiveSymbol,
  type ArchiveTable,
  marketOf,
  planArchiveFiles,
  type TimeRange,
} from "./plan.js";

/** A period the archive filled. */
export interface ArchiveImport extends TimeRange {
  readonly file: string;
  readonly rows: number;
}

/** A period the archive did not fill, and why; REST's to serve. */
export interface ArchiveLeftover extends TimeRange {
  readonly reason: "not_in_archive" | "not_published" | "refused" | "failed" | "format";
  readonly file?: string;
  readonly detail?: string;
}

export interface ImportArchiveRangeResult {
  readonly imported: ArchiveImport[];
  readonly leftover: ArchiveLeftover[];
  readonly fetched: number;
  readonly accepted: number;
  readonly rejectedByReason: Record<string, number>;
}

let batchCounter = 0;

/**
 * Imports one range of whole past days from the archive: plan the files, fetch and verify them,
 * read each group of same-format CSVs on the store's DuckDB connection, validate in SQL, quarantine
 * refusals and stage the rest with source "archive" (`stageFromQuery`: rows never leave DuckDB).
 * Nothing is committed here.
 */
export async function importArchiveRange(
  p: Omit<FetchArchiveCsvsParams, "files" | "tmpDir" | "dataset"> & {
    store: StagingStore;
    datasetDir: string;
    runId: string;
    table: ArchiveTable;
    dataset: ArchiveDataset;
    symbol: ArchiveSymbol;
    nowMs: number;
    tmpDir?: string;
  },
): Promise<ImportArchiveRangeResult> {
  const range = { startMs: p.startMs, endMs: p.endMs };
  const { files, uncovered } = planArchiveFiles({
    symbol: p.symbol,
    dataset: p.dataset,
    range,
    nowMs: p.nowMs,
  });
  const leftover: ArchiveLeftover[] = uncovered.map((r) => ({ ...r, reason: "not_in_archive" }));
  const imported: ArchiveImport[] = [];
  const totals = emptyCounts();
  const tmpDir = await mkdtemp(path.join(p.tmpDir ?? tmpdir(), "cexdata-archive-"));
  const clip = (r: TimeRange): TimeRange => ({
    startMs: Math.max(r.startMs, range.startMs),
    endMs: Math.min(r.endMs, range.endMs),
  });
  try {
    const outcomes = await fetchArchiveCsvs({ ...p, files, tmpDir });
    const groups = new Map<
      string,
      { format: CsvFormat; items: { csvPath: string; file: TimeRange & { name: string } }[] }
    >();
    for (const o of outcomes) {
      if (o.status !== "ok") {
        leftover.push({ ...clip(o.file), reason: o.status, file: o.file.path, detail: o.detail });
        continue;
      }
      const format = csvFormatFor(p.symbol.venue, p.dataset, o.file.startMs);
      const group = groups.get(format.id) ?? { format, items: [] };
      group.items.push({ csvPath: o.csvPath, file: o.file });
      groups.set(format.id, group);
    }
    for (const { format, items } of groups.values()) {
      await p.store.withConnection(async (conn) => {
        const prefix = `archive_${process.pid}_${batchCounter++}`;
        let batch;
        try {
          batch = await importArchiveCsvs({
            conn,
            table: p.table,
            symbol: p.symbol,
            format,
            csvPaths: items.map((i) => i.csvPath),
            ...range,
            nowMs: p.nowMs,
            prefix,
            catalog: p.store.scratchCatalog,
          });
        } catch (err) {
          const detail = err instanceof Error ? err.message : String(err);
          for (const i of items)
            leftover.push({ ...clip(i.file), reason: "format", file: i.file.name, detail });
          return;
        }
        const { accepted: a, rejected: r, checked: c, dups: d } = batch.relations;
        let staged = false;
        try {
          const counts = await rowsPerFile(
            conn,
            a,
            items.map((i) => clip(i.file)),
          );
          items.forEach((i, k) =>
            imported.push({ ...clip(i.file), file: i.file.name, rows: counts[k] ?? 0 }),
          );
          await ingestRows({
            table: p.table,
            source: "archive",
            nowMs: p.nowMs,
            input: { checked: { ...batch, keysUnique: true } },
            sink: storeSink(p.store, { datasetDir: p.datasetDir, runId: p.runId }),
            counts: totals,
          });
          staged = true;
        } finally {
          await conn.run(`DROP VIEW IF EXISTS ${a}; DROP VIEW IF EXISTS ${r}`);
          // Tables handed to the store are its own now (it reads them at commit).
          if (!staged || batch.adopt === undefined)
            await conn.run(`DROP TABLE IF EXISTS ${c}; DROP TABLE IF EXISTS ${d}`);
        }
      });
    }
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  imported.sort((a, b) => a.startMs - b.startMs);
  leftover.sort((a, b) => a.startMs - b.startMs);
  return {
    imported,
    leftover,
    fetched: totals.fetched,
    accepted: totals.accepted,
    rejectedByReason: totals.quarantined,
  };
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
  const identity: Record<string, string> = {
    exchange: "binance",
    symbol: p.symbol.symbol,
    base: p.symbol.base,
    quote: p.symbol.quote,
  };
  if ("market" in tableDef(p.table).columns) identity["market"] = marketOf(p.symbol.venue);
  const bad = checkSeriesIdentity(p.table, identity);
  if (bad !== null) throw new ArchiveFormatError(p.symbol.symbol, `series identity refused: ${bad}`);
  const columns = Object.keys(tableDef(p.table).columns).map((name) =>
    name === "ts" ? `CAST(epoch_ms(CAST(ts AS BIGINT)) AS TIMESTAMP_MS) AS ts` : quoteIdentifier(name),
  );
  let relations: CheckedRelations;
  try {
    // One pass: CSV -> schema columns -> shape and rules, straight into the checked table.
    // On DuckDB's whole worker pool. Reading on one thread (to spare the order-preserving insert's
    // stitching) cost wall time on a quiet machine: 730 daily 1m files went 1.05 s -> 1.55 s,
    // because the CSV parse then had one core where it could have both.
    relations = await validateInDuckDB({
      conn: p.conn,
      table: p.table,
      source: `(SELECT ${columns.join(", ")} FROM (${archiveRowsSql(p.table, p.symbol, p.format, p.csvPaths)}))`,
      sourceParams: {
        symbol: p.symbol.symbol,
        base: p.symbol.base,
        quote: p.symbol.quote,
        start_ms: BigInt(p.startMs),
        end_ms: BigInt(p.endMs),
      },
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
