import { parseSymbol, symbolSchema } from "@cexdata/schema";
import { ArchiveUnsupportedError } from "./errors.js";

/** Where a market lives in the archive: `spot`, USDⓈ-M futures (`um`) or COIN-M futures (`cm`). */
export type ArchiveVenue = "spot" | "um" | "cm";

export interface ArchiveSymbol {
  /** ccxt unified symbol, e.g. `BTC/USDT:USDT`. */
  readonly symbol: string;
  /** Binance's id as it appears in archive paths, e.g. `BTCUSDT`, `BTCUSD_PERP`. */
  readonly id: string;
  readonly base: string;
  readonly quote: string;
  readonly venue: ArchiveVenue;
}

/**
 * Maps a ccxt unified symbol to its archive id. `BTC/USDT` -> spot `BTCUSDT`; a linear perpetual
 * `BTC/USDT:USDT` -> um `BTCUSDT`; an inverse perpetual `BTC/USD:BTC` -> cm `BTCUSD_PERP`.
 */
export function toArchiveSymbol(symbol: string): ArchiveSymbol {
  const parsed = symbolSchema.safeParse(symbol);
  if (!parsed.success)
    throw new ArchiveUnsupportedError(`not a ccxt unified symbol: ${JSON.stringify(symbol)}`);
  const { base, quote, settle } = parseSymbol(parsed.data);
  if (settle === null) return { symbol, id: `${base}${quote}`, base, quote, venue: "spot" };
  if (settle === quote) return { symbol, id: `${base}${quote}`, base, quote, venue: "um" };
  if (settle === base) return { symbol, id: `${base}${quote}_PERP`, base, quote, venue: "cm" };
  throw new ArchiveUnsupportedError(`no archive for ${symbol}: settled in neither base nor quote`);
}

/** The market column of a row: `spot`, or `perp` for either kind of perpetual. */
export function marketOf(venue: ArchiveVenue): "spot" | "perp" {
  return venue === "spot" ? "spot" : "perp";
}
