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
      taker_buy_volume: nullable(
        col.amount("volume bought by takers, base units, where the exchange reports it (Binance)"),
      ),
      taker_buy_quote_volume: nullable(
        col.amount("volume bought by takers, quote units, where the exchange reports it (Binance)"),
      ),
    },
    key: ["exchange", "market", "symbol", "ts"],
    partition: { byBase: true, period, timeColumn: "ts" },
    timeColumn: "ts",
  });
}

export const ohlcv1m = ohlcvTable("ohlcv_1m", "1-minute", "1m", "month");
export const ohlcv1h = ohlcvTable("ohlcv_1h", "1-hour", "1h", "year");
export const ohlcv1d = ohlcvTable("ohlcv_1d", "1-day", "1d", "none");

const PERP_ONLY = ["perp"] as const;

/** What every perpetual-only series table shares (the rest is its own). */
const PERP_SERIES = {
  kind: "event-series",
  markets: PERP_ONLY,
  merge: "time-series",
  key: ["exchange", "symbol", "ts"],
  // Tiny per base (~26k rows a year at most): closed years share one file, so a base holds 2 files.
  partition: { byBase: true, period: "year", compactClosedYears: true, timeColumn: "ts" },
  timeColumn: "ts",
} as const;

/** The columns a perpetual-only series table starts with, in this order; `ts` says what its time is. */
function perpSeriesColumns(tsDoc: string) {
  return { exchange, symbol, ts: col.timestamp(tsDoc), base, quote };
}

export const fundingRates = defineTable({
  name: "funding_rates",
  doc: "Funding payments of perpetual swaps, one row per funding time.",
  ...PERP_SERIES,
  freshFrom: "newest-row",
  columns: {
    ...perpSeriesColumns("funding time, UTC, as the exchange reports it (Binance's carry a few ms)"),
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
    ...perpSeriesColumns("snapshot time, UTC"),
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
  partition: { byBase: true, period: "month", compactClosedYears: true, timeColumn: "ts" },
});

/**
 * Hourly candles of a perpetual's reference price: its mark price, its index (the spot basket) or its
 * premium index. Not traded, so no volume. Rows at a fixed hourly step that close like candles
 * (`cadence`): the hour still running is never stored and a missing hour is a gap. They are
 * `event-series`, not `candle-series`, which the schema keeps for the trade candles (ohlcv_*).
 */
function priceCandleTable<const N extends string>(name: N, doc: string, what: string, signed: boolean) {
  const value = (d: string) => (signed ? col.number(`${d} ${what}`) : col.price(`${d} ${what}`));
  return defineTable({
    name,
    doc,
    ...PERP_SERIES,
    cadence: "1h",
    freshFrom: "newest-row",
    columns: {
      ...perpSeriesColumns("open time of the candle, UTC"),
      open: value("first"),
      high: value("highest"),
      low: value("lowest"),
      close: value("last"),
    },
  });
}

export const markOhlcv1h = priceCandleTable(
  "mark_ohlcv_1h",
  "Closed 1-hour candles of the mark price of perpetual swaps: the price funding, PnL and liquidations use.",
  "mark price",
  false,
);
export const indexOhlcv1h = priceCandleTable(
  "index_ohlcv_1h",
  "Closed 1-hour candles of the index price of perpetual swaps: the exchange's spot basket the contract tracks.",
  "index price",
  false,
);
export const premiumIndexOhlcv1h = priceCandleTable(
  "premium_index_ohlcv_1h",
  "Closed 1-hour candles of the premium index of perpetual swaps ((impact price - index) / index, the input " +
    "of the funding rate); negative when the contract trades below its index.",
  "premium index (a fraction, 0.0001 = 0.01%)",
  true,
);

export const longShortRatios = defineTable({
  name: "long_short_ratios",
  doc:
    "Positioning of perpetual traders, hourly: the value at the top of each UTC hour. A ratio is longs / " +
    "shorts (1.5 = 60% long); null where the exchange does not publish it.",
  ...PERP_SERIES,
  // Exchanges publish an hour's statistics once it is over, as for open interest.
  cadence: "1h",
  freshFrom: "newest-row",
  columns: {
    ...perpSeriesColumns("top of the UTC hour the ratios were taken at"),
    top_trader_account_ratio: nullable(
      col.amount("long / short accounts among the top 20% of traders by margin (Binance, OKX)"),
    ),
    top_trader_position_ratio: nullable(
      col.amount("long / short position size of the top 20% of traders by margin (Binance, OKX)"),
    ),
    global_account_ratio: nullable(col.amount("long / short accounts among all traders")),
    taker_buy_sell_ratio: nullable(
      col.amount(
        "taker buy volume / taker sell volume (REST: the hour's; Binance's archive: the 5-minute period's)",
      ),
    ),
  },
});

export const fundingPredictions = defineTable({
  name: "funding_predictions",
  doc:
    "The funding rate each exchange predicts for a perpetual's next funding, read every hour: the exchanges " +
    "show it live and keep only the rate paid (funding_rates). A missed hour is a gap for good.",
  ...PERP_SERIES,
  // Read as of now (presentOnly): the first reading of each UTC hour is kept, so a rerun within the
  // hour adds nothing, and an hour no run read stays a gap.
  cadence: "1h",
  presentOnly: true,
  freshFrom: "newest-row",
  columns: {
    ...perpSeriesColumns("top of the UTC hour the prediction was read in"),
    funding_time: col.timestamp("the funding time it is predicted for (the next one), UTC"),
    funding_rate: col.number("the rate predicted, at the reading, for that funding (0.0001 = 0.01%)"),
    mark_price: nullable(col.price("mark price at the reading, where the same answer gives it (not OKX)")),
    index_price: nullable(col.price("index price at the reading, where the same answer gives it (not OKX)")),
  },
});

/** What every snapshot table shares: one state per key for every market, the newest wins; fresh as of the last run. */
const SNAPSHOT = { kind: "snapshot", markets: MARKETS, merge: "snapshot", freshFrom: "last-run" } as const;

export const exchangeInfo = defineTable({
  name: "exchange_info",
  doc: "Every spot and perpetual market of the configured exchanges, as last seen; a market that stops trading or vanishes keeps its row (active = false, delisted_at).",
  ...SNAPSHOT,
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
    delisted_at: nullable(
      col.timestamp(
        "when the market stopped trading: the exchange's delivery or delist time where it gives one, else the first run that saw it inactive or gone; null while it trades",
      ),
    ),
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
  ...SNAPSHOT,
  columns: {
    base,
    name: nullable(col.text("asset name, where an exchange reports it")),
    exchanges: col.textList("exchanges listing the asset, in the client's default order"),
    markets: col.count("number of markets (spot and perp) with this base that trade"),
    delisted_markets: nullable(
      col.count("number of its markets that no longer trade (kept in exchange_info)"),
    ),
    first_ts: nullable(col.timestamp("earliest stored candle of the asset")),
    last_ts: nullable(col.timestamp("latest stored candle of the asset")),
    updated_at: col.timestamp("when the pipeline derived this row"),
  },
  key: ["base"],
  partition: { byBase: false, period: "none" },
  timeColumn: "updated_at",
});

export const coverage = defineTable({
  name: "coverage",
  doc: "Per series and UTC day, how much of it is stored: derived from the stored rows by every run that touched the day.",
  // Derived, one state per (series, day): a later derivation of a day replaces the earlier one.
  ...SNAPSHOT,
  columns: {
    exchange,
    market,
    symbol,
    table_name: col.text("the series' table, e.g. `ohlcv_1m`"),
    day: col.timestamp("the UTC day, at 00:00"),
    base,
    expected: nullable(
      col.count(
        "rows due while the market was listed that day (candles, hourly snapshots); null for event tables",
      ),
    ),
    present: col.count("rows stored for the day"),
    missing_minutes: nullable(col.count("minutes of due rows that are not stored; null for event tables")),
    sources: col.textList("where the day's rows came from: `archive`, `rest`, `websocket`"),
    listed_all_day: col.boolean("whether the market was listed from 00:00 to 24:00"),
    zombie_rows: col.count(
      "zero-volume candles stored after the delisting: printed by the exchange, not trading",
    ),
    updated_at: col.timestamp("when a run last derived this row"),
  },
  key: ["exchange", "market", "symbol", "table_name", "day"],
  partition: { byBase: true, period: "none" },
  timeColumn: "day",
});

export const bookDepth = defineTable({
  name: "book_depth",
  doc: "Order book depth: Binance's archived depth within 1..5 % of the mid, one snapshot a minute; elsewhere the top levels taken by each scheduled run (sparse).",
  // Snapshots come when taken (no cadence): a run's REST snapshot, the archive's minutes.
  kind: "event-series",
  markets: MARKETS,
  merge: "time-series",
  freshFrom: "newest-row",
  columns: {
    exchange,
    market,
    symbol,
    ts: col.timestamp("snapshot time, UTC (Binance's archive: the minute of its first snapshot in it)"),
    side: col.text("`bid` or `ask`", z.enum(["bid", "ask"])),
    level: col.integer("1 = nearest the mid: the book level, or the percentage band (1..5 %)"),
    base,
    quote,
    price: nullable(col.price("the level's price (REST snapshots); null for a percentage band")),
    percentage: nullable(
      col.number("the band's bound in % of the mid, negative for bids (Binance's archive)"),
    ),
    amount: col.amount("base units: at this level, or within the band cumulatively (archive)"),
    notional: col.amount("quote units: price * amount at this level, or within the band cumulatively"),
  },
  key: ["exchange", "market", "symbol", "ts", "side", "level"],
  partition: { byBase: true, period: "month", compactClosedYears: true, timeColumn: "ts" },
  timeColumn: "ts",
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
