import { createHash } from "node:crypto";
import type { Liquidation, Market } from "ccxt";

/**
 * Which position a liquidation closed, per exchange: the streams disagree on what their side field means.
 * Binance `S` is the liquidation ORDER's side (SELL closes a long); Bybit `S` is the POSITION's side
 * (Buy: a long was liquidated); OKX says it outright in `details[0].posSide`.
 */
const POSITION_SIDE: Readonly<
  Record<string, (info: Record<string, unknown>) => "long" | "short" | undefined>
> = {
  binance: (info) => (info.S === "SELL" ? "long" : info.S === "BUY" ? "short" : undefined),
  bybit: (info) => (info.S === "Buy" ? "long" : info.S === "Sell" ? "short" : undefined),
  okx: (info) => {
    const details = Array.isArray(info.details)
      ? (info.details[0] as Record<string, unknown> | undefined)
      : undefined;
    return details?.posSide === "long" || details?.posSide === "short" ? details.posSide : undefined;
  },
};

export const COLLECTABLE_EXCHANGES = Object.keys(POSITION_SIDE);

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
  const side = POSITION_SIDE[exchange]?.(info) ?? null;
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
