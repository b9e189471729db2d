import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import {
  SCHEMA_VERSION,
  parseDatasetSpec,
  partitionTimeRange,
  type DatasetSpec,
  type SpecFile,
  type SpecFreshness,
  type TableName,
} from "@cexdata/schema";
import type { DuckDBConnection } from "@duckdb/node-api";
import { installCommit, type CommitProgress, type CommitStep } from "./install-commit.js";
import { TMP_DIR, type JournalMove } from "./journal.js";
import { applySpecChanges, isSameContent, type SpecChanges } from "./manifest.js";
import { mergePolicyOf } from "./merge-policy.js";
import type { TableStager } from "./staging.js";
import { writePartitions, type PartitionJob } from "./write-partitions.js";

export interface CommitResult {
  /** spec.json's version after the commit (unchanged, possibly 0, when nothing changed). */
  readonly version: number;
  /** Dataset-relative paths of the files written (a closed year's compacted file too), spec.json not included. */
  readonly changedFiles: string[];
  /** Per table: rows staged, and rows the table gained (new keys). */
  readonly rowsByTable: Partial<Record<TableName, { readonly staged: number; readonly added: number }>>;
}

/** What spec.json gets at the next commit besides the files: gaps, coverage and freshness set since the last. */
export interface PendingSpecChanges extends Omit<SpecChanges, "files"> {
  /** The freshness entries to write; null: the current spec's are kept. */
  readonly freshness: readonly SpecFreshness[] | null;
}

export interface CommitStagedParams {
  readonly dir: string;
  /** The dataset's spec.json now (null before the first commit). */
  readonly spec: DatasetSpec | null;
  readonly stagers: ReadonlyMap<TableName, TableStager>;
  readonly pending: PendingSpecChanges;
  /** The clock the staged rows' partition files were chosen by. */
  readonly layoutNowMs: () => number;
  /** The clock for spec.json's update_time. */
  readonly nowMs: () => number;
  /** A fresh temp file path under TMP_DIR for one partition. */
  readonly tmpFile: () => string;
  readonly conns: () => Promise<DuckDBConnection[]>;
  readonly progress: CommitProgress;
  readonly step: (step: CommitStep) => void | Promise<void>;
}

/**
 * Merges the staged rows of every table into new partition files and installs them with the next
 * spec.json (through the journal). `installed` is that spec, or null when nothing changed: no file,
 * and spec.json's content the same.
 */
export async function commitStaged(
  p: CommitStagedParams,
): Promise<{ result: CommitResult; installed: DatasetSpec | null }> {
  await mkdir(path.join(p.dir, TMP_DIR), { recursive: true });
  const files = new Map<TableName, SpecFile[]>();
  const moves: JournalMove[] = [];
  const rowsByTable: CommitResult["rowsByTable"] = {};
  for (const [table, stager] of p.stagers) {
    let added = 0;
    const jobs = partitionJobs(p, table, stager);
    p.progress.temps.push(...jobs.map((job) => job.tmp));
    p.progress.writing = `the ${table} partitions (DuckDB COPY into ${TMP_DIR})`;
    const written = await writePartitions({ conns: await p.conns(), layout: stager.layout, jobs });
    for (const { job, entry } of written) {
      await p.step({ step: "file-written", path: job.rel, changed: entry !== null });
      if (entry === null) {
        await rm(job.tmp, { force: true });
        continue;
      }
      files.set(table, [...(files.get(table) ?? []), entry]);
      moves.push({ from: path.relative(p.dir, job.tmp), to: job.rel, sha256: entry.sha256 });
      added += entry.rows - (job.before?.rows ?? 0);
    }
    rowsByTable[table] = { staged: stager.stagedRows, added };
  }
  const tables = applySpecChanges(p.spec, { files, gaps: p.pending.gaps, coverage: p.pending.coverage });
  const freshness = p.pending.freshness ?? p.spec?.freshness;
  if (moves.length === 0 && isSameContent(p.spec, { tables, freshness })) {
    return { result: { version: p.spec?.version ?? 0, changedFiles: [], rowsByTable }, installed: null };
  }
  const next = parseDatasetSpec({
    version: (p.spec?.version ?? 0) + 1,
    schema_version: SCHEMA_VERSION,
    update_time: new Date(p.nowMs()).toISOString(),
    tables,
    ...(freshness && { freshness: [...freshness] }),
  });
  await installCommit({ dir: p.dir, moves, spec: next, progress: p.progress, step: p.step });
  return {
    result: { version: next.version, changedFiles: moves.map((m) => m.to), rowsByTable },
    installed: next,
  };
}

/** One job per partition that got rows: where its merged file goes and whether keys must be deduplicated. */
function partitionJobs(p: CommitStagedParams, table: TableName, stager: TableStager): PartitionJob[] {
  const existing = new Map((p.spec?.tables[table]?.files ?? []).map((f) => [f.path, f]));
  const jobs: PartitionJob[] = [];
  for (const [pid, rel] of stager.partitions.entries()) {
    if (stager.stagedByPartition[pid] === 0) continue;
    const before = existing.get(rel);
    const abs = path.join(p.dir, rel);
    const dedupe =
      stager.mayRepeatKeys[pid]! ||
      (before !== undefined &&
        (mergePolicyOf(table).kind === "snapshot" ||
          before.max_ts === null ||
          Date.parse(before.max_ts) >= stager.minTsByPartition[pid]!));
    // A `all` file's rows end where the year the files were chosen in begins.
    const range = partitionTimeRange(rel, p.layoutNowMs());
    const existingFile = before && existsSync(abs) ? abs : null;
    const segments = stager.segments.filter((s) => s.pids.has(pid));
    jobs.push({
      rel,
      before,
      existingFile,
      tmp: p.tmpFile(),
      dedupe,
      staged: stager.stagedPartition(pid, range),
      segments,
      range,
      // Staged rows alone, every key once: the file holds exactly what was staged.
      stagedStats: existingFile === null && segments.length === 0 && !dedupe ? stager.stagedStats(pid) : null,
    });
  }
  return jobs;
}
