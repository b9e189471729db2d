import { readdir } from "node:fs/promises";
import path from "node:path";
import { datasetSpecSchema, parsePartitionPath, type DatasetSpec } from "@cexdata/schema";
import { DatasetRecoveryError } from "./errors.js";
import { hashFile, readTextIfExists, removeIfExists, renameDurably, writeFileAtomic } from "./fs-atomic.js";
import { installSpec } from "./manifest.js";

/**
 * A commit is a redo log. Every new file is first written and fsynced under `.cexdata/tmp/`; then
 * the journal (the moves to make and the complete next spec.json) is written atomically; then the
 * files are renamed into place and spec.json is written last; then the journal is removed.
 * Killed before the journal exists: the dataset is the old version and the temp files are
 * orphans, removed on open. Killed after: open rolls the commit forward, so the result is exactly
 * the uninterrupted one (same version, same update_time, same bytes).
 */
export const WORK_DIR = ".cexdata";
export const TMP_DIR = `${WORK_DIR}/tmp`;
const JOURNAL = `${WORK_DIR}/journal.json`;

export interface JournalMove {
  /** Relative to the dataset directory. */
  readonly from: string;
  readonly to: string;
  readonly sha256: string;
}

export interface Journal {
  readonly moves: readonly JournalMove[];
  readonly spec: DatasetSpec;
  /**
   * Data files the new spec no longer lists (a closed year's months, compacted into its file),
   * removed after spec.json is in place: a reader of the old spec never misses one of its files
   * before the new spec is there, and a killed commit removes them when rolled forward.
   */
  readonly deletes?: readonly string[];
}

export async function writeJournal(dir: string, journal: Journal): Promise<void> {
  await writeFileAtomic(path.join(dir, JOURNAL), JSON.stringify(journal));
}

/** Applies a journal's moves (idempotently) and its spec, then removes it. */
export async function applyJournal(
  dir: string,
  journal: Journal,
  onMoved: (to: string) => void | Promise<void> = () => undefined,
): Promise<void> {
  for (const move of journal.moves) {
    const from = path.join(dir, move.from);
    const to = path.join(dir, move.to);
    try {
      await renameDurably(from, to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      // Already moved by the interrupted run: the file in place must be the one journaled.
      const found = await hashFile(to).catch(() => null);
      if (found?.sha256 !== move.sha256) {
        throw new DatasetRecoveryError(`journaled file ${move.to} is missing or differs`, dir);
      }
    }
    await onMoved(move.to);
  }
  await installSpec(dir, journal.spec);
  for (const rel of journal.deletes ?? []) await removeIfExists(path.join(dir, rel));
  await removeIfExists(path.join(dir, JOURNAL));
}

/** Finishes an interrupted commit, if any; returns whether there was one. */
export async function recoverJournal(dir: string): Promise<boolean> {
  const text = await readTextIfExists(path.join(dir, JOURNAL));
  if (text === null) return false;
  let journal: Journal;
  try {
    const raw = JSON.parse(text) as { moves?: unknown; spec?: unknown; deletes?: unknown };
    if (!Array.isArray(raw.moves)) throw new Error("no moves");
    const deletes = raw.deletes ?? [];
    // Only partition files are ever deleted: a damaged journal must not name anything else.
    if (!Array.isArray(deletes) || !deletes.every((d) => typeof d === "string" && parsePartitionPath(d)))
      throw new Error("deletes that are not partition files");
    journal = {
      moves: raw.moves as JournalMove[],
      spec: datasetSpecSchema.parse(raw.spec),
      deletes: deletes as string[],
    };
  } catch (error) {
    throw new DatasetRecoveryError(`unreadable commit journal: ${(error as Error).message}`, dir);
  }
  await applyJournal(dir, journal);
  return true;
}

/** Removes temp files left by a killed writer (after any journal has been applied). */
export async function removeOrphans(dir: string): Promise<void> {
  await removeIfExists(path.join(dir, TMP_DIR));
  const work = path.join(dir, WORK_DIR);
  const names = await readdir(work).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith("duckdb-") || name.endsWith(".tmp")) await removeIfExists(path.join(work, name));
  }
  const specTmp = await readdir(dir).catch(() => [] as string[]);
  for (const name of specTmp) {
    if (/^spec\.json\.\d+\.tmp$|^\.cexdata-probe-\d+\.tmp$/.test(name))
      await removeIfExists(path.join(dir, name));
  }
}
