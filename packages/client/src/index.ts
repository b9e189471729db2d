export { Dataset } from "./Dataset.js";
export type { DatasetLogger, DatasetOptions } from "./Dataset.js";
export type { DatasetFreshness } from "./source/read-freshness.js";
export { Token } from "./Token.js";
export type { TokenOptions } from "./Token.js";
export { Tokens } from "./Tokens.js";
export {
  CexdataError,
  OptionalDependencyError,
  DatasetAccessError,
  DatasetUnavailableError,
  IntegrityError,
  InvalidArgumentError,
  RevisionNotFoundError,
  SpecError,
  UnknownTokenError,
} from "./errors/index.js";
export { SchemaVersionError, SCHEMA_VERSION } from "@cexdata/schema";
export type {
  BasisOptions,
  BasisRow,
  Candle,
  LongShortRatio,
  PriceCandle,
  PriceCandleOptions,
  BookDepth,
  BookDepthOptions,
  Coverage,
  CoverageOptions,
  FundingRate,
  Liquidation,
  MarketInfo,
  OhlcvOptions,
  OpenInterest,
  SeriesOptions,
  TokenInfo,
  UniverseOptions,
} from "./query/row-types.js";
export type { TimeInput } from "./query/normalize-args.js";
export type { CoverageWindow } from "./query/query-coverage.js";
export type { TransferStats } from "./cache/ensure-local-files.js";
export type { PlainRow, PlainValue } from "./duckdb/plain-value.js";
export type { ColumnTable, ColumnValues, StringColumn } from "./duckdb/read-columns.js";
export type {
  ArrowTable,
  ClientColumns,
  ResultShape,
  ShapeOption,
  SqlResult,
  TableResult,
} from "./query/result-types.js";
export { findDefaultCacheDir } from "./cache/default-cache-dir.js";
export type { Interval, Market } from "@cexdata/schema";
export * from "./analytics/index.js";
export * from "./tearsheet/index.js";
