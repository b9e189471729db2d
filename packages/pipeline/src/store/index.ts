export { openDatasetStore, DatasetStore } from "./dataset-store.js";
export type { OpenDatasetStoreParams, CommitResult, CommitStep } from "./dataset-store.js";
export type { SeriesRef } from "./read-watermark.js";
export type { StagingQuery } from "./stage-query.js";
export { openDuckDB, quoteSqlString, quoteIdentifier } from "./duckdb.js";
export type { OpenDuckDBParams, DuckDBHandle } from "./duckdb.js";
export { readSpec, writeSpec, formatSpec, SPEC_FILE } from "./manifest.js";
export { hashFile } from "./fs-atomic.js";
export { DatasetLockedError, DatasetRecoveryError, DatasetStoreStateError } from "./errors.js";
export { MERGE_POLICIES, mergePolicyOf } from "./merge-policy.js";
export type { MergePolicy } from "./merge-policy.js";
export { verifyDataset } from "./verify-dataset.js";
export type { VerifyDatasetParams, VerifyProblem, VerifyReport } from "./verify-dataset.js";
export type { SeriesCoverage, MissingRun } from "./find-series-gaps.js";
export { DiskFullError, DatasetNotWritableError } from "./errors.js";
export {
  mergeDatasetShards,
  type MergeDatasetShardsParams,
  type MergeDatasetShardsResult,
} from "./merge-shards.js";
export { LocalDatasetError } from "./local-dataset-error.js";
export { readVerifiedDataset, filesOf, type LocalDataset } from "./read-local-dataset.js";
