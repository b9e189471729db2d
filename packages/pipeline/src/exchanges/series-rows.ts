import {
  isKeyedByMarket,
  parseSymbol,
  type FundingRateRow,
  type LiquidationRow,
  type OhlcvRow,
  type OpenInterestRow,
  type Row,
  type SeriesTable,
} from "@cexdata/schema";
import { readEpochMs, readNullableNumber, readNumber } from "./parse-values.js";
import type { SeriesRef } from "./types.js";

/** The columns a series gives every row of it: which exchange, symbol, base, quote (and market). */
type IdentityColumn = "exchange" | "symbol" | "base" | "quote" | "market";

/**
 * A row of any series table: the identity columns from the series (base and quote parsed from its
 * symbol, market where the table has that column) and the table's own values. A new table's mapper
 * needs nothing else.
 */
export function seriesRow<T extends SeriesTable>(
  series: SeriesRef & { readonly table: T },
  values: Omit<Row<T>, IdentityColumn>,
): Row<T> {
  return { ...identityOf(series, isKeyedByMarket(series.table)), ...values } as unknown as Row<T>;
}

export interface CandleValues {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly quote_volume: number | null;
  readonly trades: number | null;
  /** Taker-buy volume, base and quote units, where the exchange gives it (Binance klines). */
  readonly taker_buy_volume?: number | null;
  readonly taker_buy_quote_volume?: number | null;
}

/**
 * A candle from an exchange's array form `[ts, open, high, low, close, ...]` (the layout every kline
 * endpoint shares): where the rest sits is the exchange's, by index; an absent index is null.
 */
export function candleFromArray(
  series: SeriesRef,
  a: readonly unknown[],
  at: {
    readonly volume: number;
    readonly quoteVolume?: number;
    readonly trades?: number;
    readonly takerBuyVolume?: number;
    readonly takerBuyQuoteVolume?: number;
  },
): OhlcvRow {
  const nullableAt = (i: number | undefined) => (i === undefined ? null : readNullableNumber(a[i]));
  return ohlcvRow(series, {
    ts: readEpochMs(a[0]),
    open: readNumber(a[1]),
    high: readNumber(a[2]),
    low: readNumber(a[3]),
    close: readNumber(a[4]),
    volume: readNumber(a[at.volume]),
    quote_volume: nullableAt(at.quoteVolume),
    trades: nullableAt(at.trades),
    taker_buy_volume: nullableAt(at.takerBuyVolume),
    taker_buy_quote_volume: nullableAt(at.takerBuyQuoteVolume),
  });
}

/** The open time and prices of an array candle `[ts, open, high, low, close, ...]`. */
export function ohlcFromArray(a: readonly unknown[]) {
  return {
    ts: readEpochMs(a[0]),
    open: readNumber(a[1]),
    high: readNumber(a[2]),
    low: readNumber(a[3]),
    close: readNumber(a[4]),
  };
}

/** Base and quote of a symbol, parsed once: every row of a series carries them. */
const partsBySymbol = new Map<string, { base: string; quote: string }>();

function identityOf(series: SeriesRef, withMarket: boolean) {
  let parts = partsBySymbol.get(series.symbol);
  if (parts === undefined) {
    const { base, quote } = parseSymbol(series.symbol);
    partsBySymbol.set(series.symbol, (parts = { base, quote }));
  }
  const { base, quote } = parts;
  return withMarket
    ? { exchange: series.exchange, market: series.market, symbol: series.symbol, base, quote }
    : { exchange: series.exchange, symbol: series.symbol, base, quote };
}

/** A candle row of `series`, built field by field, not spread: a run builds hundreds of thousands. */
export function ohlcvRow(series: SeriesRef, v: CandleValues): OhlcvRow {
  const id = identityOf(series, true);
  return {
    exchange: id.exchange,
    market: series.market,
    symbol: id.symbol,
    base: id.base,
    quote: id.quote,
    ts: v.ts,
    open: v.open,
    high: v.high,
    low: v.low,
    close: v.close,
    volume: v.volume,
    quote_volume: v.quote_volume,
    trades: v.trades,
    taker_buy_volume: v.taker_buy_volume ?? null,
    taker_buy_quote_volume: v.taker_buy_quote_volume ?? null,
  };
}

export function fundingRow(
  series: SeriesRef,
  v: { ts: number; funding_rate: number; mark_price: number | null; interval_hours: number },
): FundingRateRow {
  return { ...identityOf(series, false), ...v };
}

/**
 * The funding rows of one page, in any order: oldest first, each with its interval from the spacing
 * of the funding times (see `fundingIntervals`), else the contract's stated one.
 */
export function fundingRows(
  series: SeriesRef,
  items: readonly { ts: number; funding_rate: number; mark_price: number | null }[],
  statedHours: number,
): FundingRateRow[] {
  const sorted = [...items].sort((a, b) => a.ts - b.ts);
  const hours = fundingIntervals(
    sorted.map((i) => i.ts),
    statedHours,
  );
  return sorted.map((v, i) => fundingRow(series, { ...v, interval_hours: hours[i]! }));
}

export function openInterestRow(
  series: SeriesRef,
  v: { ts: number; open_interest: number; open_interest_value: number | null },
): OpenInterestRow {
  return { ...identityOf(series, false), ...v };
}

export function liquidationRow(
  series: SeriesRef,
  v: { ts: number; id: string; side: "long" | "short"; price: number; amount: number },
): LiquidationRow {
  return { ...identityOf(series, false), ...v, value: Number((v.price * v.amount).toPrecision(15)) };
}

/**
 * Funding interval in hours of each funding time, from the spacing to the previous one where that is
 * a plausible interval (1, 2, 4, 8 h), else the contract's stated interval. Exchanges change a
 * contract's interval over time, so the spacing wins over metadata.
 */
export function fundingIntervals(tsAscending: readonly number[], statedHours: number): number[] {
  return tsAscending.map((ts, i) => {
    const neighbour =
      i > 0 ? ts - tsAscending[i - 1]! : i + 1 < tsAscending.length ? tsAscending[i + 1]! - ts : NaN;
    const hours = Math.round(neighbour / 3_600_000);
    return [1, 2, 4, 8].includes(hours) ? hours : statedHours;
  });
}

/** The tables of a perpetual's reference-price candles (mark, index, premium index). */
export type PriceCandleTable = "mark_ohlcv_1h" | "index_ohlcv_1h" | "premium_index_ohlcv_1h";

/** A row of mark_ohlcv_1h, index_ohlcv_1h or premium_index_ohlcv_1h (they share their columns). */
export function priceCandleRow(
  series: SeriesRef,
  v: { ts: number; open: number; high: number; low: number; close: number },
): Row<PriceCandleTable> {
  return seriesRow({ ...series, table: "mark_ohlcv_1h" }, v);
}

/** A reference-price candle from the array layout every exchange's mark/index kline endpoint shares. */
export function priceCandleFromArray(series: SeriesRef, a: readonly unknown[]): Row<PriceCandleTable> {
  return priceCandleRow(series, ohlcFromArray(a));
}

export type LongShortValues = Omit<Row<"long_short_ratios">, IdentityColumn | "ts">;

export const NO_RATIOS: LongShortValues = {
  top_trader_account_ratio: null,
  top_trader_position_ratio: null,
  global_account_ratio: null,
  taker_buy_sell_ratio: null,
};

/**
 * long_short_ratios rows from the ratios each endpoint gave, merged by time: an hour one endpoint
 * did not answer keeps that ratio null (never invented); the others still count.
 */
export function longShortRows(
  series: SeriesRef,
  parts: readonly (readonly { ts: number; values: Partial<LongShortValues> }[])[],
): Row<"long_short_ratios">[] {
  const byTs = new Map<number, LongShortValues>();
  for (const part of parts) {
    for (const { ts, values } of part) byTs.set(ts, { ...(byTs.get(ts) ?? NO_RATIOS), ...values });
  }
  return [...byTs]
    .sort(([a], [b]) => a - b)
    .map(([ts, values]) => seriesRow({ ...series, table: "long_short_ratios" }, { ts, ...values }));
}
