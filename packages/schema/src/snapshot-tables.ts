import { col, nullable } from "./columns.js";
import { MARKETS } from "./enums.js";
import { base, defineTable, exchange, market, quote, symbol } from "./table-def.js";

/** What every snapshot table shares: one state per key for every market, the newest wins; fresh as of the last run. */
const SNAPSHOT = { kind: "snapshot", markets: MARKETS, merge: "snapshot", freshFrom: "last-run" } as const;

/**
 * What the reference tables (exchange_info, token_info) share besides: thousands of small rows, so one
 * file keeps the Hub commit and the client's download small; their time is when the pipeline last
 * read or derived a row.
 */
const REFERENCE = {
  ...SNAPSHOT,
  partition: { byBase: false, period: "none" },
  timeColumn: "updated_at",
} as const;

export const exchangeInfo = defineTable({
  name: "exchange_info",
  doc: "Every spot and perpetual market of the configured exchanges, as last seen; a market that stops trading or vanishes keeps its row (active = false, delisted_at).",
  ...REFERENCE,
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
});

export const tokenInfo = defineTable({
  name: "token_info",
  doc: "One row per base asset across the exchanges, derived from exchange_info and the stored series.",
  ...REFERENCE,
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
