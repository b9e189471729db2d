import type { Exchange, MarketInterface } from "ccxt";
import type { BookDepthRow, ExchangeInfoRow, Market, Row, SeriesTable } from "@cexdata/schema";
import type { ExchangeGeoBlockedError } from "./geo-block.js";

export type { SeriesTable } from "@cexdata/schema";

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

/**
 * How an exchange serves one table over REST. An exchange that does not serve a table has no entry
 * for it; which markets a table has comes from the schema (`TABLES[t].markets`).
 */
export type TableCapability = {
  /** Rows per request at the exchange's lowest cost per row (per market where they differ). */
  readonly pageSize: number | ((market: Market) => number);
  /** One request. Exchange errors propagate as ccxt errors (the pager decides on retries). */
  readonly fetchPage: (query: PageQuery) => Promise<FetchedPage>;
} & (ForeverHistory | ForgottenHistory);

/** The exchange keeps this history for ever: nothing to capture, the next fetch gets it again. */
interface ForeverHistory {
  readonly earliest?: undefined;
  readonly replay?: undefined;
}

/**
 * The exchange forgets this history (a REST horizon): every body fetched for it is kept in the raw
 * layer as received, and `replay` re-derives its rows later with today's parser (`cexdata replay`).
 */
interface ForgottenHistory {
  /**
   * The earliest time the exchange still serves, given the clock (Binance open interest: 30 days).
   * Left out for a table the schema marks `presentOnly`: its horizon is the step running now.
   */
  readonly earliest?: (nowMs: number) => number;
  /** The series' rows from every raw body captured for it, as `fetchPage` maps them. */
  readonly replay: ReplayParser;
}

/** The tables an exchange serves over REST: an absent entry is a table it does not serve. */
export type Capabilities = Readonly<Partial<Record<SeriesTable, TableCapability>>>;

/** Why a table is not fetched for a market, or null when it is served. */
export type Unsupported = string | null;

/** The top levels of one market's order book now, as book_depth rows. */
export type BookSnapshot = (symbol: string, market: Market, nowMs: number) => Promise<BookDepthRow[]>;

/**
 * One exchange's quirks behind one interface: page sizes, endpoints, the mapping of raw payloads to
 * dataset rows. The REST pager, the planner and the run only talk to this. `unsupported`,
 * `earliestMs`, `pageSize` and `fetchPage` are derived from `tables` (see capabilities.ts).
 */
export interface ExchangeAdapter {
  readonly id: string;
  /** The ccxt instance (rate limiter on, URLs overridden); one per adapter. */
  readonly ccxt: Exchange;
  /** What the exchange serves, per table. */
  readonly tables: Capabilities;
  loadMarkets(): Promise<void>;
  /** The unified symbol of `base` on `market` (by the schema's quote preference), if listed. */
  symbolFor(base: string, market: Market): string | undefined;
  /** Every unified symbol of a market type, for "did you mean" and `top: N`. */
  symbols(market: Market): string[];
  unsupported(table: SeriesTable, market: Market): Unsupported;
  /** The earliest time the exchange serves for a table (Binance open interest: 30 days back). */
  earliestMs(table: SeriesTable, nowMs: number): number;
  /** Rows per request at the exchange's lowest cost per row. */
  pageSize(table: SeriesTable, market: Market): number;
  /** One request, by the table's entry in `tables`. */
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
  /**
   * The top levels of a market's order book now, as book_depth rows (a scheduled run takes one per
   * series); absent where the exchange's depth history comes from its archive instead (Binance).
   */
  readonly bookSnapshot?: BookSnapshot;
}

/** One captured response body (parsed JSON) and the URL path it answered. */
export interface RawBody {
  readonly body: unknown;
  readonly endpoint: string;
  /** Start of the page it was asked for, where known: a fetch kept nothing older from it. */
  readonly pageSinceMs?: number;
}

/**
 * Re-derives a series' rows from the bodies captured for it, oldest first: all at once, because
 * some rows are built from several bodies (a long/short row from four statistics, an OKX premium
 * candle from a window's pages). A body whose envelope changed is `unreadable` (by its index) and
 * contributes nothing; the others still do.
 */
export type ReplayParser = (
  series: SeriesRef,
  bodies: readonly RawBody[],
  market: MarketInterface,
) => {
  readonly rows: readonly SeriesRow[];
  readonly unreadable: readonly { index: number; reason: string }[];
};
