// The public API of @cexdata/pipeline: the stable entry points behind the `cexdata` CLI, for scripts,
// self-hosted schedulers and tests. Only re-exports; everything else is internal and may change.

// One cycle and its report.
export { runCycle, type RunCycleParams, type RunCycleResult } from "./run/run-cycle.js";
export type { Logger } from "./log/create-logger.js";
export type {
  NotServed,
  RunReport,
  SeriesFailure,
  SeriesGaps,
  TableExchangeCounts,
} from "./report/run-report.js";

// Configuration.
export { ConfigError, loadConfig, parseConfig } from "./config/load-config.js";
export { DEFAULT_CONFIG, type PipelineConfig, type PipelineConfigInput } from "./config/config-schema.js";

// Exchanges.
export { createAdapter } from "./exchanges/registry.js";
export type { AdapterParams } from "./exchanges/create-ccxt-exchange.js";
export type { ExchangeAdapter, SeriesRef, SeriesTable } from "./exchanges/types.js";
export {
  applyExchangeUrlOverride,
  exchangeUrlVariable,
  ExchangeUrlOverrideError,
} from "./exchanges/url-override.js";
export { applyExchangeProxy, exchangeProxyVariable } from "./proxy/apply-exchange-proxy.js";
export { ProxyConfigError, resolveProxy, type ResolvedProxy } from "./proxy/resolve-proxy.js";
export { ProxyRefusedError } from "./proxy/create-proxy-dispatcher.js";

// Validation and the store.
export {
  validateRows,
  type RejectedRow,
  type RowSource,
  type ValidationContext,
  type ValidationResult,
} from "./validate/index.js";
// The one ingest path: validate -> quarantine -> stage -> counts, for rows from any source.
export {
  emptyCounts,
  ingestRows,
  storeSink,
  type IngestCounts,
  type IngestParams,
  type IngestResult,
  type IngestSink,
} from "./ingest/index.js";
export {
  DatasetLockedError,
  DatasetRecoveryError,
  migrateLayout,
  openDatasetStore,
  verifyDataset,
  type CommitResult,
  type CompactionResult,
  type MigrateLayoutParams,
  type DatasetStore,
  type OpenDatasetStoreParams,
  type VerifyDatasetParams,
  type VerifyProblem,
  type VerifyReport,
} from "./store/index.js";

// Binance archives.
export {
  backfillFromArchive,
  type ArchiveBackfillResult,
  type BackfillFromArchiveParams,
} from "./sources/archive/index.js";

// Merging shard datasets into one, then publishing it to the Hub.
export { LocalDatasetError } from "./store/index.js";
export {
  mergeDatasetShards,
  type MergeDatasetShardsParams,
  type MergeDatasetShardsResult,
} from "./shards/index.js";
export {
  publishDataset,
  PublishError,
  pullDataset,
  recentPartitions,
  squashHistory,
  checkLayout,
  measureLayout,
  versionTag,
  HUB_LAYOUT_LIMITS,
  type LayoutLimits,
  type LayoutReport,
  type SquashHistoryParams,
  type SquashHistoryResult,
  type PublishDatasetParams,
  type PublishErrorCode,
  type PublishResult,
  type PullDatasetParams,
  type PullDatasetResult,
} from "./publish/index.js";

// Websocket liquidation collectors.
export {
  collectLiquidations,
  createProExchange,
  mergeWalIntoDataset,
  type CollectLiquidationsParams,
  type MergeWalResult,
} from "./collect/index.js";

// Logging, for processes built on the pipeline (the server) to log the same way.
export { createLogger, scrubSecrets, type CreateLoggerParams } from "./log/create-logger.js";
