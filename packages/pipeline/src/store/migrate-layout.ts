import type { CompactionResult, OpenDatasetStoreParams } from "./dataset-store.js";
import { openDatasetStore } from "./open-dataset-store.js";

export interface MigrateLayoutParams {
  /** The dataset directory. */
  readonly dir: string;
  /** The clock that says which years have closed; defaults to `Date.now`. */
  readonly nowMs?: () => number;
  readonly onCommitStep?: OpenDatasetStoreParams["onCommitStep"];
}

/**
 * Brings a dataset written with every month in its own file (schema 1.1 and earlier) to the current
 * layout: each closed year's liquidation and book-depth months become its `YYYY` file, and the
 * closed years' files of the small yearly tables (funding, open interest, ...) the base's `closed`
 * file, through the store (one journaled commit, spec.json last, the replaced files removed after
 * it). Rerunnable: a
 * killed migration is rolled forward or redone by the next, and a migrated dataset is left as it is.
 * Every store commit does the same first, so a scheduled run migrates too; this does it alone.
 */
export async function migrateLayout(params: MigrateLayoutParams): Promise<CompactionResult> {
  const store = await openDatasetStore({
    dir: params.dir,
    ...(params.nowMs && { nowMs: params.nowMs }),
    ...(params.onCommitStep && { onCommitStep: params.onCommitStep }),
  });
  try {
    return await store.compactLayout();
  } finally {
    await store.close();
  }
}
