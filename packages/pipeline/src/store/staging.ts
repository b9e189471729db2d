import {
  DOUBLE,
  DuckDBDataChunk,
  INTEGER,
  listValue,
  type DuckDBAppender,
  type DuckDBConnection,
} from "@duckdb/node-api";
import { TABLES, partitionPath, partitionTimeRange, type Row, type TableName } from "@cexdata/schema";
import type { RowSource } from "../validate/index.js";
import { quoteIdentifier } from "./duckdb.js";
import { mergePolicyOf } from "./merge-policy.js";
import type { SpilledPartition, SpilledRows } from "./spilled-rows.js";
import { StagedSeries } from "./staged-series.js";
import {
  PREC_SCALE,
  STAGING_CATALOG,
  type ParquetFileStats,
  type StagedPartition,
  type StagedSegment,
  type StagingLayout,
} from "./staging-layout.js";

/** The staged representation's layout and SQL live in staging-layout.ts; re-exported for callers. */
export * from "./staging-layout.js";

const CHUNK_ROWS = 2048;

/**
 * The JS side of one table's staging: rows from JS into the staging table or spill files, and the
 * bookkeeping per partition file (rows, time range, series, order) that the commit's merge reads.
 * The series themselves are kept by `StagedSeries` (staged-series.ts).
 */
export class TableStager {
  readonly partitions: string[] = [];
  readonly stagedByPartition: number[] = [];
  /** Smallest and largest staged time-column value per partition (epoch ms). */
  readonly minTsByPartition: number[] = [];
  readonly maxTsByPartition: number[] = [];
  /**
   * Per partition: whether two staged rows may share a key. False while every series arrives in
   * ascending time (how pages come), which lets the merge skip its dedupe window.
   */
  readonly mayRepeatKeys: boolean[] = [];
  /** Per partition: whether the staging table holds rows of it (else spill files or segments do). */
  readonly inTable: boolean[] = [];
  /** Per partition: the series ids of its table rows (see `StagedPartition`). */
  private readonly seriesIds: Set<number>[] = [];
  /** Per partition: the series id added last, so a row of the same series as the one before costs no Set.add. */
  private readonly lastSeriesId: number[] = [];
  /** Per partition: whether an INSERT staged rows of it, whose order in the table is not known. */
  private readonly insertedRows: boolean[] = [];
  /** Query results staged in place (see `StagedSegment`). */
  readonly segments: StagedSegment[] = [];
  /** The series staged: ids, dictionary values, last times, what each source touched. */
  readonly series: StagedSeries;
  /**
   * The key is the series (its dictionary columns) and the time column, nothing else: ascending
   * time per series then means unique keys.
   */
  readonly keyIsSeriesAndTime: boolean;
  private readonly pidByPath = new Map<string, number>();
  private readonly rangeByBase = new Map<string, { startMs: number; endMs: number; pid: number }>();
  private seq = 0;
  /**
   * One chunk, refilled for every 2048 rows and resized for a call's last, shorter run: chunks hold
   * native memory that V8 does not see, so a new chunk per batch piled up (1.5 GB RSS over 10M rows)
   * before GC freed any, and a new one per call for the last rows did too when pages are small
   * (3M candles staged 1000 at a time: 1.2 GB RSS).
   */
  private chunk: DuckDBDataChunk | undefined;
  /**
   * One appender for every call, flushed at the end of each: an appender per call left native
   * memory behind that neither DuckDB's limit nor V8's GC reclaimed (3M candles staged 1000 at a
   * time: 700 MB RSS, 200 MB with one appender, and a third less time).
   */
  private appender: DuckDBAppender | undefined;
  private readonly rule: (typeof TABLES)[TableName]["partition"];
  /** Per row of the chunk being spilled: its partition's spill and its index in that buffer. */
  private readonly spillTargets: SpilledPartition[] = [];
  private readonly spillSlots = new Int32Array(CHUNK_ROWS);

  constructor(
    private readonly conn: DuckDBConnection,
    readonly layout: StagingLayout,
    /**
     * The clock the partition files are chosen by (a closed year's liquidations go to its `YYYY`
     * file): fixed for a staging round, so every row and the commit's compaction agree on it.
     */
    readonly layoutNowMs: number,
    /**
     * Where `stage()` puts rows when every staged column is a number (see spilled-rows.ts); null:
     * they are appended to the staging table (a table with text, boolean or list values).
     */
    readonly spill: SpilledRows | null,
  ) {
    this.rule = TABLES[layout.table].partition;
    this.series = new StagedSeries(conn, layout);
    const key = TABLES[layout.table].key as readonly string[];
    const rest = key.filter((k) => !layout.dictColumns.includes(k));
    this.keyIsSeriesAndTime = rest.length === 1 && rest[0] === this.rule.timeColumn;
  }

  /** Stages validated rows: to the spill files, or appended to the staging table. */
  async stage(rows: readonly Row<TableName>[], source: RowSource): Promise<void> {
    if (rows.length === 0) return;
    if (this.spill !== null) return this.stageSpilled(this.spill, rows, source);
    const { layout } = this;
    const newTuples: unknown[][] = [];
    const types = [DOUBLE, INTEGER, ...layout.valueColumns.map((c) => c.stageType)];
    const appender = (this.appender ??= await this.conn.createAppender(
      `stage_${layout.table}`,
      "main",
      STAGING_CATALOG,
    ));
    const precBase = mergePolicyOf(layout.table).rank[source] * PREC_SCALE;
    this.series.useSource(source);
    try {
      for (let offset = 0; offset < rows.length; offset += CHUNK_ROWS) {
        const n = Math.min(CHUNK_ROWS, rows.length - offset);
        const chunk = (this.chunk ??= DuckDBDataChunk.create(types, CHUNK_ROWS));
        // Resizing drops the chunk's cached vectors: the next getColumnVector sizes them to n.
        if (chunk.rowCount !== n) chunk.rowCount = n;
        const vectors = types.map((_, j) => chunk.getColumnVector(j));
        const [seqV, sidV] = vectors as [(typeof vectors)[0], (typeof vectors)[0]];
        for (let i = 0; i < n; i++) {
          const row = rows[offset + i] as Record<string, unknown>;
          const pid = this.placeRow(row, newTuples, "appended");
          const sid = this.lastSeriesId[pid]!;
          seqV.setItem(i, precBase + this.seq++);
          sidV.setItem(i, sid);
        }
        // Column by column: one property name per inner loop keeps V8's property access monomorphic
        // (row by row, `row[name]` over 13 names was a megamorphic lookup per value).
        for (let c = 0; c < layout.valueColumns.length; c++) {
          const { name, type } = layout.valueColumns[c]!;
          const vector = vectors[c + 2]!;
          if (type === "VARCHAR[]") {
            for (let i = 0; i < n; i++) {
              const value = (rows[offset + i] as Record<string, unknown>)[name];
              vector.setItem(i, Array.isArray(value) ? listValue(value as string[]) : null);
            }
          } else {
            for (let i = 0; i < n; i++) {
              vector.setItem(
                i,
                (rows[offset + i] as Record<string, unknown>)[name] as number | string | boolean | null,
              );
            }
          }
        }
        for (const v of vectors) v.flush();
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } catch (error) {
      this.closeAppender();
      throw error;
    }
    await this.series.append(newTuples);
  }

  /**
   * `stage()` for a layout of numbers only: each row's values go to its partition's spill buffer,
   * column by column (null as NaN), the same bookkeeping as appended rows.
   */
  private async stageSpilled(
    spill: SpilledRows,
    rows: readonly Row<TableName>[],
    source: RowSource,
  ): Promise<void> {
    const newTuples: unknown[][] = [];
    const precBase = mergePolicyOf(this.layout.table).rank[source] * PREC_SCALE;
    const values = this.layout.valueColumns;
    const targets = this.spillTargets;
    const slots = this.spillSlots;
    this.series.useSource(source);
    for (let offset = 0; offset < rows.length; offset += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows.length - offset);
      spill.reserve(n);
      for (let i = 0; i < n; i++) {
        const row = rows[offset + i] as Record<string, unknown>;
        const pid = this.placeRow(row, newTuples, "spilled");
        const sid = this.lastSeriesId[pid]!;
        const target = spill.partition(pid);
        const slot = target.nextSlot();
        targets[i] = target;
        slots[i] = slot;
        target.columns[0]![slot] = precBase + this.seq++;
        target.columns[1]![slot] = sid;
      }
      // Column by column, as `stage()` does: one property name per inner loop stays monomorphic.
      for (let c = 0; c < values.length; c++) {
        const name = values[c]!.name;
        for (let i = 0; i < n; i++) {
          targets[i]!.columns[c + 2]![slots[i]!] =
            ((rows[offset + i] as Record<string, unknown>)[name] as number | null) ?? NaN;
        }
      }
    }
    await this.series.append(newTuples);
  }

  /** Closes the appender: before the staging table is read by a commit, written by SQL, or dropped. */
  closeAppender(): void {
    const a = this.appender;
    this.appender = undefined;
    a?.closeSync();
  }

  /**
   * Records that series `sid` has rows in partition `pid`: appended to the staging table or spilled
   * (in staging order), or inserted into the table by SQL (in an order not known, so the partition
   * is sorted at commit).
   */
  addSeries(pid: number, sid: number, how: "appended" | "spilled" | "inserted"): void {
    if (how !== "spilled") this.inTable[pid] = true;
    this.seriesIds[pid]!.add(sid);
    this.lastSeriesId[pid] = sid;
    if (how === "inserted") this.insertedRows[pid] = true;
  }

  /**
   * How the merge reads partition `pid`'s rows from the staging table and its spill file; null when
   * neither holds any.
   */
  stagedPartition(pid: number, range: { startMs: number; endMs: number }): StagedPartition | null {
    const spilled = this.spill?.has(pid) ? this.spill.partition(pid) : null;
    if (!this.inTable[pid] && spilled === null) return null;
    const sids = [...this.seriesIds[pid]!].sort((a, b) => a - b);
    // Rows of one series that all came through `stage` (in arrival order) need no join and may be
    // in key order; both the table and a spill file hold them only after an INSERT, which sorts.
    const one = sids.length === 1 && !this.insertedRows[pid] ? sids[0]! : null;
    const time = this.rule.timeColumn ? `s.${quoteIdentifier(this.rule.timeColumn)}` : null;
    const where = [
      sids.length === 1 ? `s._sid = ${sids[0]}` : `s._sid IN (${sids.join(", ")})`,
      ...(time !== null && Number.isFinite(range.startMs) ? [`${time} >= ${range.startMs}`] : []),
      ...(time !== null && Number.isFinite(range.endMs) ? [`${time} < ${range.endMs}`] : []),
    ].join(" AND ");
    return {
      where: this.inTable[pid] ? where : null,
      spilled: spilled?.relation() ?? null,
      series: one !== null ? this.series.values[one]! : null,
      seriesValues: sids.map((sid) => this.series.values[sid]!),
      inKeyOrder: one !== null && !this.mayRepeatKeys[pid]!,
    };
  }

  /**
   * Partition `pid`'s row count and time range as staged: what its file holds when the merge keeps
   * every staged row and nothing else (the caller knows: no stored file, no segment, no duplicate
   * key), so the commit need not read them back from the file. Null when the table's time column is
   * not the partition's.
   */
  stagedStats(pid: number): ParquetFileStats | null {
    const time = this.rule.timeColumn;
    if (time === undefined || time !== TABLES[this.layout.table].timeColumn) return null;
    const rows = this.stagedByPartition[pid]!;
    return { rows, minTsMs: this.minTsByPartition[pid]!, maxTsMs: this.maxTsByPartition[pid]! };
  }

  private trackOrder(pid: number, sid: number, row: Record<string, unknown>): void {
    const ts = this.rule.timeColumn ? (row[this.rule.timeColumn] as number) : NaN;
    this.series.touch(sid, ts, ts);
    if (!(ts >= this.minTsByPartition[pid]!)) this.minTsByPartition[pid] = ts;
    if (!(ts <= this.maxTsByPartition[pid]!)) this.maxTsByPartition[pid] = ts;
    const last = this.series.lastTs[sid];
    if (!this.keyIsSeriesAndTime || (last !== undefined && !(ts > last))) this.mayRepeatKeys[pid] = true;
    else this.series.lastTs[sid] = ts;
  }

  /**
   * The bookkeeping of one row staged from JS: its partition (returned), its series (then the
   * partition's `lastSeriesId`), its order and time range.
   */
  private placeRow(
    row: Record<string, unknown>,
    newTuples: unknown[][],
    how: "appended" | "spilled",
  ): number {
    const pid = this.partitionIdOf(row);
    const sid = this.seriesIdIn(pid, row, newTuples);
    this.trackOrder(pid, sid, row);
    if (this.lastSeriesId[pid] !== sid) this.addSeries(pid, sid, how);
    return pid;
  }

  /**
   * The series id of a row of partition `pid`: the partition's last series when the row is of it
   * (rows come series after series), a lookup in the series tree otherwise.
   */
  private seriesIdIn(pid: number, row: Record<string, unknown>, newTuples: unknown[][]): number {
    const last = this.lastSeriesId[pid]!;
    return last >= 0 && this.series.isOf(last, row) ? last : this.series.idOf(row, newTuples);
  }

  /**
   * Registers rows staged in bulk (by `stageQueryRows`): `rows` rows of series `values` (in
   * `layout.dictColumns` order) in partition `file`, time column in [minTs, maxTs], keys unique
   * among them. Returns the series and partition ids, and the series tuple to append if it is new.
   */
  registerGroup(g: {
    values: readonly string[];
    file: string;
    minTs: number;
    maxTs: number;
    rows: number;
    newTuples: unknown[][];
    source: RowSource;
  }): { sid: number; pid: number } {
    const row: Record<string, unknown> = {};
    this.layout.dictColumns.forEach((c, i) => (row[c] = g.values[i]));
    const sid = this.series.idOf(row, g.newTuples);
    this.series.useSource(g.source);
    this.series.touch(sid, g.minTs, g.maxTs);
    const pid = this.partitionIdOfPath(g.file);
    this.stagedByPartition[pid]! += g.rows;
    if (!(g.minTs >= this.minTsByPartition[pid]!)) this.minTsByPartition[pid] = g.minTs;
    if (!(g.maxTs <= this.maxTsByPartition[pid]!)) this.maxTsByPartition[pid] = g.maxTs;
    const last = this.series.lastTs[sid];
    if (!this.keyIsSeriesAndTime || (last !== undefined && !(g.minTs > last))) this.mayRepeatKeys[pid] = true;
    if (!(last !== undefined && last >= g.maxTs)) this.series.lastTs[sid] = g.maxTs;
    return { sid, pid };
  }

  /** Reserves `n` sequence numbers for rows staged in bulk; returns the first. */
  reserveSeq(n: number): number {
    const first = this.seq;
    this.seq += n;
    return first;
  }

  private partitionIdOf(row: Record<string, unknown>): number {
    const rule = this.rule;
    const base = rule.byBase ? (row["base"] as string) : "";
    const ts = rule.timeColumn ? (row[rule.timeColumn] as number) : 0;
    const cached = this.rangeByBase.get(base);
    if (cached && ts >= cached.startMs && ts < cached.endMs) {
      this.stagedByPartition[cached.pid]!++;
      return cached.pid;
    }
    const file = partitionPath(this.layout.table, { base, tsMs: ts, nowMs: this.layoutNowMs });
    const pid = this.partitionIdOfPath(file);
    this.rangeByBase.set(base, { ...partitionTimeRange(file, this.layoutNowMs), pid });
    this.stagedByPartition[pid]!++;
    return pid;
  }

  private partitionIdOfPath(file: string): number {
    let pid = this.pidByPath.get(file);
    if (pid === undefined) {
      pid = this.partitions.length;
      this.partitions.push(file);
      this.stagedByPartition.push(0);
      this.minTsByPartition.push(Infinity);
      this.maxTsByPartition.push(-Infinity);
      this.mayRepeatKeys.push(false);
      this.inTable.push(false);
      this.seriesIds.push(new Set());
      this.lastSeriesId.push(-1);
      this.insertedRows.push(false);
      this.pidByPath.set(file, pid);
    }
    return pid;
  }

  /** The rows staged since the last reset. */
  get stagedRows(): number {
    return this.seq;
  }
}
