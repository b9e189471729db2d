/**
 * When each simulated symbol trades, and its per-symbol properties. Real listing dates where we
 * know them; anything not in the table lists on DEFAULT_LISTED_MS and never delists.
 */

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

export interface SymbolLife {
  /** First minute with a candle (epoch ms, minute-aligned). */
  readonly listedMs: number;
  /** First minute without trading, for a delisted symbol. */
  readonly delistedMs?: number;
  /**
   * Until when the exchange keeps printing zero-volume candles at the last price after the
   * delisting, as Binance does for a settled perpetual. Without it, candles stop at `delistedMs`.
   */
  readonly zombieUntilMs?: number;
  /** When the market first shows in the exchange's listing, before it trades (a pre-launch). */
  readonly announcedMs?: number;
  /** When the market disappears from the exchange's listing altogether. */
  readonly unlistedMs?: number;
  /** [startMs, endMs) stretches the exchange printed nothing (an outage): no candle, no event. */
  readonly outages?: ReadonlyArray<readonly [number, number]>;
  /** Hours between funding payments of a perpetual (8 unless stated). */
  readonly fundingIntervalHours?: number;
}

export const DEFAULT_LISTED_MS = day("2020-01-01");

/**
 * Keyed by ccxt unified symbol, optionally prefixed by an exchange id ("okx:BTC/USDT:USDT") where
 * one exchange differs. Notes:
 * - BTC and ETH spot list on 2017-08-17, the day Binance opened.
 * - LUNA/USDT is the delisted symbol: trading halted on 2022-05-13 (its candles stop there).
 * - DOGE/USDT:USDT pays funding every 4 h and 1000PEPE/USDT:USDT every 1 h, to exercise the
 *   `interval_hours` column; Coinbase perpetuals pay hourly (`funding_interval: 3600s`).
 * - FADE and NOVA play the listing lifecycle (see LISTING_LIFECYCLE): made-up tickers, so no real
 *   market's history is misrepresented; served only by a simulator started with that scenario.
 */
export const SYMBOL_LIFE: Readonly<Record<string, SymbolLife>> = {
  "BTC/USDT": { listedMs: day("2017-08-17") },
  "ETH/USDT": { listedMs: day("2017-08-17") },
  "BTC/USD": { listedMs: day("2017-08-17") },
  "ETH/USD": { listedMs: day("2017-08-17") },
  "BTC/USDC": { listedMs: day("2018-12-15") },
  "SOL/USDT": { listedMs: day("2020-08-11") },
  "SOL/USD": { listedMs: day("2021-06-01") },
  "LUNA/USDT": { listedMs: day("2020-08-21"), delistedMs: day("2022-05-13") },
  "BTC/USDT:USDT": { listedMs: day("2019-09-25") },
  "ETH/USDT:USDT": { listedMs: day("2019-11-27") },
  "SOL/USDT:USDT": { listedMs: day("2020-09-14") },
  "DOGE/USDT:USDT": { listedMs: day("2020-07-10"), fundingIntervalHours: 4 },
  "1000PEPE/USDT:USDT": { listedMs: day("2023-05-05"), fundingIntervalHours: 1 },
  "LUNA/USDT:USDT": { listedMs: day("2021-01-15"), delistedMs: day("2022-05-13") },
  "BTC/USD:BTC": { listedMs: day("2020-08-10") },
  "FADE/USDT:USDT": {
    listedMs: day("2023-06-01"),
    delistedMs: Date.parse("2024-03-04T12:00:00Z"),
    zombieUntilMs: Date.parse("2024-03-05T12:00:00Z"),
    unlistedMs: day("2024-03-07"),
    outages: [[Date.parse("2024-03-02T06:00:00Z"), Date.parse("2024-03-02T07:30:00Z")]],
  },
  "NOVA/USDT:USDT": {
    announcedMs: day("2024-03-05"),
    listedMs: Date.parse("2024-03-06T08:00:00Z"),
  },
};

/**
 * The listing lifecycle scenario on Binance USDⓈ-M, 2024-03-01 .. 2024-03-09: BTC trades throughout;
 * FADE trades (with a 90-minute outage on 2024-03-02 06:00), is delisted mid-range (SETTLING, with
 * zero-volume candles for a day, as Binance keeps printing them) and later vanishes from the listing;
 * NOVA is announced (PENDING_TRADING) and lists.
 */
export const LISTING_LIFECYCLE = {
  exchange: "binance",
  /** Binance market id -> ccxt symbol of the scenario's extra perpetuals. */
  usdm: { FADEUSDT: "FADE/USDT:USDT", NOVAUSDT: "NOVA/USDT:USDT" },
  startMs: day("2024-03-01"),
  endMs: day("2024-03-09"),
} as const;

/** Exchanges whose perpetuals pay funding on a different default interval. */
const EXCHANGE_FUNDING_HOURS: Readonly<Record<string, number>> = { coinbase: 1 };

export function symbolLife(exchange: string, symbol: string): SymbolLife {
  return SYMBOL_LIFE[`${exchange}:${symbol}`] ?? SYMBOL_LIFE[symbol] ?? { listedMs: DEFAULT_LISTED_MS };
}

export function fundingIntervalHours(exchange: string, symbol: string): number {
  return symbolLife(exchange, symbol).fundingIntervalHours ?? EXCHANGE_FUNDING_HOURS[exchange] ?? 8;
}

/** Whether the symbol trades during the minute starting at `tsMs`. */
export function isListedAt(exchange: string, symbol: string, tsMs: number): boolean {
  const life = symbolLife(exchange, symbol);
  if (tsMs < life.listedMs || (life.delistedMs !== undefined && tsMs >= life.delistedMs)) return false;
  return !(life.outages ?? []).some(([start, end]) => tsMs >= start && tsMs < end);
}

/** Whether the minute starting at `tsMs` is a zero-volume candle printed after the delisting. */
export function isZombieAt(exchange: string, symbol: string, tsMs: number): boolean {
  const life = symbolLife(exchange, symbol);
  return life.delistedMs !== undefined && tsMs >= life.delistedMs && tsMs < (life.zombieUntilMs ?? 0);
}

/** First minute without any candle (traded or zombie); +Infinity while the symbol lives. */
export function candlesEndMs(exchange: string, symbol: string): number {
  const life = symbolLife(exchange, symbol);
  if (life.delistedMs === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(life.delistedMs, life.zombieUntilMs ?? life.delistedMs);
}

/** How the exchange's listing shows the market at `tsMs`. */
export type ListingState = "absent" | "pending" | "trading" | "halted";

export function listingStateAt(exchange: string, symbol: string, tsMs: number): ListingState {
  const life = symbolLife(exchange, symbol);
  if (life.unlistedMs !== undefined && tsMs >= life.unlistedMs) return "absent";
  if (tsMs < life.listedMs)
    return life.announcedMs !== undefined && tsMs >= life.announcedMs ? "pending" : "absent";
  // An outage is not a delisting: the listing still says the market trades.
  return life.delistedMs !== undefined && tsMs >= life.delistedMs ? "halted" : "trading";
}

export interface SymbolParts {
  readonly base: string;
  readonly quote: string;
  readonly settle?: string;
}

export function splitSymbol(symbol: string): SymbolParts {
  const [pair = "", settle] = symbol.split(":");
  const [base = "", quote = ""] = pair.split("/");
  return settle === undefined ? { base, quote } : { base, quote, settle };
}

export function isPerpetual(symbol: string): boolean {
  return symbol.includes(":");
}
