import { z } from "zod";
import { col, nullable } from "./columns.js";
import { MARKETS, type NativeInterval } from "./enums.js";
import { base, defineTable, exchange, market, quote, symbol, type PartitionRule } from "./table-def.js";

// The series tables of spot and perpetual markets alike (keyed by market): trade candles, book depth.

/** What they share: rows for every market, settled by the key (see MergeRule), fresh as of the newest row. */
const EVERY_MARKET = { markets: MARKETS, merge: "time-series", freshFrom: "newest-row" } as const;

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
    ...EVERY_MARKET,
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

export const bookDepth = defineTable({
  name: "book_depth",
  doc: "Order book depth: Binance's archived depth within 1..5 % of the mid, one snapshot a minute; elsewhere the top levels taken by each scheduled run (sparse).",
  // Snapshots come when taken (no cadence): a run's REST snapshot, the archive's minutes.
  kind: "event-series",
  ...EVERY_MARKET,
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
