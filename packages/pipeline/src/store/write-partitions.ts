import type { DuckDBConnection } from "@duckdb/node-api";
import type { SpecFile } from "@cexdata/schema";
import { copyFile, link } from "node:fs/promises";
import { hashFile, syncPath } from "./fs-atomic.js";
import { mergePartition, readParquetStats } from "./merge-partition.js";
import { onConnectionsSideBySide } from "./side-by-side.js";
import type { StagedPartition, StagedSegment, StagingLayout } from "./staging.js";
import type { ParquetFileStats, WrittenFile } from "./staging-layout.js";

/** One partition file to merge and write to `tmp`. */
export interface PartitionJob {
  /** Dataset-relative path of the partition. */
  readonly rel: string;
  /** Its entry in the current spec.json, if it has one. */
  readonly before: SpecFile | undefined;
  /** Absolute path of its current file, null when there is none on disk. */
  readonly existingFile: string | null;
  readonly tmp: string;
  readonly dedupe: boolean;
  /** How the staging table holds rows of the partition (null: none), and which segments do. */
  readonly staged: StagedPartition | null;
  readonly segments: readonly StagedSegment[];
  readonly range: { readonly startMs: number; readonly endMs: number };
  /** The file's rows and time range when staging already knows them (see `TableStager.stagedStats`). */
  readonly stagedStats: ParquetFileStats | null;
}

export interface WrittenPartition {
  readonly job: PartitionJob;
  /** The file's spec.json entry; null when it is byte-identical to the current file (not kept). */
  readonly entry: SpecFile | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Merges and writes the partitions of one table, side by side on the connections (see
 * `onConnectionsSideBySide`). Results come back in job order; files are fsynced, not yet moved.
 * A partition whose rows are all in one file the store wrote when they were staged (see
 * `StagedSegment.file`), with nothing stored or staged beside them, takes that file as it is.
 */
export async function writePartitions(params: {
  conns: readonly DuckDBConnection[];
  layout: StagingLayout;
  jobs: readonly PartitionJob[];
}): Promise<WrittenPartition[]> {
  const { layout, jobs } = params;
  const results: WrittenPartition[] = new Array<WrittenPartition>(jobs.length);
  /** Files being hashed and synced while their connection writes the next one (see below). */
  const finishing: Promise<void>[] = [];
  let finishFailure: { error: unknown } | null = null;
  const written = onConnectionsSideBySide(params.conns, jobs.length, async (conn, i) => {
    const job = jobs[i]!;
    const ready = writtenWhenStaged(job);
    if (ready !== null) {
      // A hard link: the staged file stays the segment's until staging is reset (a failed commit
      // may be retried); a synced copy where the file system has no links.
      const linked = await link(ready.path, job.tmp).then(
        () => true,
        () => false,
      );
      if (!linked) {
        await copyFile(ready.path, job.tmp);
        await syncPath(job.tmp);
      }
      // Hashed, synced and counted when it was staged.
      results[i] = job.before?.sha256 === ready.sha256 ? { job, entry: null } : entryOf(job, ready, ready);
      return;
    }
    await mergePartition({
      conn,
      layout,
      staged: job.staged,
      segments: job.segments,
      range: job.range,
      existingFile: job.existingFile,
      outputFile: job.tmp,
      dedupe: job.dedupe,
    });
    const finish = async (stats: ParquetFileStats | null) => {
      const file = await hashFile(job.tmp);
      if (job.before?.sha256 === file.sha256) return void (results[i] = { job, entry: null });
      await syncPath(job.tmp);
      results[i] = entryOf(job, file, stats ?? (await readParquetStats(conn, layout.table, job.tmp)));
    };
    // A file whose rows staging knows needs nothing more of DuckDB: it is hashed and synced beside
    // the connection's next COPY (50-60 ms of a 1M-row commit's 0.65 s). Any other is counted on
    // the connection first.
    if (job.stagedStats === null) await finish(null);
    else
      finishing.push(finish(job.stagedStats).catch((error: unknown) => void (finishFailure ??= { error })));
  });
  // Every file is finished before this returns or throws: a failed commit then removes its temp files.
  await written.finally(() => Promise.all(finishing));
  if (finishFailure !== null) throw (finishFailure as { error: unknown }).error;
  return results;
}

/** A written file's spec.json entry. */
function entryOf(
  job: PartitionJob,
  file: { sha256: string; bytes: number },
  stats: ParquetFileStats,
): WrittenPartition {
  return {
    job,
    entry: {
      path: job.rel,
      rows: stats.rows,
      bytes: file.bytes,
      sha256: file.sha256,
      min_ts: iso(stats.minTsMs),
      max_ts: iso(stats.maxTsMs),
    },
  };
}

/** The file staged rows were written to, when it is the partition's whole merge (see `writePartitions`). */
function writtenWhenStaged(job: PartitionJob): WrittenFile | null {
  const [only] = job.segments;
  const alone = job.staged === null && job.existingFile === null && job.segments.length === 1;
  return alone && !job.dedupe && only!.file !== undefined ? only!.file : null;
}
