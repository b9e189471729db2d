import { col, type Columns } from "./columns.js";
import {
  assetSchema,
  exchangeIdSchema,
  marketSchema,
  symbolSchema,
  type Market,
  type NativeInterval,
} from "./enums.js";

/**
 * How a table's files are cut: by base asset (a query for one token downloads only its files),
 * and by time where the table grows without bound (an incremental run rewrites only the files it changed).
 */
export interface PartitionRule {
  readonly byBase: boolean;
  /** `month` -> `2024-01`, `year` -> `2024`, `none` -> `all`. */
  readonly period: "month" | "year" | "none";
  /**
   * What a year becomes once it has closed, so that a base's file count stops growing by a period a
   * period (the Hub's 100k files per repo; see docs/ARCHITECTURE.md):
   * - with `period: "month"`, its months are one `YYYY` file: a base holds at most 12 month files plus
   *   one per closed year, and a daily run rewrites only the open month's file;
   * - with `period: "year"`, its file joins the base's one `all` file of every closed year: a base
   *   holds at most 2 files (for tables tiny per base, where the closed file is rewritten once a year,
   *   or when a backfill or late row lands in a closed year).
   */
  readonly compactClosedYears?: boolean;
  /** The timestamp column the period is taken from. */
  readonly timeColumn?: string;
}

/**
 * What a table's rows are, which decides how every layer treats it:
 * - `candle-series`: one closed candle per `cadence` (fetched page by page, aligned, never the one forming);
 * - `event-series`: rows at the times things happened (fundings, liquidations; hourly snapshots of open
 *   interest are events with a `cadence`);
 * - `snapshot`: the state of something now (a market, a token), replaced by its next reading.
 */
export type TableKind = "candle-series" | "event-series" | "snapshot";

/**
 * How the store settles two rows with one key: `time-series` keeps what is stored (the archive, the
 * exchange's own record, over both); `snapshot` keeps the newest by the table's time column.
 */
export type MergeRule = "time-series" | "snapshot";

export interface TableDef<C extends Columns = Columns, K extends TableKind = TableKind> {
  readonly name: string;
  readonly doc: string;
  readonly kind: K;
  /**
   * The period each row covers, where rows come at a fixed step and close like candles (a candle's
   * interval, open interest's hourly snapshot). Absent where rows come when things happen.
   */
  readonly cadence?: NativeInterval;
  /**
   * Set where the exchanges serve only the present value, never its history (a predicted funding
   * rate): each run reads it once per `cadence` step and stores it at the step's start. The step
   * running now is stored (a reading, not a forming candle); a step no run read is lost, a gap no
   * later fetch can fill. Needs a `cadence`.
   */
  readonly presentOnly?: true;
  /** The markets the table has rows for (funding exists for perpetuals only). */
  readonly markets: readonly Market[];
  readonly merge: MergeRule;
  /**
   * What a table's age is measured from: its newest stored row, or the last run that fetched it,
   * where a quiet market stores no rows (liquidations) or the rows are snapshots.
   */
  readonly freshFrom: "newest-row" | "last-run";
  readonly columns: C;
  /** The grain: no two stored rows share these values. Also the sort order of every file. */
  readonly key: readonly (keyof C & string)[];
  readonly partition: PartitionRule;
  /** The column a table's time range (min_ts / max_ts in spec.json) is measured on. */
  readonly timeColumn: keyof C & string;
}

/** A table, as declared: the literal types of its columns and kind are kept for the row types. */
export function defineTable<const C extends Columns, const K extends TableKind>(
  def: TableDef<C, K>,
): TableDef<C, K> {
  return def;
}

// The identity columns most tables start with, declared once.
export const exchange = col.text("ccxt exchange id, e.g. `binance`", exchangeIdSchema);
export const market = col.text("`spot`, or `perp` for a linear perpetual swap", marketSchema);
export const symbol = col.text("ccxt unified symbol, e.g. `BTC/USDT` or `BTC/USDT:USDT`", symbolSchema);
export const base = col.text("base asset, upper case, e.g. `BTC`", assetSchema);
export const quote = col.text("quote asset, upper case, e.g. `USDT`", assetSchema);
