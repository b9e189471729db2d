import { z } from "zod";
import { col, nullable } from "./columns.js";
import { base, defineTable, exchange, quote, symbol } from "./table-def.js";

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
