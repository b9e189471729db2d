import type { Exchange } from "ccxt";
import { tableDef, type ExchangeInfoRow, type Market, type NativeInterval, type Row } from "@cexdata/schema";
import type { ExchangeGeoBlockedError } from "./geo-block.js";

/** Tables fetched as time series, page by page. */
export const SERIES_TABLES = [
  "ohlcv_1m",
  "ohlcv_1h",
  "ohlcv_1d",
  "funding_rates",
  "open_interest",
  "liquidations",
  "mark_ohlcv_1h",
  "index_ohlcv_1h",
  "premium_index_ohlcv_1h",
  "long_short_ratios",
] as const;
export type SeriesTable = (typeof SERIES_TABLES)[number];

export const OHLCV_INTERVAL: Readonly<Partial<Record<SeriesTable, NativeInterval>>> = {
  ohlcv_1m: "1m",
  ohlcv_1h: "1h",
  ohlcv_1d: "1d",
};

/**
 * The period a row covers, for tables whose rows close like candles: a candle, or an hourly
 * open-interest snapshot (exchanges disagree on serving the current hour, so it waits until closed).
 */
export function closingPeriodMs(table: SeriesTable): number {
  const candleMs = tableDef(table).candleMs;
  if (candleMs !== undefined) return candleMs;
  return table === "open_interest" || table === "long_short_ratios" ? 3_600_000 : 0;
}

/**
 * The spacing of a series whose every period should hold a row, so a missing one is a gap: candles
 * and the hourly long/short ratios. Undefined for event tables and open interest.
 */
export function expectedSpacingMs(table: SeriesTable): number | undefined {
  return tableDef(table).candleMs ?? (table === "long_short_ratios" ? 3_600_000 : undefined);
}

/** The derivatives tables: perpetuals only, on the exchanges that publish them. */
export const DERIVATIVE_TABLES = [
  "mark_ohlcv_1h",
  "index_ohlcv_1h",
  "premium_index_ohlcv_1h",
  "long_short_ratios",
] as const satisfies readonly SeriesTable[];
export type DerivativeTable = (typeof DERIVATIVE_TABLES)[number];

export function isDerivativeTable(table: SeriesTable): table is DerivativeTable {
  return (DERIVATIVE_TABLES as readonly string[]).includes(table);
}

export function isSeriesTable(name: string): name is SeriesTable {
  return (SERIES_TABLES as readonly string[]).includes(name);
}

/** One series: a table of one market of one exchange. */
export interface SeriesRef {
  readonly table: SeriesTable;
  readonly exchange: string;
  readonly market: Market;
  /** ccxt unified symbol. */
  readonly symbol: string;
}

export type SeriesRow = Row<SeriesTable>;

/** Where the next request starts. `sinceMs`/`untilMs` bound event times: [sinceMs, untilMs). */
export interface PageCursor {
  readonly sinceMs: number;
  readonly untilMs: number;
}

export interface PageQuery extends PageCursor {
  readonly series: SeriesRef;
  /** The clock: rows at or after it (and candles not closed by it) are dropped. */
  readonly nowMs: number;
}

export interface FetchedPage {
  /** Rows of this page in any order; malformed values stay in for validation to quarantine. */
  readonly rows: readonly SeriesRow[];
  /** The next request, or null when the range is exhausted. */
  readonly next: PageCursor | null;
  /** Rows per request asked for (the page size used). */
  readonly limit: number;
}

/** Why a table is not fetched for a market, or null when it is served. */
export type Unsupported = string | null;

/**
 * One exchange's quirks behind one interface: page sizes, endpoints, the mapping of raw payloads to
 * dataset rows. The REST pager, the planner and the run only talk to this.
 */
export interface ExchangeAdapter {
  readonly id: string;
  /** The ccxt instance (rate limiter on, URLs overridden); one per adapter. */
  readonly ccxt: Exchange;
  loadMarkets(): Promise<void>;
  /** The unified symbol of `base` on `market` (USDT-quoted, USD on Coinbase), if listed. */
  symbolFor(base: string, market: Market): string | undefined;
  /** Every unified symbol of a market type, for "did you mean" and `top: N`. */
  symbols(market: Market): string[];
  unsupported(table: SeriesTable, market: Market): Unsupported;
  /** The earliest time the exchange serves for a table (Binance open interest: 30 days back). */
  earliestMs(table: SeriesTable, nowMs: number): number;
  /** Rows per request at the exchange's lowest cost per row. */
  pageSize(table: SeriesTable, market: Market): number;
  /** One request. Exchange errors propagate as ccxt errors (the pager decides on retries). */
  fetchPage(query: PageQuery): Promise<FetchedPage>;
  /** exchange_info rows for the markets of `markets`, from loadMarkets. */
  exchangeInfo(markets: readonly Market[], nowMs: number): ExchangeInfoRow[];
  /** Human asset names where the exchange gives them (token_info.name). */
  assetName(base: string): string | null;
  /**
   * The geo-block that keeps a market's REST host from this runner (found while loading markets),
   * or null. Its series go to the archive where `archivedTables` has them, else are reported blocked.
   */
  blockedMarket(market: Market): ExchangeGeoBlockedError | null;
  /** Tables whose closed days a public archive keeps, fetched from there when REST is blocked. */
  readonly archivedTables: readonly SeriesTable[];
}
