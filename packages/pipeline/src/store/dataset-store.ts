import { availableParallelism } from "node:os";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { DatasetSpec, Row, SpecCoverage, SpecFreshness, SpecGap, TableName } from "@cexdata/schema";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { RowSource } from "../validate/index.js";
import { commitStaged, type CommitResult } from "./commit-staged.js";
import type { DuckDBHandle } from "./duckdb.js";
import { compactClosedYears, type Compaction } from "./compact-layout.js";
import { DatasetStoreStateError } from "./errors.js";
import { newCommitProgress, type CommitProgress } from "./install-commit.js";
import { TMP_DIR, WORK_DIR } from "./journal.js";
import { mapDiskFullError } from "./map-disk-full-error.js";
import { mergeFreshness } from "./merge-freshness.js";
import { readNewestTs } from "./read-newest-ts.js";
import { readStoredRows } from "./read-stored-rows.js";
import { readWatermark, type SeriesRef } from "./read-watermark.js";
import { mergeCoverage, replaceGaps } from "./spec-extras.js";
import { stageQueryRows, type StagingQuery } from "./stage-query.js";
import { SCRATCH_CATALOG, type SeriesTouch } from "./staging.js";
import { StagingArea } from "./staging-area.js";
import { StoreMemoryLimit } from "./staging-memory.js";
import type { OpenDatasetStoreParams } from "./store-params.js";

export type { OpenDatasetStoreParams } from "./store-params.js";

export interface CompactionResult {
  /** spec.json's version after it (unchanged when there was nothing to compact). */
  readonly version: number;
  readonly compacted: readonly Compaction[];
}

/**
 * The only writer of the dataset: stage validated rows, then commit them as merged, sorted,
 * zstd Parquet partitions and a new spec.json. One store per directory at a time (a lock file
 * enforces it); a store killed at any point is recovered by the next `openDatasetStore`.
 */
export class DatasetStore {
  private readonly staging: StagingArea;
  private readonly memoryLimit: StoreMemoryLimit;
  private pendingGaps = new Map<TableName, SpecGap[]>();
  private pendingCoverage = new Map<TableName, SpecCoverage[]>();
  private pendingFreshness: SpecFreshness[] | null = null;
  private closed = false;
  private fileCounter = 0;
  private extraConns: DuckDBConnection[] | null = null;

  constructor(
    readonly dir: string,
    private currentSpec: DatasetSpec | null,
    private readonly duck: DuckDBHandle,
    private readonly release: () => Promise<void>,
    private readonly params: OpenDatasetStoreParams,
  ) {
    this.staging = new StagingArea(duck.connection, () => this.clock(), this.workDir);
    this.memoryLimit = new StoreMemoryLimit(duck.connection, params);
  }

  /** The spec.json the dataset has now (null before the first commit). */
  get spec(): DatasetSpec | null {
    return this.currentSpec;
  }

  /** Last stored ts (epoch ms) of a series, from the committed Parquet files; null if none. */
  async readWatermark(table: TableName, series: SeriesRef): Promise<number | null> {
    return readWatermark({ ...(await this.committed(table)), series });
  }

  /** Every committed row of a table (of `exchanges` only, if given), as pipeline rows. */
  async readRows<T extends TableName>(table: T, exchanges?: readonly string[]): Promise<Row<T>[]> {
    return readStoredRows({ ...(await this.committed(table)), ...(exchanges && { exchanges }) });
  }

  /** Newest stored time (epoch ms) of each exchange in a table, from the committed files; null if none. */
  async readNewestTs(table: TableName, exchanges: readonly string[]): Promise<Map<string, number | null>> {
    return readNewestTs({ ...(await this.committed(table)), exchanges });
  }

  /** What a read of a table's committed files is given (the store must be open). */
  private async committed<T extends TableName>(table: T) {
    this.assertOpen();
    await this.memoryLimit.forWork();
    return { conn: this.duck.connection, dir: this.dir, spec: this.currentSpec, table };
  }

  /** Stages rows that `validateRows` accepted; nothing is visible until `commit()`. */
  async stage<T extends TableName>(table: T, rows: readonly Row<T>[], source: RowSource): Promise<void> {
    this.assertOpen();
    const stager = await this.staging.stagerOf(table);
    try {
      // Rows appended to DuckDB stay in its memory until they pass the budget, then go to its temp
      // files; spilled rows go to their own files at once.
      if (stager.spill === null) await this.memoryLimit.forStaging();
      await stager.stage(rows as readonly Row<TableName>[], source);
    } catch (error) {
      throw this.diskFull(error, `staged ${table} rows (the store's files in ${WORK_DIR})`);
    }
  }

  /**
   * Stages the rows a SQL query gives on the store's own connection, without them leaving DuckDB
   * (the archive import: `read_csv` and validation in SQL, see `withConnection`). The query has the
   * table's columns by name (TIMESTAMPs as TIMESTAMP); its rows must be validated and their keys
   * unique, else nothing is staged and it throws. Returns the number of rows staged.
   */
  async stageFromQuery(table: TableName, query: StagingQuery, source: RowSource): Promise<number> {
    this.assertOpen();
    this.staging.closeAppenders();
    await this.memoryLimit.forWork();
    try {
      return await stageQueryRows(this.duck.connection, await this.staging.stagerOf(table), query, source, {
        conns: () => this.mergeConnections(),
        tmpFile: () => this.tmpFile(),
      });
    } catch (error) {
      throw this.diskFull(error, `staged ${table} rows (DuckDB temp files in ${WORK_DIR})`);
    }
  }

  /**
   * The error a failed commit throws (a disk-full one as `DiskFullError`). Before the journal exists
   * its temp files are orphans: their space is freed now (the next open would too), so that the run
   * can still write its report. After it, they are the roll-forward.
   */
  private async failedCommit(error: unknown, progress: CommitProgress): Promise<unknown> {
    if (!progress.journaled) for (const tmp of progress.temps) await rm(tmp, { force: true });
    return this.diskFull(error, progress.writing);
  }

  /** A disk-full error as a `DiskFullError` naming this dataset, its version and `writing`. */
  private diskFull(error: unknown, writing: string): unknown {
    return mapDiskFullError({ error, dir: this.dir, writing, version: this.currentSpec?.version ?? 0 });
  }

  /**
   * The catalog for tables a `stageFromQuery` may adopt (`StagingQuery.adopt`): an in-memory
   * database of the store's instance, visible to every connection the partitions are merged on.
   */
  get scratchCatalog(): string {
    return SCRATCH_CATALOG;
  }

  /**
   * Runs `fn` with the store's DuckDB connection, for work whose rows should stay in DuckDB until
   * `stageFromQuery` (reading CSVs, validating in SQL). `fn` must not touch the staging tables
   * (`stage_*`, `dict_*`) and should drop the temp tables it creates.
   */
  async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    this.assertOpen();
    await this.memoryLimit.forWork();
    return fn(this.duck.connection);
  }

  /** The connections partitions are merged on: the store's own, plus one more per extra thread. */
  private async mergeConnections(): Promise<DuckDBConnection[]> {
    if (this.extraConns === null) {
      const threads = this.params.threads ?? availableParallelism();
      this.extraConns = [];
      for (let i = 1; i < threads; i++) this.extraConns.push(await this.duck.instance.connect());
    }
    return [this.duck.connection, ...this.extraConns];
  }

  /**
   * Records the gaps (candles the exchange never served) of a table in spec.json at the next
   * commit. Without `series`, `gaps` replaces the table's whole list; with it, only those series'.
   */
  setGaps(table: TableName, gaps: readonly SpecGap[], options: { series?: readonly SeriesRef[] } = {}): void {
    this.assertOpen();
    const current = this.pendingGaps.get(table) ?? this.currentSpec?.tables[table]?.gaps ?? [];
    this.pendingGaps.set(table, replaceGaps(current, gaps, options.series));
  }

  /** Replaces a table's coverage windows (when a collector was listening) at the next commit. */
  setCoverage(table: TableName, coverage: readonly SpecCoverage[]): void {
    this.assertOpen();
    this.pendingCoverage.set(table, mergeCoverage(coverage));
  }

  /** Adds coverage windows to a table's, merging overlapping windows of an exchange. */
  addCoverage(table: TableName, coverage: readonly SpecCoverage[]): void {
    this.assertOpen();
    const current = this.pendingCoverage.get(table) ?? this.currentSpec?.tables[table]?.coverage ?? [];
    this.pendingCoverage.set(table, mergeCoverage([...current, ...coverage]));
  }

  /**
   * Records freshness entries in spec.json at the next commit: each replaces the entry of its table
   * and exchange; the entries of every other table and exchange are kept.
   */
  setFreshness(entries: readonly SpecFreshness[]): void {
    this.assertOpen();
    this.pendingFreshness =
      mergeFreshness(this.pendingFreshness ?? this.currentSpec?.freshness, [entries]) ?? null;
  }

  private clock(): number {
    return (this.params.nowMs ?? Date.now)();
  }

  /** A temp file for one partition (or compacted year) of this writer under TMP_DIR. */
  private tmpFile(): string {
    return path.join(this.dir, `${TMP_DIR}/${process.pid}-${this.fileCounter++}.parquet`);
  }

  /**
   * Moves the files of closed years (`compactClosedYears`: liquidations' and book_depth's months into
   * their year file, the small yearly tables' years into their `all` file), as a commit of its
   * own; nothing when the dataset is in the current layout.
   * Every `commit()` does it first; `cexdata migrate-layout` runs it alone.
   */
  async compactLayout(): Promise<CompactionResult> {
    this.assertOpen();
    await this.memoryLimit.forWork();
    return this.compactClosed();
  }

  private async compactClosed(): Promise<CompactionResult> {
    const progress = newCommitProgress();
    try {
      const done = await compactClosedYears({
        dir: this.dir,
        spec: this.currentSpec,
        nowMs: this.staging.layoutNowMs ?? this.clock(),
        updateTimeMs: this.clock(),
        conns: () => this.mergeConnections(),
        tmpFor: () => this.tmpFile(),
        progress,
        step: this.params.onCommitStep ?? (() => undefined),
      });
      if (done) this.currentSpec = done.spec;
      return { version: this.currentSpec?.version ?? 0, compacted: done?.compacted ?? [] };
    } catch (error) {
      throw await this.failedCommit(error, progress);
    }
  }

  /** Merges everything staged into the dataset; see `CommitResult`. Staging is empty afterwards. */
  async commit(): Promise<CommitResult> {
    this.assertOpen();
    try {
      this.staging.finishStaging();
    } catch (error) {
      throw this.diskFull(error, `the staged rows' files in ${WORK_DIR}`);
    }
    // The full limit: a merge reading appended rows back from DuckDB's temp files, deduplicating
    // them (liquidations' keys may repeat), failed at the staging budget plus 16MB a connection.
    await this.memoryLimit.forWork();
    // A closed year's month files first: the rows staged for that year are merged into its file.
    const compacted = (await this.compactClosed()).compacted.map((c) => c.to);
    const progress = newCommitProgress();
    try {
      const { result, installed } = await commitStaged({
        dir: this.dir,
        spec: this.currentSpec,
        stagers: this.staging.tables,
        pending: { gaps: this.pendingGaps, coverage: this.pendingCoverage, freshness: this.pendingFreshness },
        layoutNowMs: () => this.staging.layoutNowMs ?? this.clock(),
        nowMs: () => this.clock(),
        tmpFile: () => this.tmpFile(),
        conns: () => this.mergeConnections(),
        progress,
        step: this.params.onCommitStep ?? (() => undefined),
      });
      if (installed) this.currentSpec = installed;
      this.staging.keepTouches();
      await this.resetStaging();
      if (compacted.length === 0) return result;
      return { ...result, changedFiles: [...new Set([...compacted, ...result.changedFiles])] };
    } catch (error) {
      throw await this.failedCommit(error, progress);
    }
  }

  /** Drops staged rows and pending gaps/coverage/freshness without writing anything. */
  async discard(): Promise<void> {
    this.assertOpen();
    await this.resetStaging();
  }

  /** Releases DuckDB, staging space and the lock. Uncommitted rows are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.staging.closeAppenders();
    await this.staging.removeStagedFiles();
    for (const conn of this.extraConns ?? []) conn.closeSync();
    this.duck.close();
    await rm(this.workDir, { recursive: true, force: true });
    await this.release();
  }

  /** This writer's work directory: DuckDB's database and temp files, and the spill files. */
  private get workDir(): string {
    return path.join(this.dir, WORK_DIR, `duckdb-${process.pid}`);
  }

  /**
   * The series committed since the last call, per table: dictionary values (exchange, market,
   * symbol, base), time range and sources of the rows staged, whether or not they changed a file.
   * What the coverage of the touched days is derived from.
   */
  takeTouched(): Map<TableName, SeriesTouch[]> {
    return this.staging.takeTouched();
  }

  private async resetStaging(): Promise<void> {
    await this.staging.reset();
    this.pendingGaps = new Map();
    this.pendingCoverage = new Map();
    this.pendingFreshness = null;
  }

  private assertOpen(): void {
    if (this.closed) throw new DatasetStoreStateError(`the store of ${this.dir} is closed`);
  }
}
