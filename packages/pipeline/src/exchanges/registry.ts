import ccxt from "ccxt";
import { findCloseMatches } from "@cexdata/schema";
import { binanceWsLiquidationSide, createBinanceAdapter } from "./binance.js";
import { bybitWsLiquidationSide, createBybitAdapter } from "./bybit.js";
import { createCoinbaseAdapter } from "./coinbase.js";
import { UnknownExchangeError, type AdapterParams } from "./create-ccxt-exchange.js";
import { createGenericAdapter } from "./generic.js";
import { createOkxAdapter, okxWsLiquidationSide } from "./okx.js";
import type { ExchangeAdapter } from "./types.js";

/** The exchanges with their own adapter. Any other ccxt id goes through the generic one. */
export const DEDICATED_ADAPTERS: Readonly<Record<string, (params: AdapterParams) => ExchangeAdapter>> = {
  binance: createBinanceAdapter,
  okx: createOkxAdapter,
  bybit: createBybitAdapter,
  coinbase: createCoinbaseAdapter,
};

/**
 * Which position a websocket liquidation closed, per exchange with a public liquidation stream (the
 * streams disagree on what their side field means; each exchange's file says how to read its own).
 */
export const WS_LIQUIDATION_SIDE: Readonly<
  Record<string, (info: Record<string, unknown>) => "long" | "short" | undefined>
> = {
  binance: binanceWsLiquidationSide,
  bybit: bybitWsLiquidationSide,
  okx: okxWsLiquidationSide,
};

/** The adapter for a ccxt exchange id; UnknownExchangeError (with close matches) for anything else. */
export function createAdapter(id: string, params: AdapterParams = {}): ExchangeAdapter {
  const dedicated = DEDICATED_ADAPTERS[id];
  if (dedicated) return dedicated(params);
  if (!ccxt.exchanges.includes(id)) throw new UnknownExchangeError(id, findCloseMatches(id, ccxt.exchanges));
  return createGenericAdapter(id, params);
}
