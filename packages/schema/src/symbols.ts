import type { Market } from "./enums.js";

/** A ccxt unified symbol taken apart. */
export interface SymbolParts {
  readonly base: string;
  readonly quote: string;
  /** The settle currency of a perpetual (`USDT` in `BTC/USDT:USDT`), null on spot. */
  readonly settle: string | null;
  readonly market: Market;
}

/**
 * `BTC/USDT:USDT` -> { base: "BTC", quote: "USDT", settle: "USDT", market: "perp" }; `BTC/USDT` is
 * spot. The one place a symbol is split: parts that are missing come back as empty strings, for
 * validation to refuse.
 */
export function parseSymbol(symbol: string): SymbolParts {
  const colon = symbol.indexOf(":");
  const pair = colon === -1 ? symbol : symbol.slice(0, colon);
  const slash = pair.indexOf("/");
  const base = slash === -1 ? pair : pair.slice(0, slash);
  const quote = slash === -1 ? "" : pair.slice(slash + 1);
  const settle = colon === -1 ? null : symbol.slice(colon + 1);
  return { base, quote, settle, market: settle === null ? "spot" : "perp" };
}

/** The base asset of a unified symbol: `BTC/USDT:USDT` -> `BTC`. */
export function baseOf(symbol: string): string {
  return parseSymbol(symbol).base;
}

/** The unified symbol of a linear market: (`BTC`, `USDT`, perp) -> `BTC/USDT:USDT`. */
export function unifiedSymbol(base: string, quote: string, market: Market): string {
  return market === "spot" ? `${base}/${quote}` : `${base}/${quote}:${quote}`;
}
