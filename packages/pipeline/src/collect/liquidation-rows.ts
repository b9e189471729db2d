import { createHash } from "node:crypto";
import type { Liquidation, Market } from "ccxt";
import { WS_LIQUIDATION_SIDE } from "../exchanges/registry.js";

/** The exchanges with a public liquidation stream the collector reads. */
export const COLLECTABLE_EXCHANGES = Object.keys(WS_LIQUIDATION_SIDE);

/**
 * A `liquidations` row candidate from ccxt's unified liquidation (validated downstream like any row).
 * None of the three streams carries an event id, so the id is a hash of the event's content: a replayed
 * log, or the same event seen twice, lands on the same primary key.
 */
export function liquidationRowFrom(
  exchange: string,
  liq: Liquidation,
  market: Market | undefined,
): Record<string, unknown> {
  const info = (liq.info ?? {}) as Record<string, unknown>;
  const side = WS_LIQUIDATION_SIDE[exchange]?.(info) ?? null;
  const contractSize = liq.contractSize ?? market?.contractSize ?? 1;
  const amount = liq.baseValue ?? (liq.contracts !== undefined ? liq.contracts * contractSize : null);
  const price = liq.price ?? null;
  const id = createHash("sha256")
    .update([exchange, liq.symbol, liq.timestamp, side, price, amount].join("|"))
    .digest("hex")
    .slice(0, 20);
  return {
    exchange,
    symbol: liq.symbol,
    ts: liq.timestamp,
    id,
    base: market?.base,
    quote: market?.quote,
    side,
    price,
    amount,
    value: price !== null && amount !== null ? price * amount : null,
  };
}
