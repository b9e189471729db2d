import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { DatasetSpec } from "@cexdata/schema";
import { syncPath } from "./fs-atomic.js";
import { TMP_DIR, applyJournal, writeJournal, type JournalMove } from "./journal.js";
import { prepareSpec } from "./manifest.js";

export type CommitStep =
  | { readonly step: "file-written"; readonly path: string; readonly changed: boolean }
  | { readonly step: "journal-written" }
  | { readonly step: "file-moved"; readonly path: string }
  | { readonly step: "spec-written"; readonly version: number };

/** How far a commit got, for its error: what it was writing, its temp files, whether it is journaled. */
export interface CommitProgress {
  writing: string;
  readonly temps: string[];
  journaled: boolean;
}

export function newCommitProgress(): CommitProgress {
  return { writing: "the commit's temp directory", temps: [], journaled: false };
}

/**
 * Puts a commit whose files are written (fsynced under TMP_DIR) in place: the next spec.json is
 * prepared, the journal written, then files are renamed, spec.json installed and `deletes` removed
 * (see journal.ts: a kill at any point leaves the old version or rolls forward to the new one).
 */
export async function installCommit(params: {
  readonly dir: string;
  readonly moves: readonly JournalMove[];
  readonly spec: DatasetSpec;
  readonly deletes?: readonly string[];
  readonly progress: CommitProgress;
  readonly step: (step: CommitStep) => void | Promise<void>;
}): Promise<void> {
  const { dir, moves, spec, progress, step } = params;
  // Everything that takes space is written before the journal: after it, a commit only renames,
  // so a full disk cannot stop it half way with some files moved and spec.json not yet written.
  progress.writing = "the partition directories";
  for (const move of moves) await mkdir(path.dirname(path.join(dir, move.to)), { recursive: true });
  progress.writing = "the next spec.json";
  progress.temps.push(await prepareSpec(dir, spec));
  await syncPath(path.join(dir, TMP_DIR));
  progress.writing = "the commit journal";
  const journal = { moves, spec, ...(params.deletes?.length ? { deletes: params.deletes } : {}) };
  await writeJournal(dir, journal);
  progress.journaled = true;
  progress.writing = "the commit (moving files into place)";
  await step({ step: "journal-written" });
  await applyJournal(dir, journal, async (moved) => step({ step: "file-moved", path: moved }));
  await step({ step: "spec-written", version: spec.version });
}
