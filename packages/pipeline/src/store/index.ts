export { openDatasetStore, DatasetStore } from "./dataset-store.js";
export type { OpenDatasetStoreParams, CommitResult, CommitStep } from "./dataset-store.js";
export type { SeriesRef } from "./read-watermark.js";
export { openDuckDB, quoteSqlString, quoteIdentifier } from "./duckdb.js";
export type { OpenDuckDBParams, DuckDBHandle } from "./duckdb.js";
export { readSpec, writeSpec, formatSpec, SPEC_FILE } from "./manifest.js";
export { hashFile } from "./fs-atomic.js";
export { DatasetLockedError, DatasetRecoveryError, DatasetStoreStateError } from "./errors.js";
export { PRECEDENCE } from "./staging.js";
