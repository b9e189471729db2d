import { isTableName, tableDef, type TableName } from "@cexdata/schema";
import type { DuckDBConnection } from "@duckdb/node-api";
import { rm } from "node:fs/promises";
import { DatasetStoreStateError } from "./errors.js";
import { SpilledRows, type SpilledColumn } from "./spilled-rows.js";
import { dropTables } from "./stage-query.js";
import {
  TableStager,
  buildStagingLayout,
  createStagingTables,
  type SeriesTouch,
  type StagingLayout,
} from "./staging.js";

/**
 * A store's staging round: one `TableStager` per table staged since the last commit, and what the
 * commits made of the staged series (see `takeTouched`), until it is taken.
 */
export class StagingArea {
  private stagers = new Map<TableName, TableStager>();
  private committedTouches = new Map<TableName, SeriesTouch[]>();
  /** The clock partition files are chosen by in this staging round (see `TableStager.layoutNowMs`). */
  private roundNowMs: number | null = null;

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly clock: () => number,
    /** The store's own work directory (removed when it closes): spill files go there. */
    private readonly workDir: string,
  ) {}

  /** The tables staged in this round, each with its stager. */
  get tables(): ReadonlyMap<TableName, TableStager> {
    return this.stagers;
  }

  /** The clock of this round's partition choice; null before anything was staged. */
  get layoutNowMs(): number | null {
    return this.roundNowMs;
  }

  /** The stager of a table, its staging tables created on first use. */
  async stagerOf(table: TableName): Promise<TableStager> {
    if (!isTableName(table)) throw new DatasetStoreStateError(`unknown table ${String(table)}`);
    let stager = this.stagers.get(table);
    if (!stager) {
      const layout = buildStagingLayout(table);
      await createStagingTables(this.conn, layout);
      this.roundNowMs ??= this.clock();
      const columns = spilledColumnsOf(layout);
      const spill = columns && new SpilledRows(this.workDir, table, columns);
      stager = new TableStager(this.conn, layout, this.roundNowMs, spill);
      this.stagers.set(table, stager);
    }
    return stager;
  }

  /** Remembers what the commit just made of the staged series (see `takeTouched`). */
  keepTouches(): void {
    for (const [table, stager] of this.stagers) {
      const kept = this.committedTouches.get(table) ?? [];
      kept.push(...stager.series.touched());
      this.committedTouches.set(table, kept);
    }
  }

  /** The series committed since the last call, per table (see `DatasetStore.takeTouched`). */
  takeTouched(): Map<TableName, SeriesTouch[]> {
    const touched = this.committedTouches;
    this.committedTouches = new Map();
    return touched;
  }

  /** Closes the stagers' appenders (see `TableStager.closeAppender`). */
  closeAppenders(): void {
    for (const stager of this.stagers.values()) stager.closeAppender();
  }

  /** Before a commit reads what was staged: appenders closed, spill files written whole. */
  finishStaging(): void {
    this.closeAppenders();
    for (const stager of this.stagers.values()) stager.spill?.finishAll();
  }

  /** Drops the staged rows: the next stage starts a new round. */
  async reset(): Promise<void> {
    for (const stager of this.stagers.values()) {
      stager.closeAppender();
      await this.conn.run(`DROP TABLE IF EXISTS ${stager.layout.stageTable}`);
      await this.conn.run(`DROP TABLE IF EXISTS ${stager.layout.dictTable}`);
      for (const segment of stager.segments) await dropTables(this.conn, segment.relations);
    }
    await this.removeStagedFiles();
    this.stagers = new Map();
    this.roundNowMs = null;
  }

  /**
   * Removes the files rows were written to when staged (`StagedSegment.file`, the spill files); a
   * closing store's too.
   */
  async removeStagedFiles(): Promise<void> {
    for (const stager of this.stagers.values()) {
      stager.spill?.remove();
      for (const { file } of stager.segments) if (file !== undefined) await rm(file.path, { force: true });
    }
  }
}

/**
 * The columns a table's rows are spilled in (see spilled-rows.ts): the staging table's, when every
 * one is staged as a number; null for a table with text, boolean or list values (those are appended).
 */
function spilledColumnsOf(layout: StagingLayout): SpilledColumn[] | null {
  if (!layout.valueColumns.every((c) => c.stageType.toString() === "DOUBLE")) return null;
  const columns = tableDef(layout.table).columns;
  return [
    { name: "_seq", nullable: false },
    { name: "_sid", nullable: false },
    ...layout.valueColumns.map((c) => ({ name: c.name, nullable: columns[c.name]!.nullable })),
  ];
}
