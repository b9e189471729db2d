/** One commit of a batched publish. */
export interface PlannedCommit {
  /** Data files this commit uploads. */
  readonly uploads: readonly string[];
  /** True for the commit that writes spec.json and the card: the one that makes the version visible. */
  readonly publishesSpec: boolean;
  /** Data files this commit deletes: only in or after the spec commit, never before. */
  readonly deletes: readonly string[];
}

/**
 * Splits a publish into commits of at most `maxOperations` operations each, as few as that allows:
 * data files first (readers still see the previous spec, which never lists a file these add, and
 * reads every file at its own commit), then one commit with the rest of the files, spec.json and the
 * card (`specOperations`: 1 or 2) and as many deletions as fit, then the remaining deletions.
 * Files only an older spec lists are thus never deleted before the newer spec is committed.
 */
export function planCommits(p: {
  uploads: readonly string[];
  deletes: readonly string[];
  specOperations: number;
  maxOperations: number;
}): PlannedCommit[] {
  const { specOperations, maxOperations } = p;
  if (!Number.isInteger(maxOperations) || maxOperations < specOperations + 1) {
    throw new RangeError(
      `maxOperations must be an integer of at least ${specOperations + 1}, got ${maxOperations}`,
    );
  }
  const commits: PlannedCommit[] = [];
  const uploads = [...p.uploads];
  while (uploads.length > maxOperations - specOperations) {
    commits.push({ uploads: uploads.splice(0, maxOperations), publishesSpec: false, deletes: [] });
  }
  const deletes = [...p.deletes];
  const room = maxOperations - specOperations - uploads.length;
  commits.push({ uploads, publishesSpec: true, deletes: deletes.splice(0, room) });
  while (deletes.length > 0) {
    commits.push({ uploads: [], publishesSpec: false, deletes: deletes.splice(0, maxOperations) });
  }
  return commits;
}

/** Deletions alone, in commits of at most `maxOperations` (finishing a publish stopped after its spec). */
export function planDeletions(deletes: readonly string[], maxOperations: number): PlannedCommit[] {
  const out: PlannedCommit[] = [];
  for (let i = 0; i < deletes.length; i += maxOperations) {
    out.push({ uploads: [], publishesSpec: false, deletes: deletes.slice(i, i + maxOperations) });
  }
  return out;
}
