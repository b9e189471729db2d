/**
 * When each simulated symbol trades, and its per-symbol properties. Real listing dates where we
 * know them; anything not in the table lists on DEFAULT_LISTED_MS and never delists.
 */

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

export interface SymbolLife {
  /** First minute with a candle (epoch ms, minute-aligned). */
  readonly listedMs: number;
  /** First minute without a candle, for a delisted symbol. */
  readonly delistedMs?: number;
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
};

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
  return tsMs >= life.listedMs && (life.delistedMs === undefined || tsMs < life.delistedMs);
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
