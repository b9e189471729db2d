import type { DuckDBConnection } from "@duckdb/node-api";
import type { SpecFile } from "@cexdata/schema";
import { copyFile, link } from "node:fs/promises";
import { hashFile, syncPath } from "./fs-atomic.js";
import { mergePartition, readParquetStats } from "./merge-partition.js";
import { onConnectionsSideBySide } from "./side-by-side.js";
import type { StagedPartition, StagedSegment, StagingLayout } from "./staging.js";
import type { WrittenFile } from "./staging-layout.js";

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
  await onConnectionsSideBySide(params.conns, jobs.length, async (conn, i) => {
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
    } else {
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
    }
    // A file written when staged was hashed, synced and counted then; any other is now.
    const { sha256, bytes } = ready ?? (await hashFile(job.tmp));
    if (job.before?.sha256 === sha256) {
      results[i] = { job, entry: null };
      return;
    }
    if (ready === null) await syncPath(job.tmp);
    const stats = ready ?? (await readParquetStats(conn, layout.table, job.tmp));
    results[i] = {
      job,
      entry: {
        path: job.rel,
        rows: stats.rows,
        bytes,
        sha256,
        min_ts: iso(stats.minTsMs),
        max_ts: iso(stats.maxTsMs),
      },
    };
  });
  return results;
}

/** The file staged rows were written to, when it is the partition's whole merge (see `writePartitions`). */
function writtenWhenStaged(job: PartitionJob): WrittenFile | null {
  const [only] = job.segments;
  const alone = job.staged === null && job.existingFile === null && job.segments.length === 1;
  return alone && !job.dedupe && only!.file !== undefined ? only!.file : null;
}
