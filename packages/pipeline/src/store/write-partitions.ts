import type { DuckDBConnection } from "@duckdb/node-api";
import type { SpecFile } from "@cexdata/schema";
import { withDuckDBThreads } from "./duckdb.js";
import { hashFile, syncPath } from "./fs-atomic.js";
import { mergePartition, readParquetStats } from "./merge-partition.js";
import type { StagedPartition, StagedSegment, StagingLayout } from "./staging.js";

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
 * Merges and writes the partitions of one table, one per connection at a time: a partition is
 * small enough for one row group, which DuckDB writes on one thread, so files are written side by
 * side to use every core. Results come back in job order; files are fsynced, not yet moved.
 */
export async function writePartitions(params: {
  conns: readonly DuckDBConnection[];
  layout: StagingLayout;
  jobs: readonly PartitionJob[];
}): Promise<WrittenPartition[]> {
  const { layout, jobs } = params;
  const results: WrittenPartition[] = new Array<WrittenPartition>(jobs.length);
  let next = 0;
  let failed = false;
  const work = async (conn: DuckDBConnection) => {
    for (let i = next++; i < jobs.length && !failed; i = next++) {
      const job = jobs[i]!;
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
      const { sha256, bytes } = await hashFile(job.tmp);
      if (job.before?.sha256 === sha256) {
        results[i] = { job, entry: null };
        continue;
      }
      await syncPath(job.tmp);
      const stats = await readParquetStats(conn, layout.table, job.tmp);
      const { rows } = stats;
      results[i] = {
        job,
        entry: { path: job.rel, rows, bytes, sha256, min_ts: iso(stats.minTsMs), max_ts: iso(stats.maxTsMs) },
      };
    }
  };
  const conns = params.conns.slice(0, Math.max(1, jobs.length));
  // On a failure (a full disk) the other connections finish the file they are writing and stop:
  // the caller removes the temp files and may close DuckDB, which must not happen under a COPY.
  const run = () =>
    Promise.allSettled(
      conns.map((conn) =>
        work(conn).catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
  // Several connections writing side by side run one DuckDB thread each: `conns.length` busy
  // threads in all. With the pool at `threads`, every COPY also took pool workers (threads x
  // connections runnable threads on `threads` cores), which cost the archive import's commit about
  // a third more CPU for the same files.
  const settled = conns.length > 1 ? await withDuckDBThreads(conns[0]!, 1, run) : await run();
  const rejected = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected !== undefined) throw rejected.reason;
  return results;
}
