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
  const { base, quote } = parseSymbol(series.symbol);
  const identity = isKeyedByMarket(series.table)
    ? { exchange: series.exchange, market: series.market, symbol: series.symbol, base, quote }
    : { exchange: series.exchange, symbol: series.symbol, base, quote };
  return { ...identity, ...values } as unknown as Row<T>;
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
}

export function ohlcvRow(series: SeriesRef, v: CandleValues): OhlcvRow {
  const { base, quote } = parseSymbol(series.symbol);
  return {
    exchange: series.exchange,
    market: series.market,
    symbol: series.symbol,
    ts: v.ts,
    base,
    quote,
    open: v.open,
    high: v.high,
    low: v.low,
    close: v.close,
    volume: v.volume,
    quote_volume: v.quote_volume,
    trades: v.trades,
  };
}

export function fundingRow(
  series: SeriesRef,
  v: { ts: number; funding_rate: number; mark_price: number | null; interval_hours: number },
): FundingRateRow {
  const { base, quote } = parseSymbol(series.symbol);
  return { exchange: series.exchange, symbol: series.symbol, base, quote, ...v };
}

export function openInterestRow(
  series: SeriesRef,
  v: { ts: number; open_interest: number; open_interest_value: number | null },
): OpenInterestRow {
  const { base, quote } = parseSymbol(series.symbol);
  return { exchange: series.exchange, symbol: series.symbol, base, quote, ...v };
}

export function liquidationRow(
  series: SeriesRef,
  v: { ts: number; id: string; side: "long" | "short"; price: number; amount: number },
): LiquidationRow {
  const { base, quote } = parseSymbol(series.symbol);
  return {
    exchange: series.exchange,
    symbol: series.symbol,
    ts: v.ts,
    id: v.id,
    base,
    quote,
    side: v.side,
    price: v.price,
    amount: v.amount,
    value: Number((v.price * v.amount).toPrecision(15)),
  };
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
