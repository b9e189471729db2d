import type { DuckDBConnection, DuckDBListValue } from "@duckdb/node-api";
import { TABLES, partitionPath, partitionTimeRange } from "@cexdata/schema";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { RowSource } from "../validate/index.js";
import { quoteIdentifier, quoteSqlString } from "./duckdb.js";
import { DatasetStoreStateError, StagedPartsError } from "./errors.js";
import { hashFile, syncPath } from "./fs-atomic.js";
import { PARQUET_COPY_OPTIONS, selectColumnsSql } from "./merge-partition.js";
import { mergePolicyOf } from "./merge-policy.js";
import { onConnectionsSideBySide } from "./side-by-side.js";
import type { TableStager } from "./staging.js";
import type { WrittenFile } from "./staging-layout.js";

/**
 * Rows of one series that come in parts, each read by its own SQL from its own source (an archive
 * CSV), each within its time range: see `StagingQuery.parts`.
 */
export interface StagingParts {
  /** The series: a value for each text column of the table's key (exchange, symbol, ...). */
  readonly series: Readonly<Record<string, string>>;
  /**
   * Each part's time range, [startMs, endMs) in epoch ms, ascending and disjoint, each within one
   * partition's period (an archive's day or month file always is).
   */
  readonly ranges: readonly { readonly startMs: number; readonly endMs: number }[];
  /**
   * SELECT of the rows of the given parts (indexes into `ranges`, ascending), no parameters: the
   * table's columns by name, the time column a TIMESTAMP, in key order. It may fail (DuckDB's
   * `error()`) to refuse the batch: nothing is staged then, and the error is thrown as it is.
   */
  readonly sqlOf: (parts: readonly number[]) => string;
  /** Told the rows staged from each part, once they are. */
  readonly counted?: (rowsPerPart: readonly number[]) => void;
}

/** Where the store writes files and on which connections (`DatasetStore`'s). */
export interface PartFileWriter {
  readonly conns: () => Promise<DuckDBConnection[]>;
  readonly tmpFile: () => string;
}

/** A partition's file written from the parts: `path` its temp file, `partition` its dataset path. */
interface WrittenPart extends WrittenFile {
  readonly partition: string;
}

/**
 * Stages `parts` (see `StagingQuery.parts`; the caller checked the table and the promise's flags)
 * by writing each partition's Parquet file at once from the parts of its period,
 * one COPY per partition side by side: the rows are never kept in DuckDB, and a partition with
 * nothing else to merge at commit takes its file as it is (`writePartitions`). An archive import
 * then costs about what DuckDB alone takes for `read_csv` -> `COPY`: keeping the rows in a table
 * first cost as much again (DuckDB appends ~45 ms per column per million rows).
 * Every file is checked for the promise: by row number, times strictly ascending (unique keys in
 * key order), and each row within one of its parts' ranges. If it does not hold, every file is
 * removed, nothing is staged, and it throws `StagedPartsError`. Returns the number of rows staged.
 */
export async function stageParts(
  conn: DuckDBConnection,
  stager: TableStager,
  parts: StagingParts,
  source: RowSource,
  writer: PartFileWriter,
): Promise<number> {
  const { layout } = stager;
  const table = layout.table;
  const values = layout.dictColumns.map((c) => {
    const v = parts.series[c];
    if (v === undefined) throw new DatasetStoreStateError(`stageFromQuery(${table}): parts name no ${c}`);
    return v;
  });
  // One series: its text columns are written as the constants they are (see constant-text.ts).
  const constants: Record<string, string> = Object.fromEntries(
    layout.dictColumns.map((c, i) => [c, values[i]!]),
  );
  const base = parts.series["base"];
  const partsByFile = new Map<string, number[]>();
  for (const [i, r] of parts.ranges.entries()) {
    const file = partitionPath(table, {
      ...(base !== undefined && { base }),
      tsMs: r.startMs,
      nowMs: stager.layoutNowMs,
    });
    if (r.endMs > partitionTimeRange(file, stager.layoutNowMs).endMs) {
      throw new StagedPartsError(table, `have a part [${r.startMs}, ${r.endMs}) across partitions`);
    }
    partsByFile.set(file, [...(partsByFile.get(file) ?? []), i]);
  }
  const jobs = [...partsByFile].map(([file, indexes]) => ({ file, indexes, tmp: writer.tmpFile() }));
  if (jobs.length > 0) await mkdir(path.dirname(jobs[0]!.tmp), { recursive: true });
  const written: (WrittenPart | null)[] = new Array<WrittenPart | null>(jobs.length).fill(null);
  const rowsPerPart = parts.ranges.map(() => 0);
  const time = `CAST(${quoteIdentifier(TABLES[table].timeColumn)} AS TIMESTAMP)`;
  let broken: string | null = null;
  const finishing: Promise<void>[] = [];
  try {
    await onConnectionsSideBySide(await writer.conns(), jobs.length, async (c, i) => {
      const { file, indexes, tmp } = jobs[i]!;
      await c.run(
        `COPY (SELECT ${selectColumnsSql(table, constants)} FROM (${parts.sqlOf(indexes)})) ` +
          `TO ${quoteSqlString(tmp)} (${PARQUET_COPY_OPTIONS})`,
      );
      // By row number, a time not above the one before breaks the order; and every row must lie
      // in one of the parts' ranges (counted by one histogram over their bounds, not a filter each).
      const bins = binsOf(indexes.map((k) => parts.ranges[k]!));
      const reader = await c.runAndReadAll(
        `SELECT count(*)::DOUBLE, epoch_ms(min(t))::DOUBLE, epoch_ms(max(t))::DOUBLE,
          (count(*) FILTER (WHERE t <= prev))::DOUBLE,
          map_values(histogram(t, [${bins.bounds.map((ms) => `epoch_ms(${ms}::BIGINT)`).join(", ")}]))::DOUBLE[]
         FROM (SELECT ${time} AS t, lag(${time}) OVER (ORDER BY file_row_number) AS prev
           FROM read_parquet(${quoteSqlString(tmp)}, file_row_number = true))`,
      );
      const [rows, minTs, maxTs, notAscending, histogram] = reader.getRows()[0] as [
        number,
        number,
        number,
        number,
        DuckDBListValue | null,
      ];
      const counts = (histogram?.items ?? []) as number[];
      let inParts = 0;
      bins.part.forEach((j, b) => {
        if (j === null) return;
        rowsPerPart[indexes[j]!] = counts[b] ?? 0;
        inParts += counts[b] ?? 0;
      });
      if (notAscending > 0) broken ??= `give rows of ${file} out of strictly ascending time order`;
      if (inParts !== rows) broken ??= `give ${rows - inParts} rows of ${file} outside their part's range`;
      if (rows === 0) {
        await rm(tmp, { force: true });
        return;
      }
      // Hashed and synced beside the next COPY, not before it: the commit then only links the file.
      finishing.push(
        Promise.all([hashFile(tmp), syncPath(tmp)]).then(([{ sha256, bytes }]) => {
          written[i] = { partition: file, path: tmp, sha256, bytes, rows, minTsMs: minTs, maxTsMs: maxTs };
        }),
      );
    }).finally(() => Promise.allSettled(finishing));
    const failed = (await Promise.allSettled(finishing)).find((r) => r.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    if (broken !== null) throw new StagedPartsError(table, broken);
  } catch (error) {
    for (const job of jobs) await rm(job.tmp, { force: true });
    throw error;
  }
  const kept = written.filter((w): w is WrittenPart => w !== null);
  if (kept.length > 0) await register(conn, stager, kept, values, source);
  parts.counted?.(rowsPerPart);
  return kept.reduce((sum, w) => sum + w.rows, 0);
}

/**
 * Histogram bounds (inclusive upper ends, epoch ms) for ranges ascending and disjoint: a bin below
 * the first, then per range a bin of the gap before it (if any) and one of the range itself.
 * `part[b]` is the index of bin b's range, null for a bin no row may fall in.
 */
function binsOf(ranges: readonly { readonly startMs: number; readonly endMs: number }[]): {
  bounds: number[];
  part: (number | null)[];
} {
  const bounds: number[] = [];
  const part: (number | null)[] = [];
  ranges.forEach((r, j) => {
    if (bounds.at(-1) !== r.startMs - 1) {
      bounds.push(r.startMs - 1);
      part.push(null);
    }
    bounds.push(r.endMs - 1);
    part.push(j);
  });
  return { bounds, part };
}

/** Registers the written files as staged segments, one per partition. */
async function register(
  conn: DuckDBConnection,
  stager: TableStager,
  kept: readonly WrittenPart[],
  values: readonly string[],
  source: RowSource,
): Promise<void> {
  const { timeColumn } = TABLES[stager.layout.table];
  const described = await conn.runAndReadAll(
    `DESCRIBE SELECT * FROM read_parquet(${quoteSqlString(kept[0]!.path)})`,
  );
  const timeType = String((described.getRows() as unknown[][]).find((r) => r[0] === timeColumn)?.[1]);
  const newTuples: unknown[][] = [];
  const ids = kept.map((w) =>
    stager.registerGroup({
      values,
      file: w.partition,
      minTs: w.minTsMs,
      maxTs: w.maxTsMs,
      rows: w.rows,
      newTuples,
      source,
    }),
  );
  await stager.series.append(newTuples);
  const seq = stager.reserveSeq(kept.reduce((sum, w) => sum + w.rows, 0));
  const prec = mergePolicyOf(stager.layout.table).rank[source];
  kept.forEach((w, i) =>
    stager.segments.push({
      sql: `SELECT * FROM read_parquet(${quoteSqlString(w.path)})`,
      timeType,
      pids: new Set([ids[i]!.pid]),
      prec,
      seq,
      relations: [],
      series: stager.series.values[ids[i]!.sid]!,
      inKeyOrder: true,
      file: w,
    }),
  );
}
