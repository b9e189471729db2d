import { z } from "zod";
import { col, nullable, type Columns } from "./columns.js";
import {
  assetSchema,
  exchangeIdSchema,
  marketSchema,
  symbolSchema,
  MARKETS,
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

function defineTable<const C extends Columns, const K extends TableKind>(
  def: TableDef<C, K>,
): TableDef<C, K> {
  return def;
}

const exchange = col.text("ccxt exchange id, e.g. `binance`", exchangeIdSchema);
const market = col.text("`spot`, or `perp` for a linear perpetual swap", marketSchema);
const symbol = col.text("ccxt unified symbol, e.g. `BTC/USDT` or `BTC/USDT:USDT`", symbolSchema);
const base = col.text("base asset, upper case, e.g. `BTC`", assetSchema);
const quote = col.text("quote asset, upper case, e.g. `USDT`", assetSchema);

function ohlcvTable<const N extends string>(
  name: N,
  span: string,
  cadence: NativeInterval,
  period: PartitionRule["period"],
) {
  return defineTable({
    name,
    doc: `Closed ${span} candles, spot and perpetual. The candle still forming is never stored.`,
    kind: "candle-series",
    cadence,
    markets: MARKETS,
    merge: "time-series",
    freshFrom: "newest-row",
    columns: {
      exchange,
      market,
      symbol,
      ts: col.timestamp("open time of the candle, UTC"),
      base,
      quote,
      open: col.price("first trade price"),
      high: col.price("highest trade price"),
      low: col.price("lowest trade price"),
      close: col.price("last trade price"),
      volume: col.amount("traded volume in base units"),
      quote_volume: nullable(col.amount("traded volume in quote units")),
      trades: nullable(col.count("number of trades, where the exchange reports it")),
    },
    key: ["exchange", "market", "symbol", "ts"],
    partition: { byBase: true, period, timeColumn: "ts" },
    timeColumn: "ts",
  });
}

export const ohlcv1m = ohlcvTable("ohlcv_1m", "1-minute", "1m", "month");
export const ohlcv1h = ohlcvTable("ohlcv_1h", "1-hour", "1h", "year");
export const ohlcv1d = ohlcvTable("ohlcv_1d", "1-day", "1d", "none");

/** What every perpetual-only series table shares (the rest is its own). */
const PERP_SERIES = {
  kind: "event-series",
  markets: ["perp"],
  merge: "time-series",
  key: ["exchange", "symbol", "ts"],
  partition: { byBase: true, period: "year", timeColumn: "ts" },
  timeColumn: "ts",
} as const;

export const fundingRates = defineTable({
  name: "funding_rates",
  doc: "Funding payments of perpetual swaps, one row per funding time.",
  ...PERP_SERIES,
  freshFrom: "newest-row",
  columns: {
    exchange,
    symbol,
    ts: col.timestamp("funding time, UTC, as the exchange reports it (Binance's carry a few ms)"),
    base,
    quote,
    funding_rate: col.number("rate paid from longs to shorts for one interval (0.0001 = 0.01%)"),
    mark_price: nullable(col.price("mark price at the funding time, where the exchange reports it")),
    interval_hours: col.number("hours between fundings for this contract at this time (8, 4 or 1)"),
  },
});

export const openInterest = defineTable({
  name: "open_interest",
  doc: "Open interest of perpetual swaps, hourly snapshots.",
  ...PERP_SERIES,
  // Exchanges disagree on serving the current hour, so a snapshot waits until its hour has closed.
  cadence: "1h",
  freshFrom: "newest-row",
  columns: {
    exchange,
    symbol,
    ts: col.timestamp("snapshot time, UTC"),
    base,
    quote,
    open_interest: col.amount("open contracts in base units, each counted once (one side: longs = shorts)"),
    open_interest_value: nullable(col.amount("open interest in quote units, one side")),
  },
});

export const liquidations = defineTable({
  name: "liquidations",
  doc: "Forced liquidations of perpetual positions, from REST history and websocket collectors.",
  ...PERP_SERIES,
  freshFrom: "last-run",
  columns: {
    exchange,
    symbol,
    ts: col.timestamp("event time, UTC"),
    id: col.text("exchange's id for the event, or a content hash where it gives none"),
    base,
    quote,
    side: col.text("side of the position liquidated: `long` or `short`", z.enum(["long", "short"])),
    price: col.price("price of the liquidation order"),
    amount: col.amount("size liquidated, base units"),
    value: col.amount("price * amount, quote units"),
  },
  key: ["exchange", "symbol", "ts", "id"],
  partition: { byBase: true, period: "month", timeColumn: "ts" },
});

export const exchangeInfo = defineTable({
  name: "exchange_info",
  doc: "Every spot and perpetual market of the configured exchanges, as last seen.",
  kind: "snapshot",
  markets: MARKETS,
  merge: "snapshot",
  freshFrom: "last-run",
  columns: {
    exchange,
    symbol,
    market,
    base,
    quote,
    active: col.boolean("whether the market is trading"),
    contract_size: nullable(col.number("base units per contract (perpetuals)")),
    tick_size: nullable(col.number("price increment")),
    amount_step: nullable(col.number("amount increment")),
    min_amount: nullable(col.number("smallest order amount")),
    min_notional: nullable(col.number("smallest order value in quote units")),
    maker_fee: nullable(col.number("default maker fee rate")),
    taker_fee: nullable(col.number("default taker fee rate")),
    listed_at: nullable(col.timestamp("listing time, where the exchange reports it")),
    updated_at: col.timestamp("when the pipeline last read this market"),
  },
  key: ["exchange", "symbol"],
  // Thousands of small rows: one file keeps the Hub commit and the client's download small.
  partition: { byBase: false, period: "none" },
  timeColumn: "updated_at",
});

export const tokenInfo = defineTable({
  name: "token_info",
  doc: "One row per base asset across the exchanges, derived from exchange_info and the stored series.",
  kind: "snapshot",
  markets: MARKETS,
  merge: "snapshot",
  freshFrom: "last-run",
  columns: {
    base,
    name: nullable(col.text("asset name, where an exchange reports it")),
    exchanges: col.textList("exchanges listing the asset, in the client's default order"),
    markets: col.count("number of markets (spot and perp) with this base"),
    first_ts: nullable(col.timestamp("earliest stored candle of the asset")),
    last_ts: nullable(col.timestamp("latest stored candle of the asset")),
    updated_at: col.timestamp("when the pipeline derived this row"),
  },
  key: ["base"],
  partition: { byBase: false, period: "none" },
  timeColumn: "updated_at",
});

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
