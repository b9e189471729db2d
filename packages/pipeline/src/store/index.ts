export { DatasetStore } from "./dataset-store.js";
export { openDatasetStore } from "./open-dataset-store.js";
export type { OpenDatasetStoreParams, CompactionResult } from "./dataset-store.js";
export type { CommitResult } from "./commit-staged.js";
export type { CommitStep } from "./install-commit.js";
export { migrateLayout, type MigrateLayoutParams } from "./migrate-layout.js";
export type { Compaction } from "./compact-layout.js";
export type { SeriesRef } from "./read-watermark.js";
export type { StagingQuery } from "./stage-query.js";
export type { StagingParts } from "./stage-parts.js";
export { openDuckDB, quoteSqlString, quoteIdentifier } from "./duckdb.js";
export type { OpenDuckDBParams, DuckDBHandle } from "./duckdb.js";
export { readSpec, writeSpec, formatSpec, SPEC_FILE } from "./manifest.js";
export { hashFile } from "./fs-atomic.js";
export {
  DatasetLockedError,
  DatasetRecoveryError,
  DatasetStoreStateError,
  StagedPartsError,
} from "./errors.js";
export { MERGE_POLICIES, mergePolicyOf } from "./merge-policy.js";
export type { MergePolicy } from "./merge-policy.js";
export { verifyDataset } from "./verify-dataset.js";
export type { VerifyDatasetParams, VerifyProblem, VerifyReport } from "./verify-dataset.js";
export type { SeriesCoverage, MissingRun, MissingStretch, SeriesRuns } from "./find-gaps.js";
export { findSeriesRuns, countOutsideRange, missingRuns, findGaps } from "./find-gaps.js";
export type { SeriesGaps as StoredSeriesGaps } from "./find-gaps.js";
export { DiskFullError, DatasetNotWritableError } from "./errors.js";
export { LocalDatasetError } from "./local-dataset-error.js";
export { readVerifiedDataset, filesOf, type LocalDataset } from "./read-local-dataset.js";
