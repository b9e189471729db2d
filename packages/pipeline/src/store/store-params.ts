import type { CommitStep } from "./install-commit.js";

export interface OpenDatasetStoreParams {
  /** The dataset directory (holds spec.json and data/); created if missing. */
  readonly dir: string;
  /** The clock for spec.json's update_time; defaults to `Date.now`. */
  readonly nowMs?: () => number;
  /** DuckDB threads; default: the number of cores. */
  readonly threads?: number;
  /** DuckDB memory limit for merging, reads and SQL work, past which it spills to disk; default "512MB". */
  readonly memoryLimit?: string;
  /**
   * DuckDB's memory budget while `stage()` appends rows (at most `memoryLimit`), past which staged
   * rows wait in temp files for the commit; default "48MB" (see staging-memory.ts).
   */
  readonly stagingMemoryLimit?: string;
  /** Called at each step of a commit (for progress logs, and for crash tests). */
  readonly onCommitStep?: (step: CommitStep) => void | Promise<void>;
}
