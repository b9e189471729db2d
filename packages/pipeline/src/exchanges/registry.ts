import ccxt from "ccxt";
import { createBinanceAdapter } from "./binance.js";
import { createBybitAdapter } from "./bybit.js";
import { createCoinbaseAdapter } from "./coinbase.js";
import { UnknownExchangeError, type AdapterParams } from "./create-ccxt-exchange.js";
import { createGenericAdapter } from "./generic.js";
import { createOkxAdapter } from "./okx.js";
import type { ExchangeAdapter } from "./types.js";
import { closeMatches } from "../config/close-matches.js";

/** The exchanges with their own adapter. Any other ccxt id goes through the generic one. */
export const DEDICATED_ADAPTERS: Readonly<Record<string, (params: AdapterParams) => ExchangeAdapter>> = {
  binance: createBinanceAdapter,
  okx: createOkxAdapter,
  bybit: createBybitAdapter,
  coinbase: createCoinbaseAdapter,
};

/** The adapter for a ccxt exchange id; UnknownExchangeError (with close matches) for anything else. */
export function createAdapter(id: string, params: AdapterParams = {}): ExchangeAdapter {
  const dedicated = DEDICATED_ADAPTERS[id];
  if (dedicated) return dedicated(params);
  if (!ccxt.exchanges.includes(id)) throw new UnknownExchangeError(id, closeMatches(id, ccxt.exchanges));
  return createGenericAdapter(id, params);
}
