import { CORE_EXCHANGES, type Market } from "./enums.js";

/** The quote assets of one exchange's markets, in the order a bare base is resolved with. */
export interface QuotePreference {
  readonly spot: readonly string[];
  /** Settle currencies of linear perpetuals; empty where the dataset keeps none of the exchange's. */
  readonly perp: readonly string[];
}

const USDT_ONLY: QuotePreference = { spot: ["USDT"], perp: ["USDT"] };

/**
 * Which quote a base means on each exchange, when a config or a query names only the base (`BTC`).
 * Coinbase quotes its spot books in USD (USDC and USDT books are thinner) and its perpetuals are not
 * collected; any other ccxt exchange gets the widest common choice.
 */
export const EXCHANGE_QUOTES: Readonly<Record<(typeof CORE_EXCHANGES)[number], QuotePreference>> = {
  binance: USDT_ONLY,
  okx: USDT_ONLY,
  bybit: USDT_ONLY,
  coinbase: { spot: ["USD", "USDC", "USDT"], perp: [] },
};

export const OTHER_EXCHANGE_QUOTES: QuotePreference = {
  spot: ["USDT", "USD", "USDC"],
  perp: ["USDT", "USDC"],
};

/** The quotes tried in order for a base on an exchange's market. */
export function quotesOf(exchange: string, market: Market): readonly string[] {
  const own = (EXCHANGE_QUOTES as Readonly<Record<string, QuotePreference>>)[exchange];
  return (own ?? OTHER_EXCHANGE_QUOTES)[market];
}

/** The quote a query means when it names none: USDT, USD on Coinbase. */
export function defaultQuote(exchange: string): string {
  return quotesOf(exchange, "spot")[0]!;
}

/** Position of an exchange in the default order (CORE_EXCHANGES, then any other). */
export function exchangeRank(exchange: string): number {
  const i = (CORE_EXCHANGES as readonly string[]).indexOf(exchange);
  return i === -1 ? CORE_EXCHANGES.length : i;
}

/** Exchanges in the default order (binance, okx, bybit, coinbase), then the rest by name. */
export function compareExchanges(a: string, b: string): number {
  return exchangeRank(a) - exchangeRank(b) || a.localeCompare(b);
}
