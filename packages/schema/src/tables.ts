import { z } from "zod";
import type { Columns } from "./columns.js";
import type { Market, NativeInterval } from "./enums.js";
import { bookDepth, ohlcv1d, ohlcv1h, ohlcv1m } from "./market-tables.js";
import {
  fundingPredictions,
  fundingRates,
  indexOhlcv1h,
  liquidations,
  longShortRatios,
  markOhlcv1h,
  openInterest,
  premiumIndexOhlcv1h,
} from "./perp-tables.js";
import { coverage, exchangeInfo, tokenInfo } from "./snapshot-tables.js";
import type { MergeRule, PartitionRule, TableKind } from "./table-def.js";

// The tables are declared by family (spot and perp series, perpetual series, snapshots); TABLES
// assembles them in the dataset's order, which report lists and docs follow.
export type { MergeRule, PartitionRule, TableDef, TableKind } from "./table-def.js";
export * from "./market-tables.js";
export * from "./perp-tables.js";
export * from "./snapshot-tables.js";

/** Every table of the dataset, by name. The only list of tables there is. */
export const TABLES = {
  ohlcv_1m: ohlcv1m,
  ohlcv_1h: ohlcv1h,
  ohlcv_1d: ohlcv1d,
  funding_rates: fundingRates,
  open_interest: openInterest,
  liquidations,
  exchange_info: exchangeInfo,
  token_info: tokenInfo,
  mark_ohlcv_1h: markOhlcv1h,
  index_ohlcv_1h: indexOhlcv1h,
  premium_index_ohlcv_1h: premiumIndexOhlcv1h,
  long_short_ratios: longShortRatios,
  funding_predictions: fundingPredictions,
  coverage,
  book_depth: bookDepth,
} as const;

export type Tables = typeof TABLES;
export type TableName = keyof Tables;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];
export const tableNameSchema = z.enum(TABLE_NAMES as [TableName, ...TableName[]]);

export function isTableName(name: string): name is TableName {
  return Object.hasOwn(TABLES, name);
}

/** Any table, seen through the parts every table has (for code that walks all tables). */
export interface AnyTable {
  readonly name: TableName;
  readonly doc: string;
  readonly kind: TableKind;
  readonly cadence?: NativeInterval;
  readonly presentOnly?: true;
  readonly markets: readonly Market[];
  readonly merge: MergeRule;
  readonly freshFrom: "newest-row" | "last-run";
  readonly columns: Columns;
  readonly key: readonly string[];
  readonly partition: PartitionRule;
  readonly timeColumn: string;
}

export function tableDef(name: TableName): AnyTable {
  return TABLES[name] as unknown as AnyTable;
}
