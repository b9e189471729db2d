import type { DuckDBConnection } from "@duckdb/node-api";
import type { RowSource } from "../validate/index.js";
import { STAGING_CATALOG, type SeriesTouch, type StagingLayout } from "./staging-layout.js";

/**
 * The series one table's staging has seen since its last reset: an id per series (a row's
 * dictionary values: exchange, market, symbol, base, quote), the values of each id, the last time
 * staged for each (rows of a series in ascending time have unique keys), and what each source
 * touched (the days a run's report and the coverage table are told of). `TableStager` keeps one.
 */
export class StagedSeries {
  /** Per series id: its dictionary values, by column name. */
  readonly values: Record<string, string>[] = [];
  /** Per series id: the largest time staged for it so far. */
  readonly lastTs: number[] = [];
  /** Series ids, in maps nested by dictionary column: no tuple string is built per row. */
  private readonly tree = new Map<unknown, unknown>();
  private count = 0;
  private readonly touchesBySource = new Map<RowSource, SeriesTouch[]>();
  /** The touches of the source being staged, by series id (one lookup per row). */
  private currentTouches: SeriesTouch[] = [];
  private currentSource: RowSource = "rest";

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly layout: StagingLayout,
  ) {}

  /**
   * The id of the series of `row` (its dictionary columns); a new series gets the next id and its
   * tuple `[sid, ...values]` is pushed to `newTuples`, for `append`.
   */
  idOf(row: Record<string, unknown>, newTuples: unknown[][]): number {
    const cols = this.layout.dictColumns;
    let node: Map<unknown, unknown> = this.tree;
    for (let i = 0; i < cols.length - 1; i++) {
      const value = row[cols[i]!];
      let next = node.get(value) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
    }
    const last = cols.length === 0 ? null : row[cols[cols.length - 1]!];
    let sid = node.get(last) as number | undefined;
    if (sid === undefined) {
      sid = this.count++;
      node.set(last, sid);
      const values = cols.map((c) => row[c]);
      newTuples.push([sid, ...values]);
      this.values[sid] = Object.fromEntries(cols.map((c, i) => [c, values[i]])) as Record<string, string>;
    }
    return sid;
  }

  /** Whether `row` is of series `sid`: compared column by column, no lookup. */
  isOf(sid: number, row: Record<string, unknown>): boolean {
    const cols = this.layout.dictColumns;
    const values = this.values[sid]!;
    for (let i = 0; i < cols.length; i++) if (row[cols[i]!] !== values[cols[i]!]) return false;
    return true;
  }

  /** Appends new series tuples (`[sid, ...dictionary values]`) to the dictionary table. */
  async append(tuples: readonly unknown[][]): Promise<void> {
    if (tuples.length === 0) return;
    const appender = await this.conn.createAppender(`dict_${this.layout.table}`, "main", STAGING_CATALOG);
    try {
      for (const [sid, ...values] of tuples) {
        appender.appendInteger(sid as number);
        for (const v of values) appender.appendVarchar(v as string);
        appender.endRow();
      }
    } finally {
      appender.closeSync();
    }
  }

  /** The source the rows staged next come from (what `touch` records them under). */
  useSource(source: RowSource): void {
    if (source === this.currentSource && this.touchesBySource.has(source)) return;
    this.currentSource = source;
    let touches = this.touchesBySource.get(source);
    if (touches === undefined) this.touchesBySource.set(source, (touches = []));
    this.currentTouches = touches;
  }

  /** Records that series `sid` got rows from the current source with times in [minTs, maxTs]. */
  touch(sid: number, minTs: number, maxTs: number): void {
    const t = (this.currentTouches[sid] ??= {
      values: this.values[sid]!,
      source: this.currentSource,
      minTs,
      maxTs,
    });
    if (minTs < t.minTs) t.minTs = minTs;
    if (maxTs > t.maxTs) t.maxTs = maxTs;
  }

  /**
   * What was staged since the last reset, per source and series: the series' dictionary values
   * (exchange, market, symbol, base, quote) and the range of its time column (the touched days).
   */
  touched(): SeriesTouch[] {
    return [...this.touchesBySource.values()].flatMap((touches) => touches.filter((t) => t !== undefined));
  }
}
